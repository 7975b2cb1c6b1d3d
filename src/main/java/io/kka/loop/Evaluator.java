package io.kka.loop;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** A trained confusion evaluator (Eq. 5) as the loop sees it: scores, embeds, saves. */
public interface Evaluator {
    /**
     * @param samples rows with an {@code image} column
     * @return the rows with {@code score} (squared distance to c; higher = more anomalous), on executors
     */
    Dataset<Row> score(Dataset<Row> samples);

    /**
     * @param samples rows with an {@code image} column
     * @return the rows with a {@code features} vector column φ(x)
     */
    Dataset<Row> embed(Dataset<Row> samples);

    /** Saves the evaluator to a Hadoop FS URI. */
    void save(String uri);

    /** @return a short name for provenance, e.g. "deep-sad(lenet28, rep 64)" */
    String describe();
}
