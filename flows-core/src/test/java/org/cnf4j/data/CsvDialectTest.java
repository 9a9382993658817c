package org.cnf4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 4180 as the readers and writers follow it: quoting, embedded separators and line breaks. */
class CsvDialectTest {

    private static CsvRows rows(String text) {
        return CsvRows.of(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "t.csv");
    }

    private static double[] readAll(CsvRows rows, int maxRows) {
        double[] out = new double[maxRows * rows.dim()];
        int n = rows.read(out, maxRows);
        return java.util.Arrays.copyOf(out, n * rows.dim());
    }

    @Test
    void aQuotedHeaderOrCellMayHoldTheSeparator() {
        try (CsvRows r = rows("\"temp, C\",name,y\n1.5,\"Smith, John\",2\n3,\"Doe, Jane\",4\n")) {
            assertEquals(List.of("temp, C", "name", "y"), r.header());
            r.select(List.of("temp, C", "y"));
            assertArrayEquals(new double[] {1.5, 2, 3, 4}, readAll(r, 10), 0.0);
        }
    }

    @Test
    void doubledQuotesAreOneQuoteAndQuotedLineBreaksStayInTheCell() {
        try (CsvRows r = rows("\"na \"\"x\"\"\",\"two\nlines\"\n1,2\n3,4\n")) {
            assertEquals(List.of("na \"x\"", "two\nlines"), r.header());
            assertArrayEquals(new double[] {1, 2, 3, 4}, readAll(r, 10), 0.0);
        }
    }

    @Test
    void lineNumbersCountTheLinesOfQuotedBreaks() {
        try (CsvRows r = rows("a,note\n1,\"x\ny\nz\"\n2,ok\nbad,ok\n")) {
            r.select(List.of("a"));
            DataException e = assertThrows(DataException.class, () -> readAll(r, 10));
            assertEquals("t.csv, line 6, column 1 (a): 'bad' is not a number", e.getMessage());
        }
    }

    @Test
    void anUnclosedQuoteIsOneMessageWithItsLine() {
        try (CsvRows r = rows("a,b\n1,2\n3,\"4\n")) {
            DataException e = assertThrows(DataException.class, () -> readAll(r, 10));
            assertTrue(e.getMessage().startsWith("t.csv, line 3: not a CSV record"), e.getMessage());
        }
    }

    @Test
    void aByteOrderMarkBeforeAQuotedNameIsNotPartOfIt() {
        try (CsvRows r = rows("\uFEFF\"x, 1\",y\n1,2\n")) {
            assertEquals(List.of("x, 1", "y"), r.header());
        }
    }

    @Test
    void whatTheWriterWritesTheReaderReadsBack() throws IOException {
        StringWriter text = new StringWriter();
        List<String> header = List.of("temp, C", "say \"hi\"", "two\nlines", " padded ");
        try (CsvWriter w = new CsvWriter(text, header)) {
            w.row(1.0 / 3, -0.0, 1e-300, 2.5e300);
        }
        assertTrue(text.toString().startsWith("\"temp, C\",\"say \"\"hi\"\"\",\"two\nlines\""), text.toString());
        try (CsvRows r = rows(text.toString())) {
            assertEquals(List.of("temp, C", "say \"hi\"", "two\nlines", "padded"), r.header());
            double[] v = readAll(r, 2);
            assertArrayEquals(new double[] {1.0 / 3, -0.0, 1e-300, 2.5e300}, v, 0.0);
            assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(v[1]));
        }
    }
}
