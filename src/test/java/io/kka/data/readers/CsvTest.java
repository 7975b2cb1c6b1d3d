package io.kka.data.readers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests for {@link Csv}. */
class CsvTest {
    @Test
    void parsesQuotedFieldsWithCommasAndQuotes() {
        assertEquals(List.of("a/x.png", "cat", "a \"big\", fat cat", ""),
                Csv.parse("a/x.png,cat,\"a \"\"big\"\", fat cat\","));
        assertEquals(List.of(""), Csv.parse(""));
        assertEquals(1, Csv.indexOf(List.of("\uFEFFfile", " Caption "), "caption"));
        assertEquals(0, Csv.indexOf(List.of("\uFEFFfile", " Caption "), "file"));
    }

    @Test
    void rejectsBrokenQuoting() {
        assertEquals("unterminated quoted field starting at column 3",
                assertThrows(IllegalArgumentException.class, () -> Csv.parse("a,\"b")).getMessage());
        assertEquals("text after a closing quote at column 6",
                assertThrows(IllegalArgumentException.class, () -> Csv.parse("a,\"b\"c")).getMessage());
    }
}
