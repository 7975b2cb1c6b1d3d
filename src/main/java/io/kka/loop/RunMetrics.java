package io.kka.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kka.store.Fs;
import io.kka.store.RunLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/** The run's metrics.json (data-schemas/metrics.schema.json): provenance, every iteration, the final detector. */
final class RunMetrics {
    private static final ObjectMapper SNAKE = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private RunMetrics() {
    }

    static ObjectNode write(SparkSession spark, RunLayout layout, Provenance prov, int last, ObjectNode finalMetrics) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        ObjectNode run = Metrics.JSON.createObjectNode();
        run.set("provenance", SNAKE.valueToTree(prov));
        ArrayNode its = run.putArray("iterations");
        long generated = 0;
        long requests = 0;
        long retries = 0;
        long tokens = 0;
        long images = 0;
        long errors = 0;
        double cost = 0;
        double seconds = 0;
        for (int t = 0; t <= last; t++) {
            String file = Fs.child(layout.iteration(t), "metrics.json");
            JsonNode m = read(file, conf);
            its.add(m);
            Summed v = summed(file, m);
            generated += v.generation().images() + v.generation().imageErrors();
            requests += v.usage().requests();
            retries += v.usage().retries();
            tokens += v.usage().promptTokens() + v.usage().completionTokens();
            images += v.usage().images();
            errors += v.usage().errors();
            cost += v.usage().cost();
            seconds += v.seconds().total();
        }
        run.set("final", finalMetrics);
        ObjectNode totals = run.putObject("totals");
        totals.put("generated", generated);
        totals.put("requests", requests);
        totals.put("retries", retries);
        totals.put("tokens", tokens);
        totals.put("images", images);
        totals.put("errors", errors);
        totals.put("cost", cost);
        totals.put("seconds", seconds);
        Fs.writeString(layout.metrics(), run.toPrettyString() + "\n", conf);
        return run;
    }

    /** The parts of an iteration's metrics.json the totals add up; each field is required. */
    private record Summed(Generation generation, Usage usage, Seconds seconds) {
    }

    private record Generation(long images, long imageErrors) {
    }

    private record Usage(long requests, long retries, long promptTokens, long completionTokens, long images,
            long errors, double cost) {
    }

    private record Seconds(double total) {
    }

    private static Summed summed(String file, JsonNode m) {
        try {
            return Records.JSON.treeToValue(m, Summed.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(file + ": cannot add up the run totals (" + e.getOriginalMessage()
                    .replace('\n', ' ') + ")");
        }
    }

    private static JsonNode read(String uri, Configuration conf) {
        try {
            return Metrics.JSON.readTree(Fs.readString(uri, conf));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + uri, e);
        }
    }
}
