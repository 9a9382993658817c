package org.cnf4j.data;

import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.QuoteMode;

/**
 * Writes comma-separated rows in the dialect {@link CsvRows} reads (RFC 4180 by Apache Commons
 * CSV, lines ending in {@code \n}): a cell holding a comma, a quote, a line break or surrounding
 * spaces is quoted, quotes doubled (a header with a tab in a name is quoted whole, since a tab
 * outside quotes there makes a file tab-separated); numbers in Java's shortest round-trip form, so a file written
 * here reads back bit for bit.
 */
public final class CsvWriter implements Closeable {

    private static final CSVFormat FORMAT = CSVFormat.RFC4180
            .builder()
            .setRecordSeparator('\n')
            .setQuoteMode(QuoteMode.MINIMAL)
            .get();

    private final CSVPrinter printer;

    /**
     * Starts a comma-separated file on {@code out} with its header.
     *
     * @param header the column names, in order
     */
    public CsvWriter(Writer out, List<String> header) throws IOException {
        this(out, header, ',');
    }

    /**
     * Starts a file separated by {@code delimiter} (a comma, or a tab for TSV) with its header.
     *
     * @param header the column names, in order
     */
    public CsvWriter(Writer out, List<String> header, char delimiter) throws IOException {
        CSVFormat format = FORMAT.builder().setDelimiter(delimiter).get();
        if (delimiter != '\t' && header.stream().anyMatch(h -> h.indexOf('\t') >= 0)) {
            // the reader takes a tab outside quotes in the header for the separator
            CSVPrinter quoted = new CSVPrinter(
                    out, format.builder().setQuoteMode(QuoteMode.ALL).get());
            quoted.printRecord(header);
            quoted.flush();
            printer = new CSVPrinter(out, format);
        } else {
            printer = new CSVPrinter(out, format);
            printer.printRecord(header);
        }
    }

    /** The separator a table file's name asks for: a tab for {@code .tsv}, else a comma. */
    public static char delimiterFor(java.nio.file.Path file) {
        return String.valueOf(file.getFileName())
                        .toLowerCase(java.util.Locale.ROOT)
                        .endsWith(".tsv")
                ? '\t'
                : ',';
    }

    /** Appends a row of numbers. */
    public void row(double... values) throws IOException {
        for (double v : values) {
            printer.print(Double.toString(v));
        }
        printer.println();
    }

    /** Appends a row of text cells. */
    public void row(List<String> cells) throws IOException {
        printer.printRecord(cells);
    }

    /** Flushes what was written to the underlying writer. */
    public void flush() throws IOException {
        printer.flush();
    }

    /** Flushes and closes the underlying writer. */
    @Override
    public void close() throws IOException {
        printer.close();
    }
}
