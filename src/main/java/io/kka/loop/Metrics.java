package io.kka.loop;

import com.fasterxml.jackson.databind.ObjectMapper;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.kka.data.Columns;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Builders of the metrics.json objects (data-schemas/iteration-metrics.schema.json, metrics.schema.json). */
final class Metrics {
    static final ObjectMapper JSON = new ObjectMapper();

    private Metrics() {
    }

    /** @return the usage summed over a frame with usage and error structs (errors left at 0 for the caller) */
    static IterationMetrics.Usage usage(Dataset<Row> rows) {
        Row r = rows.agg(
                sum(coalesce(col(Columns.USAGE + ".requests"), lit(0))),
                sum(coalesce(col(Columns.USAGE + ".retries"), lit(0))),
                sum(coalesce(col(Columns.USAGE + ".prompt_tokens"), lit(0L))),
                sum(coalesce(col(Columns.USAGE + ".completion_tokens"), lit(0L))),
                sum(coalesce(col(Columns.USAGE + ".images"), lit(0))),
                sum(when(col(Columns.USAGE + ".cached"), lit(1)).otherwise(lit(0))),
                sum(coalesce(col(Columns.USAGE + ".cost"), lit(0.0)))).first();
        return new IterationMetrics.Usage(longAt(r, 0), longAt(r, 1), longAt(r, 2), longAt(r, 3), longAt(r, 4), 0,
                longAt(r, 5), r.isNullAt(6) ? 0.0 : ((Number) r.get(6)).doubleValue());
    }

    private static long longAt(Row r, int i) {
        return r.isNullAt(i) ? 0L : ((Number) r.get(i)).longValue();
    }

    /** @return the fraction a / (a + b), 0 when both are 0 */
    static double fraction(long a, long b) {
        return a + b == 0 ? 0.0 : (double) a / (a + b);
    }
}
