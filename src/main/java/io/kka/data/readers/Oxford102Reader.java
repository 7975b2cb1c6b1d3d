package io.kka.data.readers;

import io.kka.config.DataConfig;
import io.kka.data.DatasetReader;
import io.kka.data.InvalidInputException;
import io.kka.store.Fs;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Oxford-102 flowers (Nilsback and Zisserman 2008) as published: {@code jpg/image_00001.jpg …},
 * {@code imagelabels.mat} (variable {@code labels}, 1×8189, classes 1..102) and {@code setid.mat} ({@code trnid},
 * {@code valid}, {@code tstid}: 1-based image numbers of the train, validation and test splits), plus the
 * 10-captions-per-image files of Reed et al. (2016) used by the paper, {@code text_c10/class_00001/image_00001.txt}
 * (one caption per line), when {@code text_c10/} is present.
 *
 * <p>The dataset publishes no class names, so classes are named {@code class_00001} … {@code class_00102} after
 * the caption folders ({@code task.normal_classes} may also use 0-based indices: 0 is class_00001). The MAT files
 * are read on the driver (metadata); images and caption files on executors. An image listed in no split gets the
 * ingest's seeded test split.
 */
public final class Oxford102Reader implements DatasetReader {
    /** number of classes */
    public static final int CLASS_COUNT = 102;
    /** class names in label order: class_00001 .. class_00102 */
    public static final List<String> CLASSES = classes();
    private static final int PER_TASK = 500;

    private final DataConfig cfg;

    /** @param cfg data config; {@code path} is the folder holding jpg/, imagelabels.mat, setid.mat, text_c10/ */
    public Oxford102Reader(DataConfig cfg) {
        this.cfg = cfg;
    }

    private static List<String> classes() {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= CLASS_COUNT; i++) {
            out.add(String.format("class_%05d", i));
        }
        return List.copyOf(out);
    }

    @Override
    public List<String> classNames(SparkSession spark) {
        return CLASSES;
    }

    @Override
    public Dataset<Row> read(SparkSession spark) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        String root = DatasetReader.requirePath(cfg.path(), conf, "jpg/, imagelabels.mat, setid.mat and"
                + " optionally text_c10/");
        double[] labels = variable(Fs.child(root, "imagelabels.mat"), "labels", conf);
        String[] split = new String[labels.length + 1];
        String setid = Fs.child(root, "setid.mat");
        Map<String, MatFile.Array> sets = mat(setid, conf);
        String[][] names = {{"trnid", "train"}, {"valid", "val"}, {"tstid", "test"}};
        for (String[] s : names) {
            for (double id : need(sets, s[0], setid).values()) {
                int i = (int) id;
                if (i != id || i < 1 || i > labels.length) {
                    throw new InvalidInputException(setid + ": " + s[0] + " names image " + num(id)
                            + ", but imagelabels.mat labels images 1.." + labels.length);
                }
                if (split[i] == null) {
                    split[i] = s[1];
                }
            }
        }
        String jpg = Fs.child(root, "jpg");
        if (!Fs.exists(jpg, conf)) {
            throw new InvalidInputException(jpg + " does not exist (extract 102flowers.tgz into data.path)");
        }
        String text = Fs.child(root, "text_c10");
        boolean captions = Fs.exists(text, conf);
        List<ImageRef> refs = new ArrayList<>(labels.length);
        for (int i = 1; i <= labels.length; i++) {
            String file = String.format("image_%05d.jpg", i);
            String source = "oxford-102:" + file;
            double l = labels[i - 1];
            if (l != Math.rint(l) || l < 1 || l > CLASS_COUNT) {
                refs.add(ImageRef.bad(source, null, split[i], "imagelabels.mat: label " + num(l)
                        + " is out of range 1.." + CLASS_COUNT));
                continue;
            }
            String cls = CLASSES.get((int) l - 1);
            String cap = captions ? Fs.child(text, cls + "/" + file.replace(".jpg", ".txt")) : null;
            refs.add(new ImageRef(Fs.child(jpg, file), source, cls, null, cap, split[i], null));
        }
        int slices = Math.max(1, refs.size() / PER_TASK);
        return ImageFiles.load(spark, JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(refs,
                slices));
    }

    /** @return an integral value without ".0" */
    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }

    /** @return the values of a numeric variable of a MAT file */
    private static double[] variable(String uri, String name, Configuration conf) {
        return need(mat(uri, conf), name, uri).values();
    }

    private static MatFile.Array need(Map<String, MatFile.Array> vars, String name, String uri) {
        MatFile.Array a = vars.get(name);
        if (a == null) {
            throw new InvalidInputException(uri + ": has no numeric variable '" + name + "' (found: "
                    + String.join(", ", vars.keySet()) + ")");
        }
        return a;
    }

    static Map<String, MatFile.Array> mat(String uri, Configuration conf) {
        if (!Fs.exists(uri, conf)) {
            throw new InvalidInputException(uri + " does not exist");
        }
        try {
            return MatFile.read(Fs.readBytes(uri, conf));
        } catch (MatFile.FormatException e) {
            throw new InvalidInputException(uri + ": " + e.getMessage());
        } catch (IOException e) {
            throw new InvalidInputException(uri + ": cannot read (" + ImageFiles.oneLine(e) + ")");
        }
    }
}
