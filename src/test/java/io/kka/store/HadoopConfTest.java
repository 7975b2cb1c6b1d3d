package io.kka.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.testing.SparkTestSession;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/** Tests for {@link HadoopConf}: closures carry the driver's Hadoop settings but none of its secrets. */
class HadoopConfTest {
    private static final String S3_SECRET = "s3-secret-" + Long.toHexString(System.nanoTime());
    private static final String TOKEN = "session-token-" + Long.toHexString(System.nanoTime());
    private static final String AZURE = "azure-account-key-" + Long.toHexString(System.nanoTime());

    private static Configuration driverConf() {
        Configuration c = new Configuration(false);
        c.set("fs.s3a.endpoint", "http://127.0.0.1:9000");
        c.set("fs.s3a.access.key", "AKIAEXAMPLE");
        c.set("fs.s3a.secret.key", S3_SECRET);
        c.set("fs.s3a.session.token", TOKEN);
        c.set("fs.azure.account.key.acct.blob.core.windows.net", AZURE);
        c.set("fs.s3a.bucket.data.secret.key", S3_SECRET);
        return c;
    }

    private static byte[] serialize(Object o) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    @Test
    void serialisedClosuresCarrySettingsButNoSecrets() throws Exception {
        SparkTestSession.get(); // an executor environment exists, as on an executor
        byte[] bytes = serialize(new HadoopConf(driverConf()));
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        for (String secret : List.of(S3_SECRET, TOKEN, AZURE)) {
            assertFalse(text.contains(secret), "a secret in the serialised closure");
        }
        assertTrue(text.contains("http://127.0.0.1:9000"), "settings still travel");
        HadoopConf back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            back = (HadoopConf) in.readObject();
        }
        assertEquals("http://127.0.0.1:9000", back.get().get("fs.s3a.endpoint"));
        assertEquals("AKIAEXAMPLE", back.get().get("fs.s3a.access.key"), "a key id is not a secret");
        assertNull(back.get().get("fs.s3a.secret.key"), "the executor's own settings have no secret here");
        assertNull(back.get().get("fs.s3a.session.token"));
        assertNull(back.get().get("fs.azure.account.key.acct.blob.core.windows.net"));
    }

    @Test
    void anExecutorFillsSecretsFromItsOwnSettings() {
        Configuration shipped = HadoopConf.withoutSecrets(driverConf());
        assertNull(shipped.get("fs.s3a.secret.key"));
        Configuration executor = new Configuration(false);
        executor.set("fs.s3a.secret.key", "from-spark.hadoop-on-the-executor");
        executor.set("fs.s3a.endpoint", "http://elsewhere:9000");
        Configuration c = HadoopConf.restoreSecrets(shipped, executor);
        assertEquals("from-spark.hadoop-on-the-executor", c.get("fs.s3a.secret.key"));
        assertEquals("http://127.0.0.1:9000", c.get("fs.s3a.endpoint"), "the driver's settings win for the rest");
    }

    @Test
    void aTaskSeesTheSettingsAndNotTheDriversSecrets() {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
        HadoopConf conf = new HadoopConf(driverConf());
        List<String> seen = jsc.parallelize(List.of(1, 2), 2)
                .map(i -> conf.get().get("fs.s3a.endpoint") + "|" + conf.get().get("fs.s3a.secret.key")).collect();
        assertEquals(List.of("http://127.0.0.1:9000|null", "http://127.0.0.1:9000|null"), seen);
    }
}
