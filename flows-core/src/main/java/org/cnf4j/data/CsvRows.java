package org.cnf4j.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A numeric CSV file read as a stream of rows, a chunk at a time, so a file of any size is read in
 * constant memory. The dialect is RFC 4180's, read by Apache Commons CSV: the first non-blank line
 * is the header; comma or tab separated (decided by the header line); a cell may be wrapped in
 * double quotes, and a quoted cell may hold the separator, a line break and doubled quotes
 * ({@code "Smith, John"}, {@code "na ""x"""} is {@code na "x"}); blank lines are skipped; lines end
 * in {@code \n}, {@code \r\n} or {@code \r}. The text must be UTF-8 and no record may be longer
 * than {@link #MAX_LINE_CHARS}. Only the kept columns ({@link #select}, {@link #exclude}) are
 * parsed, so a text column that is left out may hold anything. Every kept value must be a finite
 * number or, under {@link MissingValues#DROP_ROWS}, a missing value (empty, NA, NaN) that drops its
 * row; the first problem is a {@link DataException} naming the source, the line (1-based, the
 * header is line 1) and the column.
 */
public final class CsvRows implements RowSource, AutoCloseable {

    /** The longest record accepted, in characters (a file without line breaks is refused, not read whole). */
    public static final int MAX_LINE_CHARS = 1 << 20;

    private final RecordLimitReader in;
    private final String source;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private static final Pattern NUMBER =
            Pattern.compile("[+-]?(?:(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?|(?i:nan|inf|infinity))");
    private static final Pattern NON_FINITE = Pattern.compile("[+-]?(?i:nan|inf|infinity)");
    private long lineNo;
    private long rowsRead;
    private final char separator;
    private final List<String> header;
    private int[] keep;
    private boolean started;
    private MissingValues missing = MissingValues.FAIL;
    private boolean dropOffered;
    private long droppedRows;
    private java.util.Map<String, java.util.function.ToDoubleFunction<String>> coders = java.util.Map.of();
    private java.util.function.ToDoubleFunction<String>[] coderOf;

    private CsvRows(Reader reader, String source) {
        this.source = source;
        this.in = new RecordLimitReader(new BufferedReader(reader, 1 << 16), source);
        try {
            separator = in.separatorOfFirstLine();
        } catch (RecordLimitReader.RecordTooLongException e) {
            throw new DataException(String.format(
                    "%s, line 1: longer than %d characters (is it a CSV file?)", source, CsvRows.MAX_LINE_CHARS));
        } catch (java.io.UncheckedIOException e) {
            throw readError(e.getCause(), 1);
        }
        // the header is read through the same checks as every record
        CSVFormat format = CSVFormat.RFC4180
                .builder()
                .setDelimiter(separator)
                .setIgnoreEmptyLines(false)
                .setIgnoreSurroundingSpaces(true)
                .setRecordSeparator('\n')
                .get();
        try {
            parser = CSVParser.builder().setReader(in).setFormat(format).get();
        } catch (IOException e) {
            throw new DataException(source + ": cannot be read (" + e.getMessage() + ")", e);
        }
        records = parser.iterator();
        List<String> first = nextRecord();
        while (first != null && isBlank(first)) {
            first = nextRecord();
        }
        if (first == null) {
            throw new DataException(source + ": the file is empty (a header row is needed)");
        }
        List<String> names = new ArrayList<>();
        for (String h : first) {
            String name = h.strip();
            while (name.startsWith("\uFEFF")) {
                // a UTF-8 byte-order mark (spreadsheet exports) is not part of a name (it would defeat matching by
                // name)
                name = name.substring(1).strip();
            }
            names.add(name);
        }
        if (names.stream().allMatch(CsvRows::isNumber)) {
            throw new DataException(
                    source + ": the first line (" + shorten(String.join(String.valueOf(separator), first))
                            + ") is all numbers: it looks like data, not a header; add a header row naming the columns");
        }
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            if (!seen.add(n)) {
                throw new DataException(source + ": the header names the column '" + n + "' twice");
            }
        }
        header = Collections.unmodifiableList(names);
        select(null);
    }

    /**
     * Opens a file and reads its header.
     *
     * @throws DataException for a missing or unreadable file, or one without a header
     */
    public static CsvRows open(Path file) {
        InputStream stream;
        try {
            stream = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": no such file");
        } catch (IOException e) {
            throw new DataException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
        try {
            return of(stream, file.toString());
        } catch (RuntimeException e) {
            closeQuietly(stream);
            throw e;
        }
    }

    /** Reads CSV text from a stream of UTF-8 bytes; {@code source} names it in messages. */
    public static CsvRows of(InputStream stream, String source) {
        return new CsvRows(
                new InputStreamReader(
                        stream,
                        StandardCharsets.UTF_8
                                .newDecoder()
                                .onMalformedInput(CodingErrorAction.REPORT)
                                .onUnmappableCharacter(CodingErrorAction.REPORT)),
                source);
    }

    /** Every column name of the header, in file order. */
    public List<String> header() {
        return header;
    }

    /**
     * Chooses the columns to keep, before the first row is read.
     *
     * @param columns names or 0-based indices, in the order wanted; null or empty for all
     * @return this
     * @throws DataException naming a column the header does not have
     */
    public CsvRows select(List<String> columns) {
        if (started) {
            throw new IllegalStateException("columns are chosen before the first row is read");
        }
        if (columns == null || columns.isEmpty()) {
            keep = new int[header.size()];
            for (int i = 0; i < keep.length; i++) {
                keep[i] = i;
            }
            return this;
        }
        int[] chosen = new int[columns.size()];
        for (int i = 0; i < chosen.length; i++) {
            String c = columns.get(i).trim();
            int idx = header.indexOf(c);
            if (idx < 0 && c.matches("\\d{1,9}")) {
                idx = Integer.parseInt(c);
                if (idx >= header.size()) {
                    idx = -1;
                }
            }
            if (idx < 0) {
                throw new DataException(source + ": no column '" + c + "'; the header has " + header);
            }
            for (int k = 0; k < i; k++) {
                if (chosen[k] == idx) {
                    throw new DataException(source + ": the column '" + header.get(idx) + "' is chosen twice");
                }
            }
            chosen[i] = idx;
        }
        keep = chosen;
        return this;
    }

    /**
     * Keeps every column but the named ones, before the first row is read.
     *
     * @param columns names or 0-based indices of columns to leave out; null or empty for none
     * @return this
     * @throws DataException naming a column the header does not have, or when none would be left
     */
    public CsvRows exclude(List<String> columns) {
        if (columns == null || columns.isEmpty()) {
            return this;
        }
        select(null);
        Set<Integer> out = new HashSet<>();
        for (String c : columns) {
            String name = c.trim();
            int idx = header.indexOf(name);
            if (idx < 0 && name.matches("\\d{1,9}") && Integer.parseInt(name) < header.size()) {
                idx = Integer.parseInt(name);
            }
            if (idx < 0) {
                throw new DataException(source + ": no column '" + name + "' to exclude; the header has " + header);
            }
            out.add(idx);
        }
        if (out.size() == header.size()) {
            throw new DataException(source + ": --exclude-columns leaves no column (the header has " + header + ")");
        }
        int[] chosen = new int[header.size() - out.size()];
        int n = 0;
        for (int i = 0; i < header.size(); i++) {
            if (!out.contains(i)) {
                chosen[n++] = i;
            }
        }
        keep = chosen;
        return this;
    }

    /**
     * How a missing value in a kept column is handled (default {@link MissingValues#FAIL}); once
     * set, the message of a missing value names {@code --missing drop-rows}.
     *
     * @return this
     */
    public CsvRows missing(MissingValues policy) {
        this.missing = java.util.Objects.requireNonNull(policy);
        this.dropOffered = true;
        return this;
    }

    /**
     * Reads the named columns' cells through a coder instead of as numbers (a categorical column's
     * level becomes its code), before the first row is read. A coder throws
     * {@link IllegalArgumentException} for a cell it does not know; the message is reported with
     * the line and column.
     *
     * @return this
     */
    public CsvRows coders(java.util.Map<String, java.util.function.ToDoubleFunction<String>> byColumn) {
        if (started) {
            throw new IllegalStateException("coders are set before the first row is read");
        }
        this.coders = java.util.Map.copyOf(byColumn);
        return this;
    }

    /** Rows left out so far because of a missing value ({@link MissingValues#DROP_ROWS}). */
    public long droppedRows() {
        return droppedRows;
    }

    /** Names of the kept columns, in output order. */
    public List<String> columns() {
        List<String> names = new ArrayList<>();
        for (int k : keep) {
            names.add(header.get(k));
        }
        return names;
    }

    /** Number of kept columns: the width of a row. */
    @Override
    public int dim() {
        return keep.length;
    }

    /** Rows returned so far. */
    public long rowsRead() {
        return rowsRead;
    }

    /** The name used in messages. */
    public String source() {
        return source;
    }

    /**
     * Reads up to {@code maxRows} rows into {@code out}, row-major [rows, dim].
     *
     * @return the number of rows read; 0 at the end of the file
     * @throws DataException for a ragged line, a cell that is not a finite number, a line that is
     *     too long or bytes that are not UTF-8
     */
    @Override
    public int read(double[] out, int maxRows) {
        if (!started) {
            @SuppressWarnings({"unchecked", "rawtypes"})
            java.util.function.ToDoubleFunction<String>[] byKept = new java.util.function.ToDoubleFunction[keep.length];
            for (int c = 0; c < keep.length; c++) {
                byKept[c] = coders.get(header.get(keep[c]));
                if (header.get(keep[c]).isEmpty()) {
                    throw new DataException(String.format(
                            "%s: column %d has no name in the header; name it, or leave "
                                    + "it out (--exclude-columns %d)",
                            source, keep[c] + 1, keep[c]));
                }
            }
            coderOf = byKept;
        }
        started = true;
        int dim = keep.length;
        if ((long) maxRows * dim > out.length) {
            throw new IllegalArgumentException(
                    "a buffer of " + out.length + " holds fewer than " + maxRows + " rows of " + dim);
        }
        int n = 0;
        while (n < maxRows) {
            List<String> cells = nextRecord();
            if (cells == null) {
                break;
            }
            if (isBlank(cells)) {
                continue;
            }
            if (cells.size() != header.size()) {
                throw new DataException(String.format(
                        "%s, line %d: %d values, but the header has %d columns",
                        source, lineNo, cells.size(), header.size()));
            }
            boolean complete = true;
            for (int c = 0; c < dim && complete; c++) {
                String cell = cells.get(keep[c]).strip();
                if (MissingValues.isMissingCell(cell)) {
                    if (missing == MissingValues.FAIL) {
                        boolean nan = cell.toLowerCase(java.util.Locale.ROOT).endsWith("nan");
                        throw new DataException(String.format(
                                "%s, line %d, column %d (%s): %s%s",
                                source,
                                lineNo,
                                keep[c] + 1,
                                header.get(keep[c]),
                                nan
                                        ? cell + " is not a finite value (a missing value)"
                                        : "missing value (" + (cell.isEmpty() ? "empty cell" : "'" + cell + "'") + ")",
                                dropOffered ? "; leave out rows with missing values with --missing drop-rows" : ""));
                    }
                    complete = false;
                } else if (coderOf[c] != null) {
                    try {
                        out[n * dim + c] = coderOf[c].applyAsDouble(cell);
                    } catch (IllegalArgumentException e) {
                        throw new DataException(String.format(
                                "%s, line %d, column %d (%s): %s",
                                source, lineNo, keep[c] + 1, header.get(keep[c]), e.getMessage()));
                    }
                } else {
                    out[n * dim + c] = parse(cell, keep[c]);
                }
            }
            if (complete) {
                n++;
            } else {
                droppedRows++;
            }
        }
        rowsRead += n;
        return n;
    }

    private double parse(String cell, int column) {
        if (!isNumber(cell)) {
            throw new DataException(String.format(
                    "%s, line %d, column %d (%s): '%s' is not a number",
                    source, lineNo, column + 1, header.get(column), shorten(cell)));
        }
        double v = NON_FINITE.matcher(cell).matches() ? Double.NaN : Double.parseDouble(cell);
        if (!Double.isFinite(v)) {
            throw new DataException(String.format(
                    "%s, line %d, column %d (%s): %s is not a finite value",
                    source, lineNo, column + 1, header.get(column), shorten(cell)));
        }
        return v;
    }

    /**
     * Whether a cell is a number as a CSV of numbers writes one: an optional sign, digits with an
     * optional decimal point (or a point and digits), an optional exponent ({@code 1.5e-3}), or one
     * of the words nan, inf and infinity in any case with an optional sign (read as such, and then
     * refused as not finite). Java's own spellings ({@code 1.5f}, {@code 2d}, {@code 0x1p3}) and
     * surrounding control characters are not numbers here.
     */
    static boolean isNumber(String cell) {
        return NUMBER.matcher(cell).matches();
    }

    /**
     * The next record's cells, or null at the end of the input; {@link #lineNo} becomes the line
     * the record starts on.
     */
    private List<String> nextRecord() {
        long startLine = parser == null ? 1 : parser.getCurrentLineNumber() + 1;
        try {
            if (!records.hasNext()) {
                return null;
            }
            CSVRecord record = records.next();
            in.recordEnded();
            lineNo = startLine;
            List<String> cells = record.toList();
            long chars = cells.size() - 1;
            for (String c : cells) {
                chars += c.length();
            }
            if (chars > MAX_LINE_CHARS) {
                throw new RecordLimitReader.RecordTooLongException();
            }
            return cells;
        } catch (RecordLimitReader.RecordTooLongException e) {
            throw new DataException(String.format(
                    "%s, line %d: longer than %d characters (is it a CSV file?)", source, startLine, MAX_LINE_CHARS));
        } catch (java.io.UncheckedIOException | IllegalStateException e) {
            throw readError(e.getCause() != null ? e.getCause() : e, startLine);
        }
    }

    private DataException readError(Throwable cause, long line) {
        if (cause instanceof java.nio.charset.CharacterCodingException) {
            return new DataException(
                    String.format("%s: bytes that are not UTF-8 text, at or after line %d", source, line), cause);
        }
        String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        boolean format = why.contains("EOF") || why.contains("encapsulated") || why.contains("Invalid");
        if (cause instanceof IOException && !format) {
            return new DataException(String.format("%s, line %d: cannot be read (%s)", source, line, why), cause);
        }
        String what = why.contains("EOF")
                ? "a quoted cell is not closed before the end of the file"
                : why.contains("encapsulated token")
                        ? "text after a quoted cell's closing quote; a quote inside a " + "quoted cell is written twice"
                        : shorten(why);
        return new DataException(String.format("%s, line %d: not a CSV record (%s)", source, line, what), cause);
    }

    private static boolean isBlank(List<String> cells) {
        return cells.size() == 1 && cells.get(0).isBlank();
    }

    private static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // the first error is the one reported
        }
    }

    @Override
    public void close() {
        try {
            parser.close();
        } catch (IOException e) {
            throw new DataException(source + ": cannot be closed (" + e.getMessage() + ")", e);
        }
    }
}
