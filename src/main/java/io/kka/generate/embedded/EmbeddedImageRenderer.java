package io.kka.generate.embedded;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.xxhash64;

import io.kka.config.ConfigException;
import io.kka.config.DataConfig;
import io.kka.config.ImageGenConfig;
import io.kka.data.Columns;
import io.kka.data.Role;
import io.kka.data.SampleSchema;
import io.kka.data.Split;
import io.kka.generate.ImageRenderer;
import io.kka.store.HadoopConf;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.expressions.Window;

/**
 * Eq. 4 with the embedded weight-free stand-in. <b>It does not synthesise images</b>: it matches a description to
 * a class through a lexicon, draws a bank image of that class, changes it as the description's attributes say
 * (tone, size, length, width, sleeves, parts, pattern, damage: {@link AttributeOps}, words from
 * {@code images.embedded.attributes}) and returns a seeded augmentation of the result. The bank holds only
 * the auxiliary rows of the samples table (role auxiliary, split train: training images of non-normal classes),
 * never validation or test rows, minus {@code images.embedded.exclude_classes}. A description that names no bank
 * class, an item the lexicon lists as not in the bank, an excluded class, or a class with no bank image gives an
 * error row naming the description — never a look-alike substitute.
 *
 * <p>Distributed: descriptions are matched and given seeded draws on executors; the bank is ranked per class by a
 * hash of the sample id (row_number over xxhash64); a draw picks rank = draw mod class size through two joins. No
 * bank image reaches the driver. Every output depends only on its description row (and seed) and the bank, so
 * results are identical however the descriptions are partitioned.
 */
public final class EmbeddedImageRenderer implements ImageRenderer {
    private final Dataset<Row> samples;
    private final DataConfig data;
    private final ImageGenConfig cfg;
    private final Lexicon lexicon;
    private final Attributes attributes;
    private final Set<String> excluded;

    private EmbeddedImageRenderer(Dataset<Row> samples, DataConfig data, ImageGenConfig cfg, Lexicon lexicon,
            Attributes attributes) {
        this.samples = samples;
        this.data = data;
        this.cfg = cfg;
        this.lexicon = lexicon;
        this.attributes = attributes;
        Set<String> ex = new LinkedHashSet<>();
        Set<String> known = new LinkedHashSet<>();
        lexicon.classes().forEach(c -> known.add(c.toLowerCase(Locale.ROOT)));
        for (String c : cfg.embedded().excludeClasses()) {
            if (!known.contains(c.toLowerCase(Locale.ROOT))) {
                throw new ConfigException("images.embedded.exclude_classes", "must name classes of the lexicon "
                        + lexicon.classes(), "'" + c + "'");
            }
            ex.add(c.toLowerCase(Locale.ROOT));
        }
        this.excluded = Set.copyOf(ex);
    }

    /**
     * @param samples the samples table (only its auxiliary training rows are used)
     * @param data    data config: image_size and channels of the output
     * @param cfg     image config: images_per_description and the embedded section (lexicon, exclude_classes,
     *                augmentation)
     * @return the renderer
     * @throws ConfigException if exclude_classes names a class the lexicon does not know
     * @throws io.kka.data.InvalidInputException if the lexicon cannot be read
     */
    public static EmbeddedImageRenderer of(Dataset<Row> samples, DataConfig data, ImageGenConfig cfg) {
        SampleSchema.require(samples, Columns.SAMPLE_ID, Columns.ROLE, Columns.SPLIT, Columns.CLASS_NAME,
                Columns.IMAGE);
        var conf = HadoopConf.of(samples.sparkSession()).get();
        return new EmbeddedImageRenderer(samples, data, cfg, Lexicon.load(cfg.embedded().lexicon(), conf),
                Attributes.load(cfg.embedded().attributes(), conf));
    }

    @Override
    public Dataset<Row> render(Dataset<Row> descriptions) {
        SampleSchema.require(descriptions, "description_id", "prompt_id", "iteration", "description", "llm_model",
                "seed", "error");
        int images = cfg.imagesPerDescription();
        Dataset<Row> draws = descriptions.select("description_id", "prompt_id", "iteration", "description",
                "llm_model", "seed", "error").mapPartitions(new BankDraws(lexicon, excluded, images),
                Encoders.row(BankDraws.SCHEMA));
        Dataset<Row> bank = bank();
        Dataset<Row> sizes = bank.groupBy(col("_bank_class")).agg(count(lit(1)).as("_n"));
        Dataset<Row> sized = draws.join(sizes, draws.col("_class").equalTo(sizes.col("_bank_class")), "left")
                .withColumn("_idx", pmod(col("_draw"), col("_n")))
                .drop("_bank_class", "_n");
        Dataset<Row> joined = sized.join(bank, sized.col("_class").equalTo(bank.col("_bank_class"))
                .and(sized.col("_idx").equalTo(bank.col("_rank"))), "left");
        return joined.flatMap(new BankRender(data, cfg.embedded(), attributes, images), Encoders.row(SampleSchema.SCHEMA));
    }

    /** The bank: auxiliary training images of classes not excluded, ranked 0.. per class by a seeded hash. */
    private Dataset<Row> bank() {
        Dataset<Row> aux = samples.filter(col(Columns.ROLE).equalTo(Role.AUXILIARY.value())
                .and(col(Columns.SPLIT).equalTo(Split.TRAIN.value()))
                .and(col(Columns.IMAGE).isNotNull()).and(col(Columns.CLASS_NAME).isNotNull()));
        if (!excluded.isEmpty()) {
            aux = aux.filter(org.apache.spark.sql.functions.lower(col(Columns.CLASS_NAME))
                    .isin(excluded.toArray()).unary_$bang());
        }
        return aux.select(col(Columns.CLASS_NAME).as("_bank_class"), col(Columns.SAMPLE_ID).as("_bank_id"),
                col(Columns.IMAGE).as("_bank_image"))
                .withColumn("_rank", row_number().over(Window.partitionBy(col("_bank_class"))
                        .orderBy(xxhash64(col("_bank_id"), lit("embedded-bank")), col("_bank_id"))).minus(1));
    }

    @Override
    public String modelName() {
        return BankRender.MODEL;
    }

    /** @return the classes the renderer can draw (lexicon classes minus excluded ones), as configured */
    public List<String> knownClasses() {
        return lexicon.classes().stream().filter(c -> !excluded.contains(c.toLowerCase(Locale.ROOT))).toList();
    }
}
