package io.kka.data.readers;

import java.io.Serializable;

/**
 * One image a reader found in the metadata, to be loaded on an executor by {@link ImageFiles}.
 *
 * @param uri        the image file (any Hadoop FS URI); null when {@code error} is set
 * @param source     the row's {@code source}: names the file or the metadata row in every error message
 * @param className  class name, or null if unknown (then the row is a bad record)
 * @param captions   captions known from the metadata, or null
 * @param captionUri a text file with one caption per line, read on the executor; null for none. A missing
 *                   caption file leaves the image without captions ({@code data.captions: required} rejects it)
 * @param split      train, val, test, or null when the dataset defines no split
 * @param error      a problem already found in the metadata (e.g. a label out of range); the file is not read
 */
record ImageRef(String uri, String source, String className, String[] captions, String captionUri, String split,
        String error) implements Serializable {

    /** @return a reference that becomes a bad record without reading anything */
    static ImageRef bad(String source, String className, String split, String error) {
        return new ImageRef(null, source, className, null, null, split, error);
    }

    /** @return this reference with the given captions */
    ImageRef withCaptions(String[] caps) {
        return new ImageRef(uri, source, className, caps, captionUri, split, error);
    }

    /** @return this reference marked bad */
    ImageRef withError(String why) {
        return new ImageRef(uri, source, className, captions, captionUri, split, why);
    }
}
