package io.kka.data;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.kka.config.DataConfig;
import io.kka.config.TaskConfig;
import io.kka.store.Fs;
import java.awt.image.BufferedImage;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingest: reads a dataset, decodes and checks every image on executors, normalises it to the configured shape,
 * labels it from the task definition, draws the seeded validation (and, if needed, test) split and writes the
 * canonical samples table atomically.
 *
 * <p>Bad records either fail the ingest (nothing is written; the error names up to five records and the rule) or
 * are skipped and written with their reasons to {@code <output>_rejected}.
 */
public final class Ingestor {
    private static final Logger LOG = LoggerFactory.getLogger(Ingestor.class);
    private static final String REJECT = "reject_reason";
    private static final StructType OUT = SampleSchema.SCHEMA.add(REJECT, DataTypes.StringType, true);

    private final DataConfig data;
    private final TaskConfig task;
    private final long seed;

    private Ingestor(DataConfig data, TaskConfig task, long seed) {
        this.data = data;
        this.task = task;
        this.seed = seed;
    }

    /**
     * @param data data config
     * @param task task config
     * @param seed run seed (splits)
     * @return the stage
     */
    public static Ingestor of(DataConfig data, TaskConfig task, long seed) {
        return new Ingestor(data, task, seed);
    }

    /**
     * The counts an ingest wrote.
     *
     * @param output   samples table URI
     * @param counts   rows per "role/split"
     * @param rejected rejected rows (skip mode)
     */
    public record Result(String output, Map<String, Long> counts, long rejected) {
    }

    /**
     * Reads, checks, labels and splits, without writing.
     *
     * @param spark the session
     * @return rows of {@link SampleSchema} plus a nullable {@code reject_reason} column
     */
    public Dataset<Row> normalized(SparkSession spark) {
        DatasetReader reader = DatasetReader.of(data);
        Set<String> normals = TaskLabels.resolve(task.normalClasses(), reader.classNames(spark));
        Dataset<Row> raw = reader.read(spark);
        if (data.partitions() > 0) {
            raw = raw.repartition(data.partitions());
        }
        JavaRDD<Row> rows = raw.javaRDD().mapPartitions(new Normalize(data, task, seed, Set.copyOf(normals)));
        Dataset<Row> out = spark.createDataFrame(rows, OUT);
        return subsample(out);
    }

    private Dataset<Row> subsample(Dataset<Row> df) {
        if (task.maxTrainNormals() == 0 && task.maxTestPerClass() == 0) {
            return df;
        }
        long s = seed;
        Dataset<Row> keyed = df.withColumn("_k", org.apache.spark.sql.functions.udf(
                (String id) -> SplitHash.unit(id, s, "keep"), DataTypes.DoubleType).apply(col(Columns.SAMPLE_ID)));
        Dataset<Row> ranked = keyed.withColumn("_r", row_number().over(
                Window.partitionBy(col(Columns.ROLE), col(Columns.SPLIT), col(Columns.CLASS_NAME)).orderBy(col("_k"))));
        var keep = col(REJECT).isNotNull()
                .or(col(Columns.ROLE).equalTo(Role.NORMAL.value()).and(col(Columns.SPLIT).equalTo(Split.TRAIN.value()))
                        .and(task.maxTrainNormals() == 0 ? org.apache.spark.sql.functions.lit(true)
                                : col("_r").leq(task.maxTrainNormals())))
                .or(col(Columns.ROLE).equalTo(Role.TEST.value())
                        .and(task.maxTestPerClass() == 0 ? org.apache.spark.sql.functions.lit(true)
                                : col("_r").leq(task.maxTestPerClass())))
                .or(col(Columns.ROLE).equalTo(Role.AUXILIARY.value()))
                .or(col(Columns.SPLIT).equalTo(Split.VAL.value()));
        return ranked.filter(keep).drop("_k", "_r");
    }

