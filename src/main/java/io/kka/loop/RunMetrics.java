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
            JsonNode m = read(Fs.child(layout.iteration(t), "metrics.json"), conf);
            its.add(m);
            generated += m.path("generation").path("images").asLong() + m.path("generation").path("image_errors").asLong();
            JsonNode u = m.path("usage");
            requests += u.path("requests").asLong();
            retries += u.path("retries").asLong();
            tokens += u.path("prompt_tokens").asLong() + u.path("completion_tokens").asLong();
            images += u.path("images").asLong();
            errors += u.path("errors").asLong();
            cost += u.path("cost").asDouble();
            seconds += m.path("seconds").path("total").asDouble();
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

    private static JsonNode read(String uri, Configuration conf) {
        try {
            return Metrics.JSON.readTree(Fs.readString(uri, conf));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + uri, e);
        }
    }
}
