package io.kka.export;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.data.ImageCodec;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.Test;

/** Tests for {@link ImageFileWriter}'s element checks. */
class ImageFileWriterTest {

    @Test
    void onlyPngBytesPass() throws Exception {
        BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
        assertTrue(ImageFileWriter.isPng(ImageCodec.png(img)));
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(img, "jpeg", jpeg);
        assertFalse(ImageFileWriter.isPng(jpeg.toByteArray()));
        assertFalse(ImageFileWriter.isPng(new byte[] {(byte) 0x89, 'P', 'N', 'G'}));
        assertFalse(ImageFileWriter.isPng(null));
    }

    @Test
    void localFilesAreWrittenWithoutChecksumFiles() throws Exception {
        FileSystem local = FileSystem.getLocal(new Configuration());
        assertTrue(ImageFileWriter.withoutChecksums(local) instanceof RawLocalFileSystem);
        FileSystem raw = ImageFileWriter.withoutChecksums(local);
        assertSame(raw, ImageFileWriter.withoutChecksums(raw));
    }
}
