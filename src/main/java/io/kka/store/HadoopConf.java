package io.kka.store;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.ConfigRedactor;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.sql.SparkSession;

/**
 * A Hadoop {@link Configuration} that travels to executors inside closures, so that executors open files with
 * the same settings (endpoints, buffer sizes, committers) as the driver, but never its secrets.
 *
 * <p>Task closures are serialised into task binaries and broadcast blocks, which Spark writes to executor disks. So
 * every sensitive entry is dropped before serialisation: whatever Hadoop's own {@link ConfigRedactor} redacts
 * ({@code hadoop.security.sensitive-config-keys}: {@code fs.s3a.secret.key}, {@code fs.azure.account.key.*}, …)
 * and any key naming a secret, password, token, credential or private key ({@code fs.s3a.session.token}). On the
 * executor those entries are filled back from the executor's own Hadoop configuration (built from its
 * {@code spark.hadoop.*} settings, as Spark does), so credentials given to spark-submit still work; credentials
 * that only exist in the driver's memory do not travel.
 */
public final class HadoopConf implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Pattern SECRET_KEY = Pattern.compile(
            "(?i)(secret|password|passwd|token|credential|private[._-]?key|account[.]key|sas[._-]?key)");
    private static SparkEnv localEnv;
    private static Configuration localConf;
    private transient Configuration conf;

    /** @param conf the configuration to carry */
    public HadoopConf(Configuration conf) {
        this.conf = conf;
    }

    /** @return the session's Hadoop configuration, ready to ship */
    public static HadoopConf of(SparkSession spark) {
        return new HadoopConf(spark.sparkContext().hadoopConfiguration());
    }

    /** @return the configuration */
    public Configuration get() {
        return conf;
    }

    /**
     * @param conf a configuration
     * @return a copy without its sensitive entries
     */
    static Configuration withoutSecrets(Configuration conf) {
        Configuration out = new Configuration(conf);
        ConfigRedactor redactor = new ConfigRedactor(conf);
        for (Map.Entry<String, String> e : conf) {
            if (sensitive(redactor, e.getKey(), e.getValue())) {
                out.unset(e.getKey());
            }
        }
        return out;
    }

    /**
     * @param shipped the configuration that arrived without secrets
     * @param local   the executor's own configuration
     * @return {@code shipped} with the local configuration's sensitive entries it lacks
     */
    static Configuration restoreSecrets(Configuration shipped, Configuration local) {
        ConfigRedactor redactor = new ConfigRedactor(local);
        for (Map.Entry<String, String> e : local) {
            if (shipped.get(e.getKey()) == null && sensitive(redactor, e.getKey(), e.getValue())) {
                shipped.set(e.getKey(), e.getValue());
            }
        }
        return shipped;
    }

    private static boolean sensitive(ConfigRedactor redactor, String key, String value) {
        return SECRET_KEY.matcher(key).find() || value != null && !value.equals(redactor.redact(key, value));
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        withoutSecrets(conf).write(out);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        conf = new Configuration(false);
        conf.readFields(in);
        SparkEnv env = SparkEnv.get();
        if (env != null) {
            restoreSecrets(conf, local(env));
        }
    }

    /** The executor's own Hadoop configuration, built once per SparkEnv (a task deserialises many closures). */
    private static synchronized Configuration local(SparkEnv env) {
        if (localEnv != env) {
            localConf = SparkHadoopUtil.get().newConfiguration(env.conf());
            localEnv = env;
        }
        return localConf;
    }
}
