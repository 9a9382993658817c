package org.cnf4j.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongConsumer;

/**
 * Reading the data a command or a library call names: a toy generator's name, or a CSV/TSV/NPY
 * file, with columns chosen by name (or 0-based index) and a policy for missing values.
 */
public final class DataFiles {

    private DataFiles() {}

    /** True when the text names a toy data set. */
    public static boolean isToy(String spec) {
        return ToyDataset.isToy(spec);
    }

    /**
     * Reads a table file by its extension (.csv, .tsv, .txt: CSV with a header; .npy: NumPy),
     * keeping the chosen columns (names or indices) or all but the excluded ones; missing values
     * fail the read.
     */
    public static Dataset read(String spec, List<String> columns, List<String> exclude) {
        return read(spec, columns, exclude, MissingValues.FAIL, dropped -> {});
    }

    /**
     * {@link #read(String, List, List)} with a policy for missing values: columns are chosen before
     * any cell of a CSV is parsed, and {@code dropped} is told how many rows were left out.
     */
    public static Dataset read(
            String spec, List<String> columns, List<String> exclude, MissingValues missing, LongConsumer dropped) {
        String lower = spec.toLowerCase(Locale.ROOT);
        Path path = Path.of(spec);
        if (lower.endsWith(".csv") || lower.endsWith(".tsv") || lower.endsWith(".txt")) {
            return CsvReader.read(path, columns, exclude, missing, dropped);
        }
        if (!lower.endsWith(".npy")) {
            StringBuilder toys = new StringBuilder();
            for (ToyDataset t : ToyDataset.values()) {
                toys.append(toys.length() == 0 ? "" : ", ").append(t.id());
            }
            throw new DataException(
                    "'" + spec + "' is neither a toy data set (" + toys + ") nor a .csv, .tsv or .npy file");
        }
        Dataset all = NpyReader.read(path, missing, dropped);
        if (columns != null && !columns.isEmpty()) {
            all = select(all, columns, spec);
        }
        if (exclude != null && !exclude.isEmpty()) {
            List<String> keep = new ArrayList<>(all.columns());
            for (String e : exclude) {
                if (!keep.remove(e)) {
                    throw new DataException(spec + ": no column '" + e + "' to exclude; columns are " + all.columns());
                }
            }
            if (keep.isEmpty()) {
                throw new DataException(
                        spec + ": --exclude-columns leaves no column (the file has " + all.columns() + ")");
            }
            all = select(all, keep, spec);
        }
        return all;
    }

    private static Dataset select(Dataset d, List<String> names, String spec) {
        int[] idx = new int[names.size()];
        for (int i = 0; i < idx.length; i++) {
            String c = names.get(i);
            int j = d.columns().indexOf(c);
            if (j < 0 && c.matches("\\d+") && Integer.parseInt(c) < d.dim()) {
                j = Integer.parseInt(c);
            }
            if (j < 0) {
                throw new DataException(spec + ": no column '" + c + "'; columns are " + d.columns());
            }
            for (int k = 0; k < i; k++) {
                if (idx[k] == j) {
                    throw new DataException(
                            spec + ": the column '" + d.columns().get(j) + "' is chosen twice");
                }
            }
            idx[i] = j;
        }
        double[] v = org.cnf4j.linalg.NativeArrays.toArray(d.values());
        double[] out = new double[d.rows() * idx.length];
        for (int r = 0; r < d.rows(); r++) {
            for (int c = 0; c < idx.length; c++) {
                out[r * idx.length + c] = v[r * d.dim() + idx[c]];
            }
        }
        List<String> cols = new ArrayList<>();
        for (int j : idx) {
            cols.add(d.columns().get(j));
        }
        return new Dataset(
                org.nd4j.linalg.factory.Nd4j.create(
                        out, new long[] {d.rows(), idx.length}, org.nd4j.linalg.api.buffer.DataType.DOUBLE),
                cols,
                d.source());
    }

