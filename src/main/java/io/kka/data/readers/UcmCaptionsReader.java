package io.kka.data.readers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kka.config.DataConfig;
import io.kka.data.DatasetReader;
import io.kka.data.InvalidInputException;
import io.kka.store.Fs;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * UCM-Captions (Qu et al. 2016) as published: {@code imgs/1.tif … imgs/2100.tif} (the UC Merced land-use images,
 * 256×256 RGB TIFF; {@code images/} is accepted too) and {@code dataset.json}
 * ({@code {"images": [{"filename": "1.tif", "imgid": 0, "sentences": [{"raw": "…", …}, …],
 * "split": "train"}, …]}},
 * five sentences per image, split train/val/test).
 *
 * <p>The 21 UC Merced classes come 100 images each in alphabetical order: image {@code n.tif} belongs to class
 * {@code (n − 1) / 100}. {@code dataset.json} is read on the driver (metadata); the TIFFs on executors.
 */
public final class UcmCaptionsReader implements DatasetReader {
    /** the 21 UC Merced land-use classes in label order */
    public static final List<String> CLASSES = List.of("agricultural", "airplane", "baseballdiamond", "beach",
            "buildings", "chaparral", "denseresidential", "forest", "freeway", "golfcourse", "harbor", "intersection",
            "mediumresidential", "mobilehomepark", "overpass", "parkinglot", "river", "runway", "sparseresidential",
            "storagetanks", "tenniscourt");
    /** images per class */
    public static final int PER_CLASS = 100;
    private static final int PER_TASK = 300;

    private final DataConfig cfg;

    /** @param cfg data config; {@code path} is the folder holding imgs/ and dataset.json */
    public UcmCaptionsReader(DataConfig cfg) {
        this.cfg = cfg;
    }

    @Override
    public List<String> classNames(SparkSession spark) {
        return CLASSES;
    }

    @Override
    public Dataset<Row> read(SparkSession spark) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        String root = DatasetReader.requirePath(cfg.path(), conf, "imgs/ and dataset.json");
        String json = Fs.child(root, "dataset.json");
        if (!Fs.exists(json, conf)) {
            throw new InvalidInputException(json + " does not exist (the UCM-Captions annotations)");
        }
        String imgs = Fs.child(root, "imgs");
        if (!Fs.exists(imgs, conf) && Fs.exists(Fs.child(root, "images"), conf)) {
            imgs = Fs.child(root, "images");
        }
        JsonNode images = images(json, conf);
        List<ImageRef> refs = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            refs.add(ref(images.get(i), i, imgs));
        }
        int slices = Math.max(1, refs.size() / PER_TASK);
        return ImageFiles.load(spark, JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(refs,
                slices));
    }

    private static JsonNode images(String json, Configuration conf) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Fs.readBytes(json, conf));
        } catch (IOException e) {
            throw new InvalidInputException(json + ": not valid JSON ("
                    + ImageFiles.jsonProblem(e) + ")");
        }
        JsonNode images = root == null ? null : root.get("images");
        if (images == null || !images.isArray()) {
            throw new InvalidInputException(json + ": expected an object with an \"images\" array");
        }
        return images;
    }

    /** One entry of dataset.json to a reference; a malformed entry becomes a bad record. */
    static ImageRef ref(JsonNode e, int index, String imgs) {
        String file = e.hasNonNull("filename") ? e.get("filename").asText().strip() : "";
        String source = "ucm-captions:" + (file.isEmpty() ? "images[" + index + "]" : file);
        String split = e.hasNonNull("split") ? e.get("split").asText().strip().toLowerCase(Locale.ROOT) : null;
        if (split != null && !split.equals("train") && !split.equals("val") && !split.equals("test")) {
            return ImageRef.bad(source, null, null, "dataset.json: split must be train, val or test, found '"
                    + split + "'");
        }
        int n;
        try {
            n = Integer.parseInt(file.replaceFirst("(?i)\\.tiff?$", ""));
        } catch (NumberFormatException x) {
            return ImageRef.bad(source, null, split, "dataset.json: filename '" + file + "' is not <n>.tif");
        }
        if (n < 1 || n > CLASSES.size() * PER_CLASS) {
            return ImageRef.bad(source, null, split, "dataset.json: image number " + n + " is out of range 1.."
                    + CLASSES.size() * PER_CLASS);
        }
        List<String> caps = new ArrayList<>();
        JsonNode sentences = e.get("sentences");
        if (sentences != null && sentences.isArray()) {
            for (JsonNode s : sentences) {
                if (s.hasNonNull("raw") && !s.get("raw").asText().isBlank()) {
                    caps.add(s.get("raw").asText().strip());
                }
            }
        }
        return new ImageRef(Fs.child(imgs, file), source, CLASSES.get((n - 1) / PER_CLASS),
                caps.isEmpty() ? null : caps.toArray(new String[0]), null, split, null);
    }
}
