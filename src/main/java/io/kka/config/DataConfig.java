package io.kka.config;

import java.util.List;

/**
 * Where the images come from and how they are normalised into the samples table.
 *
 * @param dataset        reader to use
 * @param path           dataset location (directory or manifest file; any Hadoop FS URI for folder/manifest)
 * @param captionsFile   optional captions file for the folder reader (JSONL or CSV), relative to path or absolute
 * @param imageSize      side of the square image stored in the samples table, in pixels
 * @param channels       channels stored: 1 (grayscale) or 3 (RGB)
 * @param resize         resize images of another size; if false such an image is a bad record
 * @param convertChannels convert grayscale/RGB to {@code channels}; if false a mismatch is a bad record
 * @param captions       whether captions are required, optional or ignored
 * @param classLevel     CIFAR-100 label level: fine (100 classes) or coarse (20 superclasses, the paper's tasks)
 * @param onBadRecord    fail the ingest on the first bad record, or skip it and write it to a rejected table
 * @param partitions     partitions of the samples table (0: Spark's default parallelism)
 * @param extensions     image file extensions the folder reader accepts
 * @param maxImagePixels the most pixels (width × height) an image may declare, at ingest and in endpoint replies;
 *                       checked on the header, before decoding (a decompression bomb is refused, not decoded)
 * @param allowedImageRoots where manifest {@code image_uri}s may point besides the manifest's own directory tree
 *                          (Hadoop URIs or paths); anything else, http(s):// included, is refused before it is read
 * @param imageStorage   whether the samples table holds each normalised image inline (PNG bytes) or only the URI of
 *                       its source file, decoded and normalised again on the executors by every stage that reads it
 */
