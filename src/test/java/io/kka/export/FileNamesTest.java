package io.kka.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kka.data.InvalidInputException;
import org.junit.jupiter.api.Test;

/** Tests for {@link FileNames} and {@link ExportFormat}. */
class FileNamesTest {

    @Test
    void hexSampleIdsAreTheirOwnNames() {
        assertEquals("0123456789abcdef0123456789abcdef", FileNames.safe("0123456789abcdef0123456789abcdef"));
        assertEquals("0123456789abcdef0123456789abcdef.png", FileNames.png("0123456789abcdef0123456789abcdef"));
    }

    @Test
    void otherIdsAreSanitisedAndKeptApart() {
        String a = FileNames.safe("../Etc/passwd");
        assertTrue(a.matches("___etc_passwd-[0-9a-f]{8}"), a);
        assertNotEquals(FileNames.safe("a/b"), FileNames.safe("a:b"));
        assertNotEquals(FileNames.safe("ABC"), FileNames.safe("abc"), "case-insensitive file systems");
        String longId = "x".repeat(200);
        assertEquals(FileNames.MAX + 9, FileNames.safe(longId).length());
        assertTrue(FileNames.safe("").matches("-[0-9a-f]{8}"));
    }

    @Test
    void formatsParseByTheirCommandLineNames() {
        assertEquals(ExportFormat.ANOMALIB_FOLDER, ExportFormat.parse("anomalib-folder"));
        assertEquals(ExportFormat.MANIFEST, ExportFormat.parse("Manifest"));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ExportFormat.parse("csv"));
        assertEquals("export format must be one of anomalib-folder, manifest, found csv", e.getMessage());
    }
}
