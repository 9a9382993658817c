package org.cnf4j.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.cnf4j.io.AtomicFiles;

/** Writes CSV files atomically (a failure leaves no partial file), numbers in shortest round-trip form. */
final class CsvOutput {

    private CsvOutput() {
    }

    /** Writes the body through a row writer. */
    interface Body {
        void write(Rows rows) throws IOException;
    }

    /** Appends rows of numbers. */
    static final class Rows {
        private final Writer out;

        Rows(Writer out) {
            this.out = out;
        }

        void row(double... values) throws IOException {
            for (int i = 0; i < values.length; i++) {
                if (i > 0) {
                    out.write(',');
                }
                out.write(Double.toString(values[i]));
            }
            out.write('\n');
        }

        /** A row of text cells, each quoted when it holds a separator, a quote or a line break. */
        void row(List<String> cells) throws IOException {
            for (int i = 0; i < cells.size(); i++) {
                if (i > 0) {
                    out.write(',');
                }
                String c = cells.get(i);
                boolean quote = c.indexOf(',') >= 0 || c.indexOf('"') >= 0 || c.indexOf('\n') >= 0
                        || c.indexOf('\r') >= 0;
                out.write(quote ? '"' + c.replace("\"", "\"\"") + '"' : c);
            }
            out.write('\n');
        }
    }

    static void write(Path path, List<String> header, Body body) throws IOException {
        AtomicFiles.write(path, stream -> {
            BufferedWriter w = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
            w.write(String.join(",", header));
            w.write('\n');
            body.write(new Rows(w));
            w.flush();
        });
    }
}