public record DataConfig(
        @Doc("reader: fashion-mnist (IDX files), folder (a folder per class), manifest (CSV/JSONL/Parquet of"
                + " image_uri, class_name, caption), cifar100 (binary version), oxford102, ucm-captions")
        DatasetKind dataset,
        @Doc("dataset location: a directory or a manifest file (folder/manifest accept any Hadoop FS URI)") String path,
        @Doc("captions file for the folder reader: JSONL {file, caption|captions} or CSV with header file,caption;"
                + " relative to path, or absolute; file entries are image paths relative to path") String captionsFile,
        @Doc("side of the square images stored in the samples table, pixels") int imageSize,
        @Doc("channels stored: 1 grayscale or 3 RGB") int channels,
        @Doc("resize images of another size; if false they are bad records") boolean resize,
        @Doc("convert grayscale/RGB to the configured channels; if false a mismatch is a bad record")
        boolean convertChannels,
        @Doc("captions: required (a missing caption is a bad record), optional, or none (ignored)")
        CaptionPolicy captions,
        @Doc("CIFAR-100 labels: fine (100 classes) or coarse (20 superclasses, the paper's tasks)")
        ClassLevel classLevel,
        @Doc("on a bad record: fail (nothing is written) or skip (rejected rows and reasons are written beside the"
                + " output)") BadRecordPolicy onBadRecord,
        @Doc("partitions of the samples table; 0 uses Spark's default parallelism") int partitions,
        @Doc("image file extensions the folder reader accepts (matched in any case)") List<String> extensions,
        @Doc("the most pixels (width x height) an image may declare, at ingest and in image-endpoint replies;"
                + " checked on the header before decoding, so a small file declaring a huge image (a decompression"
                + " bomb) is a bad record, not an OutOfMemoryError") long maxImagePixels,
        @Doc("manifest reader: directories or URI prefixes that image_uri values may point into, besides the"
                + " manifest's own directory tree (e.g. s3a://bucket/images/); any other path, a file: path outside"
                + " them or an http(s):// URI is a bad record, refused before anything is fetched")
        List<String> allowedImageRoots,
        @Doc("samples table images: inline (normalised PNG bytes in the table) or uri (only the source file's URI;"
                + " every stage that reads an image decodes and normalises the file again on its executor, and refuses"
                + " a file whose pixels changed since ingest). uri needs a file-based reader (folder, manifest,"
                + " oxford102, ucm-captions) and files that stay in place; it suits large images (e.g. 224 px RGB)")
        ImageStorage imageStorage)
        implements java.io.Serializable {

    /** The default of {@code max_image_pixels}: 25 megapixels, 100 MB decoded at 4 bytes a pixel. */
    public static final long DEFAULT_MAX_IMAGE_PIXELS = 25_000_000L;

    /** Validates. */
    public DataConfig {
        Check.notNull("dataset", dataset);
        Check.notBlank("path", path);
        Check.inRange("image_size", imageSize, 8, 1024);
        if (channels != 1 && channels != 3) {
            throw new ConfigException("channels", "must be 1 or 3", String.valueOf(channels));
        }
        Check.notNull("captions", captions);
        Check.notNull("class_level", classLevel);
        Check.notNull("on_bad_record", onBadRecord);
        Check.atLeast("partitions", partitions, 0);
        extensions = Check.notEmpty("extensions", extensions);
        Check.atLeast("max_image_pixels", maxImagePixels, 64L);
        allowedImageRoots = allowedImageRoots == null ? List.of() : List.copyOf(allowedImageRoots);
        for (String root : allowedImageRoots) {
            Check.notBlank("allowed_image_roots", root);
        }
        Check.notNull("image_storage", imageStorage);
        if (imageStorage == ImageStorage.URI && !dataset.fileBased()) {
            throw new ConfigException("image_storage", "uri needs a reader of image files (folder, manifest, oxford102,"
                    + " ucm-captions); " + dataset.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
                    + " images have no file of their own", "uri");
        }
    }

    /**
     * The form without {@code image_storage}: images are stored inline.
     *
     * @param dataset           reader
     * @param path              dataset location
     * @param captionsFile      captions file or null
     * @param imageSize         side in pixels
     * @param channels          1 or 3
     * @param resize            resize other sizes
     * @param convertChannels   convert channels
     * @param captions          caption policy
     * @param classLevel        CIFAR-100 label level
     * @param onBadRecord       bad-record policy
     * @param partitions        partitions (0: default)
     * @param extensions        accepted extensions
     * @param maxImagePixels    pixel cap
     * @param allowedImageRoots manifest roots
     */
    public DataConfig(DatasetKind dataset, String path, String captionsFile, int imageSize, int channels,
            boolean resize, boolean convertChannels, CaptionPolicy captions, ClassLevel classLevel,
            BadRecordPolicy onBadRecord, int partitions, List<String> extensions, long maxImagePixels,
            List<String> allowedImageRoots) {
        this(dataset, path, captionsFile, imageSize, channels, resize, convertChannels, captions, classLevel,
                onBadRecord, partitions, extensions, maxImagePixels, allowedImageRoots, ImageStorage.INLINE);
    }

    /** @return defaults: Fashion-MNIST as installed by the Debian package dataset-fashion-mnist */
    public static DataConfig defaults() {
        return new DataConfig(DatasetKind.FASHION_MNIST, "/usr/share/datasets/fashion-mnist", null, 28, 1, true,
                true, CaptionPolicy.OPTIONAL, ClassLevel.FINE, BadRecordPolicy.FAIL, 0,
                List.of("png", "jpg", "jpeg", "bmp", "gif", "tif", "tiff"), DEFAULT_MAX_IMAGE_PIXELS, List.of());
    }

    /** @return a copy with another bad-record policy */
    public DataConfig withOnBadRecord(BadRecordPolicy policy) {
        return new DataConfig(dataset, path, captionsFile, imageSize, channels, resize, convertChannels, captions,
                classLevel, policy, partitions, extensions, maxImagePixels, allowedImageRoots, imageStorage);
    }

    /** @return a copy with another image storage */
    public DataConfig withImageStorage(ImageStorage storage) {
        return new DataConfig(dataset, path, captionsFile, imageSize, channels, resize, convertChannels, captions,
                classLevel, onBadRecord, partitions, extensions, maxImagePixels, allowedImageRoots, storage);
    }

    /** Supported dataset layouts. */
    public enum DatasetKind {
        /** IDX files (optionally gzipped) as published by Zalando and packaged by Debian */
        FASHION_MNIST,
        /** a folder per class, optionally under train/ and test/ */
        FOLDER,
        /** a CSV, JSONL or Parquet manifest of image_uri, class_name, caption[, split] */
        MANIFEST,
        /** CIFAR-100 binary version (train.bin, test.bin, *_label_names.txt) */
        CIFAR100,
        /** Oxford-102 flowers: jpg/, imagelabels.mat, setid.mat, text_c10/ captions */
        OXFORD102,
        /** UCM-Captions: imgs/ and dataset.json */
        UCM_CAPTIONS;

        /** @return whether each image is a file of its own (so the samples table can hold its URI) */
        public boolean fileBased() {
            return this != FASHION_MNIST && this != CIFAR100;
        }
    }

    /** Where the samples table keeps its images. */
    public enum ImageStorage {
        /** normalised PNG bytes in the {@code image} column */
        INLINE,
        /** the source file's URI in {@code image_uri}; decoded and normalised again where used */
        URI
    }

    /** What to do with captions. */
    public enum CaptionPolicy {
        /** every image must have a caption */
        REQUIRED,
        /** use captions where present */
        OPTIONAL,
        /** ignore captions */
        NONE
    }

    /** CIFAR-100 label level. */
    public enum ClassLevel {
        /** 100 fine classes */
        FINE,
        /** 20 superclasses */
        COARSE
    }

    /** Bad-record handling. */
    public enum BadRecordPolicy {
        /** stop with an error naming the record; write nothing */
        FAIL,
        /** drop bad records and write them with reasons to a rejected table beside the output */
        SKIP
    }
}
