package io.kka.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.kka.config.ConfigLoader;
import io.kka.config.JobConfig;
import io.kka.data.Ingestor;
import io.kka.data.readers.DatasetFixtures;
import io.kka.generate.DescriptionParser;
import io.kka.testing.SparkTestSession;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests for {@link DefaultStages}: which names count as the normal class when descriptions are filtered. */
class DefaultStagesTest {
    private final SparkSession spark = SparkTestSession.get();

    /** CIFAR-100 records of household_furniture (bed, chair, couch) and of two other superclasses. */
    private static Path furniture(Path root) throws Exception {
        Path dir = root.resolve("cifar-100-binary");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("fine_label_names.txt"), String.join("\n", DatasetFixtures.CIFAR_FINE) + "\n");
        Files.writeString(dir.resolve("coarse_label_names.txt"), String.join("\n", DatasetFixtures.CIFAR_COARSE)
                + "\n");
        int[][] classes = {{6, 5}, {6, 20}, {6, 25}, {14, 2}, {1, 1}}; // {coarse, fine}: bed, chair, couch, baby, fish
        Random r = new Random(3);
        for (String part : new String[] {"train.bin", "test.bin"}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = 0; i < 40; i++) {
                int[] c = classes[i % classes.length];
                out.write(c[0]);
                out.write(c[1]);
                byte[] px = new byte[3072];
                r.nextBytes(px);
                out.writeBytes(px);
            }
            Files.write(dir.resolve(part), out.toByteArray());
        }
        return dir;
    }

    @Test
    void theFineClassesOfANormalCifarSuperclassCountAsNormalMentions(@TempDir Path dir) throws Exception {
        JobConfig cfg = ConfigLoader.parse("", "test", List.of("run.dir=" + dir.resolve("run"), "data.dataset=cifar100",
                "data.path=" + furniture(dir), "data.class_level=coarse", "data.image_size=32", "data.channels=3",
                "task.normal_classes=[household_furniture]", "task.val_fraction=0.2"));
        String samples = dir.resolve("samples").toString();
        Ingestor.of(cfg.data(), cfg.task(), 1).ingest(spark, samples, false);
        List<String> names = DefaultStages.normalNames(cfg, spark.read().parquet(samples));
        assertEquals("household_furniture", names.get(0));
        assertEquals(java.util.Set.of("household_furniture", "bed", "chair", "couch"), java.util.Set.copyOf(names));
        // descriptions of the normal superclass's own subclasses are normal mentions, dropped before rendering
        assertEquals("chair", DescriptionParser.namedClass("a wooden chair with a tall back", names));
        assertEquals("couch", DescriptionParser.namedClass("two leather couches", names));
        assertEquals("household_furniture", DescriptionParser.namedClass("household furniture in a loft", names));
        assertNull(DescriptionParser.namedClass("a baby in a pram", names));
    }
}
