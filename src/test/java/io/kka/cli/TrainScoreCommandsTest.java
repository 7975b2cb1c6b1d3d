package io.kka.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.testing.Fixtures;
import io.kka.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kka ingest → train → score} on a tiny Fashion-MNIST, as an Airflow DAG would chain them. */
class TrainScoreCommandsTest {

    @Test
    void trainThenScoreThroughTheRunDirectory(@TempDir Path dir) throws Exception {
        SparkTestSession.get();
        Path data = Fixtures.fashionMnist(dir.resolve("fm"), 12, 3);
        Path cfg = dir.resolve("c.yaml");
        Files.writeString(cfg, "run:\n  dir: " + dir.resolve("run") + "\ndata:\n  path: " + data
                + "\ntask:\n  normal_classes: [Trouser]\n  val_fraction: 0.1\nevaluator:\n  epochs: 2\n"
                + "  batch_size_per_worker: 4\n  learning_rate: 0.001\n");
        KkaCliTest.Run ingest = KkaCliTest.kka("ingest", cfg.toString());
        assertEquals(0, ingest.code(), ingest.err());

        KkaCliTest.Run train = KkaCliTest.kka("train", cfg.toString());
        assertEquals(0, train.code(), train.err());
        assertTrue(train.out().contains("(lenet28, rep 64"), train.out());
        assertTrue(Files.isRegularFile(dir.resolve("run/final/detector/model.zip")));
        KkaCliTest.Run again = KkaCliTest.kka("train", cfg.toString());
        assertEquals(2, again.code());
        assertTrue(again.err().contains("already exists"), again.err());

        KkaCliTest.Run score = KkaCliTest.kka("score", cfg.toString());
        assertEquals(0, score.code(), score.err());
        assertTrue(score.out().contains("test split: AUROC"), score.out());
        Dataset<Row> scores = SparkTestSession.get().read().parquet(dir.resolve("run/final/scores").toString());
        assertEquals(120, scores.count());
        assertEquals(0, scores.where("score is null").count());
    }
}