    /**
     * Runs the ingest and writes the samples table.
     *
     * @param spark     the session
     * @param output    samples table URI
     * @param overwrite replace an existing table
     * @return what was written
     * @throws InvalidInputException for bad records (fail mode), an empty normal set, unknown classes, bad paths
     */
    public Result ingest(SparkSession spark, String output, boolean overwrite) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        if (!overwrite && Fs.exists(output, conf)) {
            throw new InvalidInputException(output + " already exists (use --overwrite to replace it)");
        }
        String tmp = Fs.tempSibling(output);
        String rejectedTmp = Fs.tempSibling(output + "_rejected");
        try {
            // one pass over the corpus: decode, normalise and write the good rows, counting every role, split and
            // rejected row on the way (a Spark Observation: the counts come back with the write job itself, so
            // nothing is cached and no image is decoded twice)
            Observation seen = new Observation("kka-ingest-" + java.util.UUID.randomUUID());
            Column bad = col(REJECT).isNotNull();
            List<Column> metrics = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            for (Role role : Role.values()) {
                for (Split split : Split.values()) {
                    String key = role.value() + "/" + split.value();
                    keys.add(key);
                    metrics.add(sum(when(not(bad).and(col(Columns.ROLE).equalTo(role.value()))
                            .and(col(Columns.SPLIT).equalTo(split.value())), 1L).otherwise(0L)).as(key));
                }
            }
            Dataset<Row> all = normalized(spark).observe(seen, sum(when(bad, 1L).otherwise(0L)).as("rejected"),
                    metrics.toArray(new Column[0]));
            SampleSchema.conform(all.filter(not(bad)).drop(REJECT)).write().parquet(tmp);
            Map<String, Long> counts = new LinkedHashMap<>();
            Map<String, Object> observed;
            try {
                observed = seen.getAsJava();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while ingesting " + data.path(), e);
            }
            for (String key : keys) {
                long n = observed.get(key) == null ? 0L : ((Number) observed.get(key)).longValue();
                if (n > 0) {
                    counts.put(key, n);
                }
            }
            long rejected = observed.get("rejected") == null ? 0L : ((Number) observed.get("rejected")).longValue();
            if (rejected > 0 && data.onBadRecord() == DataConfig.BadRecordPolicy.FAIL) {
                // the error path: decode again, only as far as the first five bad records
                List<String> first = new ArrayList<>();
                normalized(spark).filter(col(REJECT).isNotNull()).select(REJECT).limit(5).collectAsList()
                        .forEach(r -> first.add(r.getString(0)));
                throw new InvalidInputException("bad record: " + first.get(0)
                        + (rejected > 1 ? " (and " + (rejected - 1) + " more: " + String.join("; ",
                        first.subList(1, first.size())) + (rejected > first.size() ? "; …" : "") + ")" : "")
                        + "; nothing was written (data.on_bad_record=fail; use skip to write the good rows)");
            }
            long trainNormals = counts.getOrDefault(Role.NORMAL.value() + "/" + Split.TRAIN.value(), 0L);
            if (trainNormals == 0) {
                throw new InvalidInputException("task.normal_classes " + task.normalClasses()
                        + " matched no usable training images in " + data.path() + " (empty normal set)");
            }
            String valKey = Role.NORMAL.value() + "/" + Split.VAL.value();
            if (counts.getOrDefault(valKey, 0L) == 0 && trainNormals >= 2) {
                // the hard threshold (Eq. 6) needs validation normals: hold out the lowest-hash training normal
                // (tiny data sets only: the written table is rewritten)
                String held = Fs.tempSibling(output);
                try {
                    holdOutOne(spark.read().parquet(tmp)).write().parquet(held);
                } catch (Exception e) {
                    Fs.delete(held, conf);
                    throw e;
                }
                Fs.delete(tmp, conf);
                tmp = held;
                counts.put(valKey, 1L);
                counts.merge(Role.NORMAL.value() + "/" + Split.TRAIN.value(), -1L, Long::sum);
            }
            if (counts.getOrDefault(valKey, 0L) < 5) {
                LOG.warn("only {} validation normals: the hard-anomaly threshold will be noisy (raise"
                        + " task.val_fraction)", counts.getOrDefault(valKey, 0L));
            }
            if (rejected > 0) {
                // skip mode with bad records: a second pass writes their reasons
                normalized(spark).filter(col(REJECT).isNotNull())
                        .select(col(Columns.SOURCE), col(Columns.CLASS_NAME), col(REJECT).as("reason"))
                        .write().parquet(rejectedTmp);
            }
            Fs.commit(tmp, output, overwrite, conf);
            if (rejected > 0) {
                Fs.commit(rejectedTmp, output + "_rejected", true, conf);
                LOG.warn("skipped {} bad records; reasons in {}_rejected", rejected, output);
            }
            return new Result(output, counts, rejected);
        } catch (Exception e) { // Spark throws its checked SparkException through Scala: catch it too
            Fs.delete(tmp, conf);
            Fs.delete(rejectedTmp, conf);
            throw e;
        }
    }

    private Dataset<Row> holdOutOne(Dataset<Row> good) {
        long s = seed;
        var key = org.apache.spark.sql.functions.udf((String id) -> SplitHash.unit(id, s, "val"), DataTypes.DoubleType);
        Row first = good.filter(col(Columns.ROLE).equalTo(Role.NORMAL.value())
                        .and(col(Columns.SPLIT).equalTo(Split.TRAIN.value())))
                .select(org.apache.spark.sql.functions.min(org.apache.spark.sql.functions.struct(
                        key.apply(col(Columns.SAMPLE_ID)).as("k"), col(Columns.SAMPLE_ID).as("id")))).first();
        String id = first.getStruct(0).getString(1);
        return good.withColumn(Columns.SPLIT, org.apache.spark.sql.functions.when(col(Columns.SAMPLE_ID).equalTo(id),
                org.apache.spark.sql.functions.lit(Split.VAL.value())).otherwise(col(Columns.SPLIT)));
    }

    /** Executor-side normalisation of one partition of raw rows. */
    private static final class Normalize implements FlatMapFunction<Iterator<Row>, Row>, Serializable {
        private static final long serialVersionUID = 1L;
        private final DataConfig data;
        private final TaskConfig task;
        private final long seed;
        private final Set<String> normals;
        private final boolean byUri;

        Normalize(DataConfig data, TaskConfig task, long seed, Set<String> normals) {
            this.byUri = data.imageStorage() == DataConfig.ImageStorage.URI;
            this.data = data;
            this.task = task;
            this.seed = seed;
            this.normals = normals;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> in) {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return in.hasNext();
                }

                @Override
                public Row next() {
                    return one(in.next());
                }
            };
        }

        Row one(Row raw) {
            String source = raw.getString(0);
            String cls = raw.getString(1);
            List<String> captions = raw.isNullAt(2) ? List.of() : raw.getList(2);
            String rawSplit = raw.getString(3);
            try {
                if (!raw.isNullAt(5)) {
                    throw new BadRecordException(raw.getString(5).startsWith(source) ? raw.getString(5)
                            : source + ": " + raw.getString(5));
                }
                if (cls == null || cls.isBlank()) {
                    throw new BadRecordException(source + ": missing class name");
                }
                captions = captions.stream().filter(c -> c != null && !c.isBlank()).map(String::strip).toList();
                if (data.captions() == DataConfig.CaptionPolicy.REQUIRED && captions.isEmpty()) {
                    throw new BadRecordException(source + ": missing caption (data.captions is required)");
                }
                if (data.captions() == DataConfig.CaptionPolicy.NONE) {
                    captions = List.of();
                }
                String uri = raw.size() > 6 ? raw.getString(6) : null;
                if (byUri && uri == null) {
                    throw new BadRecordException(source + ": no image file to refer to (data.image_storage is uri)");
                }
                BufferedImage decoded = ImageCodec.decode((byte[]) raw.get(4), source, data.maxImagePixels());
                BufferedImage img = ImageCodec.normalize(decoded, data.imageSize(), data.channels(), data.resize(),
                        data.convertChannels(), source);
                byte[] pixels = ImageCodec.pixels(img);
                String id = ImageCodec.sampleId(source, pixels);
                boolean normal = normals.contains(cls);
                Split split;
                if ("test".equals(rawSplit)) {
                    split = Split.TEST;
                } else if ("val".equals(rawSplit)) {
                    split = normal ? Split.VAL : Split.TRAIN;
                } else if (rawSplit == null && SplitHash.unit(id, seed, "test") < task.testFraction()) {
                    split = Split.TEST;
                } else {
                    split = Split.TRAIN;
                }
                if (split == Split.TRAIN && normal && SplitHash.unit(id, seed, "val") < task.valFraction()) {
                    split = Split.VAL;
                }
                Role role = split == Split.TEST ? Role.TEST : normal ? Role.NORMAL : Role.AUXILIARY;
                String[] caps = captions.toArray(new String[0]);
                return RowFactory.create(id, role.value(), split.value(), normal ? 0 : 1, cls,
                        caps.length == 0 ? null : caps[0], caps.length == 0 ? null : caps,
                        byUri ? null : ImageCodec.png(img), img.getWidth(), img.getHeight(), data.channels(), source,
                        null, null, null, null, null, null, null, null, null, byUri ? uri : null, null);
            } catch (BadRecordException e) {
                return RowFactory.create("", "rejected", "", -1, cls, null, null, null, null, null, null, source,
                        null, null, null, null, null, null, null, null, null, null, e.getMessage());
            }
        }
    }
}
