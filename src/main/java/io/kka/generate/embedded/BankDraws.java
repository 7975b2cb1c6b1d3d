package io.kka.generate.embedded;

import io.kka.data.SplitHash;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Executor side of the embedded renderer's first step: a description row → its bank class (through the
 * {@link Lexicon}), the shape operations its item implies (shorts, skirt) and, per image, a seeded draw (a non-negative long; the bank index is draw mod class size) and an
 * augmentation seed; or a match error. Depends only on the row, so it is partition-independent.
 */
final class BankDraws implements MapPartitionsFunction<Row, Row> {
    /** description row + _class, _match_error, _shape, _j, _draw, _aug */
    static final StructType SCHEMA = new StructType()
            .add("description_id", DataTypes.StringType, false)
            .add("prompt_id", DataTypes.StringType, false)
            .add("iteration", DataTypes.IntegerType, false)
            .add("description", DataTypes.StringType, true)
            .add("llm_model", DataTypes.StringType, false)
            .add("seed", DataTypes.LongType, false)
            .add("error", io.kka.data.SampleSchema.ERROR, true)
            .add("_class", DataTypes.StringType, true)
            .add("_match_error", DataTypes.StringType, true)
            .add("_shape", DataTypes.StringType, true)
            .add("_j", DataTypes.IntegerType, false)
            .add("_draw", DataTypes.LongType, false)
            .add("_aug", DataTypes.LongType, false);
    private static final long serialVersionUID = 1L;
    private final Lexicon lexicon;
    private final Set<String> excluded;
    private final int images;

    /**
     * @param lexicon  the lexicon
     * @param excluded lower-case names of the excluded classes
     * @param images   images per description
     */
    BankDraws(Lexicon lexicon, Set<String> excluded, int images) {
        this.lexicon = lexicon;
        this.excluded = Set.copyOf(excluded);
        this.images = images;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> in) {
        List<Row> out = new ArrayList<>();
        while (in.hasNext()) {
            Row r = in.next();
            String id = r.getAs("description_id");
            String text = r.getAs("description");
            long seed = r.<Long>getAs("seed");
            Row error = r.getAs("error");
            String cls = null;
            String problem = null;
            String shape = null;
            if (error == null && text != null) {
                Lexicon.Match m = lexicon.match(text);
                problem = problem(text, m);
                cls = problem == null ? m.className() : null;
                shape = m.shape().isEmpty() ? null : String.join(" ", m.shape().stream().map(AttributeOps.Op::wire)
                        .toList());
            }
            int n = cls == null ? 1 : images;
            for (int j = 0; j < n; j++) {
                long draw = hash(seed, id, j, "draw") & Long.MAX_VALUE;
                out.add(RowFactory.create(id, r.getAs("prompt_id"), r.getAs("iteration"), text, r.getAs("llm_model"),
                        seed, error, cls, problem, shape, j, draw, hash(seed, id, j, "augment")));
            }
        }
        return out.iterator();
    }

    private String problem(String text, Lexicon.Match m) {
        String head = "no image in the embedded bank matches '" + text + "'";
        if (m.className() == null) {
            return head + " (no item of the lexicon is named)";
        }
        if (Lexicon.NOT_IN_BANK.equals(m.className())) {
            return head + " ('" + m.phrase() + "' is not an item the bank holds)";
        }
        if (excluded.contains(m.className().toLowerCase(Locale.ROOT))) {
            return head + " ('" + m.phrase() + "' is " + m.className()
                    + ", excluded by images.embedded.exclude_classes)";
        }
        return null;
    }

    /** @return a seeded hash of (seed, description id, image index, purpose) */
    static long hash(long seed, String id, int j, String purpose) {
        return SplitHash.mix(Double.doubleToLongBits(SplitHash.unit(id + "#" + j, seed, purpose)) ^ seed);
    }
}
