package org.cnf4j.data;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads a whole numeric CSV file (the format of {@link CsvRows}) into a {@link Dataset}, within
 * the {@link DataMemory} limit: a file whose values would exceed it is refused with a
 * {@link DataException} as soon as the rows read pass the limit.
 */
public final class CsvReader {

    private static final int CHUNK_ROWS = 4096;

    private CsvReader() {}

    /**
     * Reads the file.
     *
     * @param file the CSV file
     * @param columns names or 0-based indices of the columns to keep, or null/empty for all
     * @throws DataException for a missing file, bad content or a set too large for memory
     */
    public static Dataset read(Path file, List<String> columns) {
        return read(file, columns, DataMemory.limitBytes());
    }

    /** {@link #read(Path, List)} with an explicit memory limit in bytes. */
    public static Dataset read(Path file, List<String> columns, long limitBytes) {
        return read(file, columns, null, null, limitBytes, dropped -> {}, java.util.Map.of());
    }

    /**
     * Reads the file, choosing columns before any cell is parsed (a left-out text column is never
     * read as a number).
     *
     * @param columns names or 0-based indices of the columns to keep, or null/empty for all
     * @param exclude columns to leave out (with {@code columns} null), or null/empty for none
     * @param missing what a missing value in a kept column does
     * @param dropped told the number of rows left out for missing values, once, at the end
     * @throws DataException for a missing file, bad content, a missing value under
     *     {@link MissingValues#FAIL}, or a set too large for memory
     */
    public static Dataset read(
            Path file,
            List<String> columns,
            List<String> exclude,
            MissingValues missing,
            java.util.function.LongConsumer dropped) {
        return read(file, columns, exclude, missing, DataMemory.limitBytes(), dropped, java.util.Map.of());
    }

    /** {@link #read(Path, List, List, MissingValues, java.util.function.LongConsumer)} with cell coders ({@link CsvRows#coders}). */
    public static Dataset read(
            Path file,
            List<String> columns,
            MissingValues missing,
            java.util.function.LongConsumer dropped,
            java.util.Map<String, java.util.function.ToDoubleFunction<String>> coders) {
        return read(file, columns, null, missing, DataMemory.limitBytes(), dropped, coders);
    }

    private static Dataset read(
            Path file,
            List<String> columns,
            List<String> exclude,
            MissingValues missing,
            long limitBytes,
            java.util.function.LongConsumer dropped,
            java.util.Map<String, java.util.function.ToDoubleFunction<String>> coders) {
        try (CsvRows rows = CsvRows.open(file)) {
            rows.select(columns);
            rows.coders(coders);
            rows.exclude(exclude);
            if (missing != null) {
                rows.missing(missing);
            }
            int dim = rows.dim();
            double[] values = new double[Math.max(dim, 1) * 256];
            double[] chunk = new double[dim * CHUNK_ROWS];
            long used = 0;
            int got;
            while ((got = rows.read(chunk, CHUNK_ROWS)) > 0) {
                long need = used + (long) got * dim;
                DataMemory.check(
                        need,
                        limitBytes,
                        file.toString(),
                        String.format(
                                java.util.Locale.ROOT, "the %,d rows of %d columns read so far", rows.rowsRead(), dim));
                if (need > values.length) {
                    if (need > Integer.MAX_VALUE - 8) {
                        throw new DataException(file + ": more than " + (Integer.MAX_VALUE - 8)
                                + " values cannot be held as one array");
                    }
                    values = Arrays.copyOf(
                            values, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(need, 2L * values.length)));
                }
                System.arraycopy(chunk, 0, values, (int) used, got * dim);
                used = need;
            }
            if (rows.rowsRead() == 0) {
                throw new DataException(file + ": no data rows after the header"
                        + (rows.droppedRows() > 0
                                ? " that have no missing value (" + rows.droppedRows() + " rows left out)"
                                : ""));
            }
            dropped.accept(rows.droppedRows());
            double[] exact = used == values.length ? values : Arrays.copyOf(values, (int) used);
            return new Dataset(
                    Nd4j.create(exact, new long[] {rows.rowsRead(), dim}, DataType.DOUBLE),
                    rows.columns(),
                    file.getFileName().toString());
        }
    }
}
