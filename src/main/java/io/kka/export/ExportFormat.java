package io.kka.export;

import io.kka.data.InvalidInputException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The layouts {@code kka export} writes. */
public enum ExportFormat {
    /**
     * anomalib's Folder dataset: {@code OUT/normal/*.png} (the training normals) and {@code OUT/abnormal/*.png} (the
     * anomalies), for {@code Folder(root=OUT, normal_dir="normal", abnormal_dir="abnormal")}.
     */
    ANOMALIB_FOLDER("anomalib-folder", "normal", "abnormal"),
    /**
     * {@code OUT/manifest.jsonl}, one JSON object per image, beside {@code OUT/images/normal/*.png} and
     * {@code OUT/images/anomaly/*.png}.
     */
    MANIFEST("manifest", "images/normal", "images/anomaly");

    private final String cli;
    private final String normalDir;
    private final String anomalyDir;

    ExportFormat(String cli, String normalDir, String anomalyDir) {
        this.cli = cli;
        this.normalDir = normalDir;
        this.anomalyDir = anomalyDir;
    }

    /** @return the name on the command line ({@code anomalib-folder}, {@code manifest}) */
    public String cli() {
        return cli;
    }

    /** @return the directory of the normal images, relative to OUT */
    public String normalDir() {
        return normalDir;
    }

    /** @return the directory of the anomaly images, relative to OUT */
    public String anomalyDir() {
        return anomalyDir;
    }

    /**
     * @param name a command-line name, case-insensitive
     * @return the format
     * @throws InvalidInputException naming the known formats
     */
    public static ExportFormat parse(String name) {
        for (ExportFormat f : values()) {
            if (f.cli.equals(name.toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new InvalidInputException("export format must be one of " + Arrays.stream(values())
                .map(ExportFormat::cli).collect(Collectors.joining(", ")) + ", found " + name);
    }
}
