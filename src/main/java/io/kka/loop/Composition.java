package io.kka.loop;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.kka.data.Columns;
import java.util.LinkedHashMap;
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
 *
 * @param size            judged rows
 * @param hard            hard rows
 * @param easy            easy rows
 * @param hardFraction    hard / size (0 for an empty set)
 * @param classes         per class: rows, hard rows, share of all hard rows
 * @param distinctClasses number of classes
 * @param classEntropy    class entropy in bits
 * @param byRule          the hard fraction each of the judge's other threshold levels would give (null: not measured)
 */
record Composition(long size, long hard, long easy, double hardFraction, Map<String, ClassCount> classes,
        int distinctClasses, double classEntropy, @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Double> byRule) {
    /** the class of rows without a class_name */
    static final String NO_CLASS = "(none)";

    /**
     * One class of a composition.
     *
     * @param n         rows
     * @param hard      hard rows
     * @param hardShare its share of all hard rows
     */
    record ClassCount(long n, long hard, double hardShare) {
    }

    /**
     * @param judged rows with class_name and hardness (rows without hardness are ignored)
     * @return the composition (without by_rule)
     */
    static Composition of(Dataset<Row> judged) {
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
    static Composition of(Dataset<Row> judged, Map<String, Double> levels) {
        Composition o = of(judged);
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
        Map<String, Double> by = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            by.put(names.get(i), n == 0 || r.isNullAt(i + 1) ? 0.0 : (double) r.getLong(i + 1) / n);
        }
        return new Composition(o.size, o.hard, o.easy, o.hardFraction, o.classes, o.distinctClasses, o.classEntropy,
                by);
    }

    /** @param byClass class → {n, hard} */
    static Composition of(Map<String, long[]> byClass) {
        long n = 0;
        long hard = 0;
        for (long[] v : byClass.values()) {
            n += v[0];
            hard += v[1];
        }
        Map<String, ClassCount> classes = new TreeMap<>();
        double entropy = 0;
        for (Map.Entry<String, long[]> e : byClass.entrySet()) {
            classes.put(e.getKey(), new ClassCount(e.getValue()[0], e.getValue()[1],
                    hard == 0 ? 0.0 : (double) e.getValue()[1] / hard));
            double p = (double) e.getValue()[0] / n;
            entropy -= p > 0 ? p * Math.log(p) / Math.log(2) : 0;
        }
        return new Composition(n, hard, n - hard, Metrics.fraction(hard, n - hard), classes, byClass.size(),
                Math.max(0.0, entropy), null);
    }

    /** @return this composition as its judge labelled it (metrics.json's new_generation and probe) */
    Judged by(String judge) {
        return new Judged(judge, size, hard, easy, hardFraction, classes, distinctClasses, classEntropy, byRule);
    }

    /**
     * A composition with the name of the evaluator that judged it.
     *
     * @param judge who judged ("baseline", "E_1")
     */
    record Judged(String judge, long size, long hard, long easy, double hardFraction, Map<String, ClassCount> classes,
            int distinctClasses, double classEntropy,
            @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Double> byRule) {
    }
}
