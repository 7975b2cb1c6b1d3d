package io.kka.loop;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.data.Columns;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What a judged set of anomalies is made of: hard and easy counts, and per class (the embedded bank's
 * class_name; {@value #NO_CLASS} for rows without one, e.g. HTTP renders) how many there are, how many are hard,
 * and each class's share of the hard ones; plus the number of distinct classes and the class entropy in bits
 * (log2 of the number of classes when they are equally represented, 0 when one class is everything).
 * One small aggregate: a row per class reaches the driver.
 */
final class Composition {
    /** the class of rows without a class_name */
    static final String NO_CLASS = "(none)";

    private Composition() {
    }

    /**
     * @param judged rows with class_name and hardness (rows without hardness are ignored)
     * @return {size, hard, easy, hard_fraction, classes: {name: {n, hard, hard_share}}, distinct_classes,
     *         class_entropy}
     */
    static ObjectNode of(Dataset<Row> judged) {
        List<Row> rows = judged.filter(col(Columns.HARDNESS).isNotNull())
                .groupBy(coalesce(col(Columns.CLASS_NAME), lit(NO_CLASS)).as("c"))
                .agg(count(lit(1)).as("n"), sum(when(col(Columns.HARDNESS).equalTo(HardAnomalySelector.HARD), 1)
                        .otherwise(0)).as("h"))
                .collectAsList();
        Map<String, long[]> byClass = new TreeMap<>();
        for (Row r : rows) {
            byClass.put(r.getString(0), new long[] {r.getLong(1), r.getLong(2)});
        }
        return of(byClass);
    }

    /**
     * @param judged rows with class_name, score and hardness
     * @param levels the judge's threshold under other rules ({@link HardAnomalySelector#levels()})
     * @return {@link #of(Dataset)} plus {@code by_rule}: the hard fraction each of those thresholds would give
     */
    static ObjectNode of(Dataset<Row> judged, Map<String, Double> levels) {
        ObjectNode o = of(judged);
        if (levels.isEmpty()) {
            return o;
        }
        Dataset<Row> scored = judged.filter(col(Columns.HARDNESS).isNotNull());
        List<String> names = List.copyOf(levels.keySet());
        org.apache.spark.sql.Column[] sums = new org.apache.spark.sql.Column[names.size()];
        for (int i = 0; i < sums.length; i++) {
            sums[i] = sum(when(col(Columns.SCORE).lt(levels.get(names.get(i))), 1).otherwise(0));
        }
        Row r = scored.agg(count(lit(1)), sums).first();
        long n = r.getLong(0);
        ObjectNode by = o.putObject("by_rule");
        for (int i = 0; i < names.size(); i++) {
            by.put(names.get(i), n == 0 || r.isNullAt(i + 1) ? 0.0 : (double) r.getLong(i + 1) / n);
        }
        return o;
    }

    /** @param byClass class → {n, hard} */
    static ObjectNode of(Map<String, long[]> byClass) {
        long n = 0;
        long hard = 0;
        for (long[] v : byClass.values()) {
            n += v[0];
            hard += v[1];
        }
        ObjectNode o = Metrics.JSON.createObjectNode();
        o.put("size", n);
        o.put("hard", hard);
        o.put("easy", n - hard);
        o.put("hard_fraction", Metrics.fraction(hard, n - hard));
        ObjectNode classes = o.putObject("classes");
        double entropy = 0;
        for (Map.Entry<String, long[]> e : byClass.entrySet()) {
            ObjectNode c = classes.putObject(e.getKey());
            c.put("n", e.getValue()[0]);
            c.put("hard", e.getValue()[1]);
            c.put("hard_share", hard == 0 ? 0.0 : (double) e.getValue()[1] / hard);
            double p = (double) e.getValue()[0] / n;
            entropy -= p > 0 ? p * Math.log(p) / Math.log(2) : 0;
        }
        o.put("distinct_classes", byClass.size());
        o.put("class_entropy", Math.max(0.0, entropy));
        return o;
    }
}
