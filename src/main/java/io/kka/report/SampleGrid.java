package io.kka.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A bounded, seeded sample of an iteration's generated anomalies for the image grids (the paper's Figure 3):
 * up to {@code perKind} hard and {@code perKind} easy rows, ordered by a seeded hash of the sample id and cut
 * with {@code limit} (a distributed top-k), so the same run and seed always show the same images.
 */
final class SampleGrid {
    private final int perKind;
    private final long seed;

    private SampleGrid(int perKind, long seed) {
        this.perKind = perKind;
        this.seed = seed;
    }

    /**
     * @param perKind images per kind (hard, easy), 1 to 100 (the report uses 12)
     * @param seed    sampling seed (the run's seed)
     * @return a sampler
     */
    static SampleGrid of(int perKind, long seed) {
        if (perKind < 1 || perKind > 100) {
            throw new IllegalArgumentException("perKind must be in [1, 100], found " + perKind);
        }
        return new SampleGrid(perKind, seed);
    }

    /**
     * One image of the grid.
     *
     * @param sampleId    the row's id
     * @param description the anomaly description (LLM text, unescaped)
     * @param png         PNG bytes
     * @param score       evaluator score (NaN if none)
     */
    record Tile(String sampleId, String description, byte[] png, double score) {
    }

    /**
     * The sample and the counts it was drawn from.
     *
     * @param tiles  "hard" and "easy" → their tiles
     * @param counts "hard", "easy", "failed" (no image) and "unjudged" (image, no hardness) → rows
     */
    record Result(Map<String, List<Tile>> tiles, Map<String, Long> counts) {
    }

    /**
     * @param generated an iteration's generated table (samples schema)
     * @return the tiles and counts
     */
    Result pick(Dataset<Row> generated) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String k : new String[] {"hard", "easy", "failed", "unjudged"}) {
            counts.put(k, 0L);
        }
        var kind = when(col("image").isNull(), lit("failed"))
                .when(col("hardness").isin("hard", "easy"), col("hardness")).otherwise(lit("unjudged"));
        for (Row r : generated.groupBy(kind.as("kind")).count().collectAsList()) {
            counts.put(r.getString(0), r.getLong(1));
        }
        Map<String, List<Tile>> tiles = new LinkedHashMap<>();
        for (String k : new String[] {"hard", "easy"}) {
            List<Tile> out = new ArrayList<>();
            Dataset<Row> rows = generated.filter(col("hardness").equalTo(k).and(col("image").isNotNull()))
                    .orderBy(xxhash64(lit(seed), col("sample_id")), col("sample_id")).limit(perKind)
                    .select(col("sample_id"), col("caption"), col("image"), col("score").cast("double"));
            for (Row r : rows.collectAsList()) {
                out.add(new Tile(r.getString(0), r.getString(1), (byte[]) r.get(2),
                        r.isNullAt(3) ? Double.NaN : r.getDouble(3)));
            }
            tiles.put(k, out);
        }
        return new Result(tiles, counts);
    }
}
