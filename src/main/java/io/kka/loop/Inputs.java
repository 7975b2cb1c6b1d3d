package io.kka.loop;

import static org.apache.spark.sql.functions.col;

import io.kka.config.JobConfig;
import io.kka.data.Columns;
import io.kka.data.Ingestor;
import io.kka.data.Role;
import io.kka.data.SampleImages;
import io.kka.data.Split;
import io.kka.store.Fs;
import io.kka.store.RunLayout;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run's samples table, split into the views Algorithm 1 uses. Ingests the dataset first if the run directory
 * holds no samples table yet.
 *
 * @param all          the samples table
 * @param trainNormals normals for training (role normal, split train)
 * @param valNormals   held-out normals for the Eq. 6 threshold (role normal, split val)
 * @param test         evaluation rows (role test); read only to report metrics
 */
record Inputs(Dataset<Row> all, Dataset<Row> trainNormals, Dataset<Row> valNormals, Dataset<Row> test) {
    private static final Logger LOG = LoggerFactory.getLogger(Inputs.class);

    static Inputs open(SparkSession spark, JobConfig cfg, RunLayout layout) {
        if (!Fs.exists(layout.samples(), spark.sparkContext().hadoopConfiguration())) {
            LOG.info("no samples table in {}: ingesting {} first", layout.root(), cfg.data().path());
            Ingestor.of(cfg.data(), cfg.task(), cfg.run().seed()).ingest(spark, layout.samples(), false);
        }
        // a table stored by URI (data.image_storage: uri) gets its image column filled lazily, per stage
        Dataset<Row> all = SampleImages.read(spark, layout.samples(), cfg.data().maxImagePixels());
        return new Inputs(all,
                all.filter(col(Columns.ROLE).equalTo(Role.NORMAL.value()).and(col(Columns.SPLIT).equalTo(Split.TRAIN.value()))),
                all.filter(col(Columns.ROLE).equalTo(Role.NORMAL.value()).and(col(Columns.SPLIT).equalTo(Split.VAL.value()))),
                all.filter(col(Columns.ROLE).equalTo(Role.TEST.value())));
    }
}