    /**
     * Reads rows to evaluate with a model of the given columns: the named columns when given;
     * else the model's columns, by name and in the model's order, if the file has them all; else
     * all columns if there are as many as the model's dimension.
     */
    public static Dataset readForModel(
            String spec, List<String> modelColumns, List<String> columns, MissingValues missing, LongConsumer dropped) {
        if (isTable(spec)) {
            // choose the columns from the header first: the other columns are never parsed
            List<String> header;
            try (CsvRows rows = CsvRows.open(Path.of(spec))) {
                header = rows.header();
            }
            List<String> chosen = columnsForModel(header, modelColumns, columns, spec);
            return checkDim(read(spec, chosen, null, missing, dropped), modelColumns, spec);
        }
        return checkDim(read(spec, columns, null, missing, dropped), modelColumns, spec);
    }

    /**
     * The rows {@link #readForModel} would read, as a stream the caller closes: a CSV/TSV file is
     * read a chunk at a time (any size, constant memory); an .npy file is read whole.
     */
    public static RowSource openForModel(String spec, List<String> modelColumns, List<String> columns) {
        if (!isTable(spec)) {
            return RowSource.of(readForModel(spec, modelColumns, columns, MissingValues.FAIL, d -> {})
                    .values());
        }
        CsvRows rows = CsvRows.open(Path.of(spec));
        try {
            rows.select(columnsForModel(rows.header(), modelColumns, columns, spec));
            checkDim(rows.columns(), modelColumns, spec);
            return rows;
        } catch (RuntimeException e) {
            rows.close();
            throw e;
        }
    }

    /**
     * {@link #openForModel(String, List, List)} for a model that may be conditional: with context
     * columns, the joint rows [x | encoded context] of {@link ConditionalTable#openForModel}, the
     * columns taken by name ({@code columns} must then be empty).
     */
    public static RowSource openForModel(
            String spec, List<String> modelColumns, List<ContextColumn> context, List<String> columns) {
        if (context.isEmpty()) {
            return openForModel(spec, modelColumns, columns);
        }
        if (columns != null && !columns.isEmpty()) {
            throw new DataException("a conditional model reads its columns " + modelColumns + " and its context "
                    + context.stream().map(ContextColumn::name).toList() + " by name; leave out --columns");
        }
        return ConditionalTable.openForModel(spec, modelColumns, context);
    }

    /** Whether a file is a CSV/TSV table (with a header naming its columns). */
    private static boolean isTable(String spec) {
        String lower = spec.toLowerCase(Locale.ROOT);
        return lower.endsWith(".csv") || lower.endsWith(".tsv") || lower.endsWith(".txt");
    }

    /**
     * The columns to take from a table with the given header: those named by --columns, else the
     * model's columns by name. A header that does not name them all is refused: taking its columns
     * by position would silently pair a column with another of the model's.
     */
    private static List<String> columnsForModel(
            List<String> header, List<String> modelColumns, List<String> columns, String spec) {
        if (columns != null && !columns.isEmpty()) {
            return columns;
        }
        if (header.containsAll(modelColumns)) {
            return modelColumns;
        }
        checkDim(header, modelColumns, spec);
        List<String> missing = new ArrayList<>(modelColumns);
        missing.removeAll(header);
        throw new DataException(spec + ": the header " + header + " does not name the model's column"
                + (missing.size() == 1 ? " '" + missing.get(0) + "'" : "s " + missing) + " (the model's columns are "
                + modelColumns + "); name the file's columns in the model's order with --columns");
    }

    private static Dataset checkDim(Dataset d, List<String> modelColumns, String spec) {
        checkDim(d.columns(), modelColumns, spec);
        return d;
    }

    private static void checkDim(List<String> have, List<String> modelColumns, String spec) {
        if (have.size() != modelColumns.size()) {
            throw new DataException(spec + ": the model has " + modelColumns.size() + " dimensions (columns "
                    + modelColumns + "), the input has " + have.size() + " columns " + have
                    + "; choose them with --columns");
        }
    }
}
