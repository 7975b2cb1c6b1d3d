package io.kka.store;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * A Hadoop {@link Configuration} that travels to executors inside closures, so that executors open files with
 * the same settings (credentials, endpoints) as the driver.
 */
public final class HadoopConf implements Serializable {
    private static final long serialVersionUID = 1L;
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

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        conf.write(out);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        conf = new Configuration(false);
        conf.readFields(in);
    }
}
