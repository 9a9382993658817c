package org.cnf4j.data;

import java.io.BufferedReader;
import java.io.FilterReader;
import java.io.IOException;

/**
 * The character stream under {@link CsvRows}: it decides the separator from the first non-blank
 * record before the CSV parser reads anything (tab when a tab stands outside quotes, else comma), drops a UTF-8 byte-order mark, and bounds the
 * characters one record may take ({@link CsvRows#MAX_LINE_CHARS}, plus the parser's read-ahead), so
 * a file without line breaks, or an unclosed quote, is refused instead of read whole into memory.
 */
final class RecordLimitReader extends FilterReader {

    /** Characters the CSV parser may read ahead of the record it returns (its buffer). */
    private static final int READ_AHEAD = 1 << 13;

    /** Thrown from a read when one record passes the limit; {@link CsvRows} names the line. */
    static final class RecordTooLongException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RecordTooLongException() {
            super(null, null, false, false);
        }
    }

    private long sinceRecord;

    RecordLimitReader(BufferedReader in, String source) {
        super(in);
    }

    /**
     * Tab when the first non-blank record holds one outside quotes, else comma; the stream is left at its start
     * (after a byte-order mark).
     */
    char separatorOfFirstLine() throws RecordTooLongException {
        BufferedReader reader = (BufferedReader) in;
        try {
            reader.mark(1);
            int first = reader.read();
            if (first != '\uFEFF') {
                reader.reset();
            }
            int limit = 2 * CsvRows.MAX_LINE_CHARS;
            reader.mark(limit + 1);
            boolean blank = true;
            boolean quoted = false;
            char separator = ',';
            for (int i = 0; i <= limit; i++) {
                int c = reader.read();
                if (c < 0) {
                    break;
                }
                if (i == limit) {
                    throw new RecordTooLongException();
                }
                if (c == '"') {
                    quoted = !quoted;
                    blank = false;
                } else if (quoted) {
                    continue;
                } else if (c == '\n' || c == '\r') {
                    if (!blank) {
                        break;
                    }
                } else if (c == '\t') {
                    separator = '\t';
                    break;
                } else if (!Character.isWhitespace(c)) {
                    blank = false;
                }
            }
            reader.reset();
            return separator;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Called when the parser has returned a record: the next one's count starts. */
    void recordEnded() {
        sinceRecord = 0;
    }

    @Override
    public int read() throws IOException {
        int c = super.read();
        count(c < 0 ? 0 : 1);
        return c;
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        count(Math.max(n, 0));
        return n;
    }

    private void count(int n) {
        sinceRecord += n;
        if (sinceRecord > CsvRows.MAX_LINE_CHARS + READ_AHEAD) {
            throw new RecordTooLongException();
        }
    }
}
