package io.kka.generate.http;

import java.io.Serializable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Usage of one row, as stored in the {@code usage} struct of {@link io.kka.data.SampleSchema#USAGE}. Sums over a
 * table are exact: a request's usage is attributed to one row only.
 *
 * <p>A reply served from the response cache has {@code requests = 0}, {@code cached = true} and {@code cost = 0}
 * (nothing was paid in this run); its token counts are those of the cached reply, for provenance.
 *
 * @param requests         HTTP attempts made (retries included)
 * @param retries          of which retries
 * @param promptTokens     prompt tokens reported by the endpoint
 * @param completionTokens completion tokens reported by the endpoint
 * @param images           images returned
 * @param cached           served from the response cache
 * @param cost             estimated cost paid in this run, from the price keys of the config
 */
public record Usage(int requests, int retries, long promptTokens, long completionTokens, int images,
        boolean cached, double cost) implements Serializable {

    /** no usage */
    public static final Usage NONE = new Usage(0, 0, 0, 0, 0, false, 0.0);

    /** @return the struct value */
    public Row toRow() {
        return RowFactory.create(requests, retries, promptTokens, completionTokens, images, cached, cost);
    }

    /**
     * @param other usage to add
     * @return the sum; cached when no request was made and at least one part came from the cache
     */
    public Usage plus(Usage other) {
        int r = requests + other.requests;
        return new Usage(r, retries + other.retries, promptTokens + other.promptTokens,
                completionTokens + other.completionTokens, images + other.images, r == 0 && (cached || other.cached),
                cost + other.cost);
    }

    /**
     * @param row a usage struct value (may be null)
     * @return the usage, {@link #NONE} for null
     */
    public static Usage fromRow(Row row) {
        if (row == null) {
            return NONE;
        }
        return new Usage(row.getInt(0), row.getInt(1), row.getLong(2), row.getLong(3), row.getInt(4),
                row.getBoolean(5), row.getDouble(6));
    }
}
