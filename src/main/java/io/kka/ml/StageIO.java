package io.kka.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.data.InvalidInputException;
import io.kka.store.Fs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.SparkSession;

/**
 * Saving and loading stages in the layout of Spark's {@code DefaultParamsWriter}: {@code PATH/metadata/part-00000}
 * holds one JSON line {@code {"class", "timestamp", "sparkVersion", "uid", "paramMap", "defaultParamMap"}} with each
 * value in its param's {@code jsonEncode} form, and a model's data sits beside it. That is the layout
 * {@link org.apache.spark.ml.PipelineModel#load} expects of a stage: it reads {@code class} and calls that class's
 * static {@code read()}.
 *
 * <p>Written here rather than through {@code DefaultParamsWriter}/{@code DefaultParamsReader}, which are
 * {@code private[ml]} in Scala (public only in bytecode, and their signatures changed in Spark 4); the params go
 * through their public {@link Param#jsonEncode}/{@link Param#jsonDecode}.
 */
final class StageIO {
    /** the metadata sub-directory, as Spark names it */
    static final String METADATA = "metadata";
    private static final ObjectMapper JSON = new ObjectMapper();

    private StageIO() {
    }

    /** Writes a stage's data (a model's detector) beside its metadata. */
    interface Data {
        /**
         * @param path  the stage's directory
         * @param spark the session
         * @throws IOException on a write failure
         */
        void write(String path, SparkSession spark) throws IOException;
    }

    /** Builds a stage from its uid and directory; the reader then sets its params. */
    interface Factory<T extends Params> {
        /**
         * @param uid   the saved uid
         * @param path  the stage's directory
         * @param spark the session
         * @return the stage, params not yet restored
         */
        T create(String uid, String path, SparkSession spark);
    }

    /**
     * @param stage the stage
     * @param data  its data, or null for a stage that is only params
     * @return a writer of the metadata (and data)
     */
    static MLWriter writer(Params stage, Data data) {
        return new Writer(stage, data);
    }

    /**
     * @param type    the class whose metadata the reader accepts
     * @param factory builds the stage
     * @param <T>     the stage type
     * @return the reader
     */
    static <T extends Params> MLReader<T> reader(Class<T> type, Factory<T> factory) {
        return new Reader<>(type, factory);
    }

    /**
     * @param stage a stage
     * @param spark the session (its Spark version is recorded)
     * @return the metadata line
     */
    @SuppressWarnings("unchecked")
    static String metadata(Params stage, SparkSession spark) {
        ObjectNode m = JSON.createObjectNode();
        m.put("class", stage.getClass().getName());
        m.put("timestamp", System.currentTimeMillis());
        m.put("sparkVersion", spark.version());
        m.put("uid", stage.uid());
        ObjectNode set = m.putObject("paramMap");
        ObjectNode defaults = m.putObject("defaultParamMap");
        try {
            for (Param<?> p : stage.params()) {
                Param<Object> q = (Param<Object>) p;
                if (stage.isSet(q)) {
                    set.set(q.name(), JSON.readTree(q.jsonEncode(stage.get(q).get())));
                }
                if (stage.hasDefault(q)) {
                    defaults.set(q.name(), JSON.readTree(q.jsonEncode(stage.getDefault(q).get())));
                }
            }
            return JSON.writeValueAsString(m);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the params of " + stage.uid(), e);
        }
    }

    /**
     * Sets the params recorded in a metadata line on a stage: the set ones with {@code set}, the defaults with
     * {@code setDefault}, as {@code DefaultParamsReader} does (so a stage keeps the defaults it was saved with).
     *
     * @param stage the stage
     * @param meta  the parsed metadata
     * @param file  the metadata file, for messages
     */
    @SuppressWarnings("unchecked")
    static void restore(Params stage, JsonNode meta, String file) {
        for (String section : new String[] {"paramMap", "defaultParamMap"}) {
            for (Iterator<Map.Entry<String, JsonNode>> it = meta.path(section).fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!stage.hasParam(e.getKey())) {
                    throw new InvalidInputException(file + ": " + stage.getClass().getSimpleName()
                            + " has no param " + e.getKey());
                }
                Param<Object> p = stage.getParam(e.getKey());
                Object value = p.jsonDecode(e.getValue().toString());
                if (section.equals("paramMap")) {
                    stage.set(p, value);
                } else {
                    // protected in Scala, public in bytecode; DefaultParamsReader restores defaults the same way
                    stage.setDefault(p, value);
                }
            }
        }
    }

    private static final class Writer extends MLWriter {
        private final Params stage;
        private final Data data;

        Writer(Params stage, Data data) {
            this.stage = stage;
            this.data = data;
        }

        @Override
        public void saveImpl(String path) {
            SparkSession spark = sparkSession();
            Configuration conf = spark.sparkContext().hadoopConfiguration();
            Fs.writeString(Fs.child(Fs.child(path, METADATA), "part-00000"), metadata(stage, spark) + "\n", conf);
            if (data != null) {
                try {
                    data.write(path, spark);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot save " + stage.uid() + " to " + path, e);
                }
            }
        }
    }

    private static final class Reader<T extends Params> extends MLReader<T> {
        private final Class<T> type;
        private final Factory<T> factory;

        Reader(Class<T> type, Factory<T> factory) {
            this.type = type;
            this.factory = factory;
        }

        @Override
        public T load(String path) {
            SparkSession spark = sparkSession();
            String file = Fs.child(Fs.child(path, METADATA), "part-00000");
            JsonNode meta;
            try {
                meta = JSON.readTree(Fs.readString(file, spark.sparkContext().hadoopConfiguration()));
            } catch (IOException e) {
                throw new InvalidInputException("no " + type.getSimpleName() + " at " + path + " (" + file + ": "
                        + e.getMessage() + ")");
            }
            String cls = meta.path("class").asText();
            if (!type.getName().equals(cls)) {
                throw new InvalidInputException(file + ": expected class " + type.getName() + " but found '" + cls
                        + "'");
            }
            T stage = factory.create(meta.path("uid").asText(), path, spark);
            restore(stage, meta, file);
            return stage;
        }
    }
}
