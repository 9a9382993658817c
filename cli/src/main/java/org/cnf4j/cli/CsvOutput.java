package org.cnf4j.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.cnf4j.data.CsvWriter;
import org.cnf4j.io.AtomicFiles;

/**
 * Writes CSV files atomically (a failure leaves no partial file) in the dialect the readers read
 * ({@link CsvWriter}), numbers in shortest round-trip form.
 */
final class CsvOutput {

    private CsvOutput() {}

    /** Writes the body through a row writer. */
    interface Body {
        void write(Rows rows) throws IOException;
    }

    /** Appends rows: numbers, or text cells quoted where the dialect needs it. */
    static final class Rows {
        private final CsvWriter out;

        Rows(CsvWriter out) {
            this.out = out;
        }

        void row(double... values) throws IOException {
            out.row(values);
        }

        void row(List<String> cells) throws IOException {
            out.row(cells);
        }
    }

    /**
     * Refuses a table output whose name asks for a format cnf does not write (NumPy's .npy and
     * .npz), before any work; .tsv is written tab-separated, any other name comma-separated.
     */
    static void checkName(String option, Path path) {
        if (path == null || isStdout(path)) {
            return;
        }
        String name = String.valueOf(path.getFileName()).toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".npy") || name.endsWith(".npz")) {
            throw new IllegalArgumentException(option + " " + path + ": tables are written as CSV (or TSV), not in "
                    + "NumPy's format; name the file .csv or .tsv");
        }
    }

    /** Whether an output names standard output ({@code -}). */
    static boolean isStdout(Path path) {
        return path != null && path.toString().equals("-");
    }

    /**
     * Writes the table to {@code path}, or to {@code stdout} when the path is {@code -} (the
     * command then says what it did on stderr, so the table stays alone on stdout).
     */
    static void write(Path path, List<String> header, Body body, java.io.PrintWriter stdout) throws IOException {
        if (!isStdout(path)) {
            write(path, header, body);
            return;
        }
        CsvWriter csv = new CsvWriter(stdout, header, ',');
        body.write(new Rows(csv));
        csv.flush();
        stdout.flush();
    }

    static void write(Path path, List<String> header, Body body) throws IOException {
        AtomicFiles.write(path, stream -> {
            BufferedWriter w = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
            CsvWriter csv = new CsvWriter(w, header, CsvWriter.delimiterFor(path));
            body.write(new Rows(csv));
            csv.flush();
        });
    }
}
