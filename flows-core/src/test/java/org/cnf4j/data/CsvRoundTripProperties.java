package org.cnf4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Properties of the CSV reader: what cnf writes it reads back bit for bit; no bytes crash it. */
class CsvRoundTripProperties {

    @Provide
    Arbitrary<String> names() {
        // any text a header may hold: separators, quotes, line breaks, non-ASCII letters
        return Arbitraries.strings()
                .withChars("ab ,\"\n\r\t\u00e9\u4e2d;'#")
                .ofMinLength(1)
                .ofMaxLength(8)
                .map(String::strip)
                .filter(s -> !s.isEmpty() && !CsvRows.isNumber(s));
    }

    @Provide
    Arbitrary<Double> values() {
        return Arbitraries.oneOf(
                Arbitraries.doubles(),
                Arbitraries.longs().map(Double::longBitsToDouble).filter(Double::isFinite),
                Arbitraries.of(0.0, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, -1e-300));
    }

    @Property(tries = 300)
    void writtenTablesReadBackBitForBit(
            @ForAll @Size(min = 1, max = 5) List<@From("names") String> header,
            @ForAll @Size(min = 1, max = 40) List<@From("values") Double> cells)
            throws IOException {
        List<String> names = new ArrayList<>(new LinkedHashSet<>(header));
        int d = names.size();
        int n = Math.max(1, cells.size() / d);
        double[] values = new double[n * d];
        for (int i = 0; i < values.length; i++) {
            values[i] = cells.get(i % cells.size());
        }
        StringWriter text = new StringWriter();
        try (CsvWriter w = new CsvWriter(text, names)) {
            for (int i = 0; i < n; i++) {
                w.row(java.util.Arrays.copyOfRange(values, i * d, (i + 1) * d));
            }
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        try (CsvRows r = CsvRows.of(new ByteArrayInputStream(bytes), "p.csv")) {
            assertEquals(names, r.header());
            double[] back = new double[values.length];
            assertEquals(n, r.read(back, n));
            for (int i = 0; i < values.length; i++) {
                assertEquals(Double.doubleToRawLongBits(values[i]), Double.doubleToRawLongBits(back[i]));
            }
        }
    }

    @Property(tries = 500)
    void anyBytesGiveRowsOrOneDataException(
            @ForAll @Size(max = 200) byte[] bytes, @ForAll @IntRange(min = 1, max = 7) int chunk) {
        try (CsvRows r = CsvRows.of(new ByteArrayInputStream(bytes), "r.csv")) {
            double[] buffer = new double[chunk * r.dim()];
            while (r.read(buffer, chunk) > 0) {
                // every row read is finite numbers
                for (double v : buffer) {
                    assertEquals(true, Double.isFinite(v));
                }
            }
        } catch (DataException e) {
            assertEquals(true, e.getMessage().startsWith("r.csv"), e.getMessage());
        }
    }

    @Property(tries = 300)
    void csvLikeTextGivesRowsOrOneDataException(@ForAll @Size(max = 120) List<@From("pieces") String> pieces) {
        anyBytesGiveRowsOrOneDataException(String.join("", pieces).getBytes(StandardCharsets.UTF_8), 3);
    }

    @Provide
    Arbitrary<String> pieces() {
        return Arbitraries.of(
                "a", "b", ",", "\t", "\"", "\"\"", "\n", "\r\n", "\r", "1", "-2.5e3", "NA", " ", "\uFEFF", "nan",
                "x y");
    }
}
