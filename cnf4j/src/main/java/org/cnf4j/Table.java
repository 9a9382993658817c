package org.cnf4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cnf4j.data.ConditionalTable;
import org.cnf4j.data.ContextColumn;
import org.cnf4j.data.DataException;
import org.cnf4j.data.DataFiles;
import org.cnf4j.data.Dataset;
import org.cnf4j.data.MissingValues;
import org.cnf4j.linalg.NativeArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A numeric table to train on or score: rows of doubles under column names, {@code [rows, columns]},
 * read from a CSV/TSV file (header row) or a NumPy {@code .npy} file, or built from arrays.
 * Immutable.
 *
 * <p>A conditional table ({@link ReadOptions#withContext}, {@link #withContext}) also holds the
 * context columns a conditional flow p(x | c) conditions on: {@link #columns()} are then the data
 * columns x, {@link #context()} the context columns (a text column, or one of 2 to 10 distinct
 * integers, categorical and one-hot encoded; any other numeric).
 */
public final class Table {

    private final Dataset dataset;
    private final long droppedRows;
    private final List<String> dataColumns;
    private final List<ContextColumn> context;

    private Table(Dataset dataset, long droppedRows) {
        this(dataset, droppedRows, dataset.columns(), List.of());
    }

    private Table(Dataset dataset, long droppedRows, List<String> dataColumns, List<ContextColumn> context) {
        this.dataset = dataset;
        this.droppedRows = droppedRows;
        this.dataColumns = List.copyOf(dataColumns);
        this.context = List.copyOf(context);
    }

    /**
     * How to read a table file.
     *
     * @param columns the columns to keep, by name or 0-based index, in this order; empty for all
     * @param excludeColumns the columns to leave out (a label, a text column); not with columns
     * @param missing what an empty cell, {@code NA} or {@code NaN} does: fail (naming the first)
     *     or drop its row
     * @param context the columns a conditional flow conditions on (they may hold text); empty for
     *     an unconditional table
     */
    public record ReadOptions(
            List<String> columns, List<String> excludeColumns, MissingValues missing, List<String> context) {
        /** Checks and copies. */
        public ReadOptions {
            columns = List.copyOf(columns);
            excludeColumns = List.copyOf(excludeColumns);
            context = List.copyOf(context);
            if (!columns.isEmpty() && !excludeColumns.isEmpty()) {
                throw new IllegalArgumentException("give columns or excludeColumns, not both");
            }
            java.util.Objects.requireNonNull(missing, "missing");
        }

        /** Options of an unconditional table. */
        public ReadOptions(List<String> columns, List<String> excludeColumns, MissingValues missing) {
            this(columns, excludeColumns, missing, List.of());
        }

        /** All columns, missing values fail the read (as {@code cnf train}). */
        public static ReadOptions defaults() {
            return new ReadOptions(List.of(), List.of(), MissingValues.FAIL);
        }

        /** These options keeping only the named columns. */
        public ReadOptions withColumns(String... names) {
            return new ReadOptions(List.of(names), excludeColumns, missing, context);
        }

        /** These options leaving the named columns out. */
        public ReadOptions withExcludeColumns(String... names) {
            return new ReadOptions(columns, List.of(names), missing, context);
        }

        /** These options with another policy for missing values. */
        public ReadOptions withMissing(MissingValues policy) {
            return new ReadOptions(columns, excludeColumns, policy, context);
        }

        /** These options with context columns (as {@code cnf train --context}). */
        public ReadOptions withContext(String... names) {
            return new ReadOptions(columns, excludeColumns, missing, List.of(names));
        }
    }

    /** {@link #read(Path, ReadOptions)} with {@link ReadOptions#defaults()}. */
    public static Table read(Path file) {
        return read(file, ReadOptions.defaults());
    }

    /**
     * Reads a table by its extension: {@code .csv}, {@code .tsv} or {@code .txt} (a header row,
     * comma or tab separated; columns not chosen are never parsed, so they may hold text) or
     * {@code .npy} (a 2-D float or double array; columns named {@code c0, c1, ...}).
     *
     * @throws DataException for a missing or unreadable file, a cell that is not a number, a
     *     missing value under {@link MissingValues#FAIL}, an unknown column or no rows
     */
    public static Table read(Path file, ReadOptions options) {
        long[] dropped = {0};
        if (!options.context().isEmpty()) {
            ConditionalTable t = ConditionalTable.read(
                    file.toString(),
                    options.columns(),
                    options.excludeColumns(),
                    options.context(),
                    options.missing(),
                    n -> dropped[0] = n);
            return new Table(t.joint(), dropped[0], t.dataColumns(), t.context());
        }
        Dataset d = DataFiles.read(
                file.toString(), options.columns(), options.excludeColumns(), options.missing(), n -> dropped[0] = n);
        return new Table(d, dropped[0]);
    }

    /**
     * A table of the given rows, {@code rows[i][j]} the value of column j in row i.
     *
     * @throws DataException for ragged rows, no rows, a column count other than the names', or a
     *     value that is not finite
     */
    public static Table of(double[][] rows, String... columns) {
        if (rows.length == 0) {
            throw new DataException("the table has no rows");
        }
        if (columns.length == 0) {
            throw new DataException("the table has no columns; name them");
        }
        org.cnf4j.data.ColumnNames.requireNamed(Arrays.asList(columns), "the table");
        return of(
                matrix(
                        rows,
                        columns.length,
                        ", expected " + columns.length + " (columns " + Arrays.toString(columns) + ")"),
                List.of(columns));
    }

    /**
     * A table of an ND4J matrix {@code [rows, columns]} (copied, as doubles).
     *
     * @throws DataException for a shape that is not 2-D, a column count other than the names', or
     *     a value that is not finite
     */
    public static Table of(INDArray values, List<String> columns) {
        org.cnf4j.data.ColumnNames.requireNamed(columns, "the table");
        if (values.rank() != 2 || values.columns() != columns.size() || values.rows() == 0) {
            throw new DataException("expected a [rows, " + columns.size() + "] matrix with at least one row for the "
                    + "columns " + columns + ", got shape " + Arrays.toString(values.shape()));
        }
        INDArray copy = values.castTo(DataType.DOUBLE).dup('c');
        requireFinite(copy, columns);
        return new Table(new Dataset(copy, new ArrayList<>(columns), "a table in memory"), 0);
    }

    /**
     * The rows as a matrix {@code [rows, dim]}.
     *
     * @param expected what a row of another length is told, after "row i has k values"
     * @throws DataException for a row of another length
     */
    static INDArray matrix(double[][] rows, int dim, String expected) {
        if (rows == null) {
            throw new DataException("no rows (null)");
        }
        double[] flat = new double[rows.length * dim];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] == null) {
                throw new DataException("row " + i + " is null");
            }
            if (rows[i].length != dim) {
                throw new DataException("row " + i + " has " + rows[i].length + " values" + expected);
            }
            System.arraycopy(rows[i], 0, flat, i * dim, dim);
        }
        return Nd4j.create(flat, new long[] {rows.length, dim}, DataType.DOUBLE);
    }

    /**
     * Checks that every value of a matrix {@code [rows, columns]} is finite.
     *
     * @throws DataException naming the first value that is not, by row and column
     */
    static void requireFinite(INDArray values, List<String> columns) {
        double[] v = NativeArrays.toArray(values);
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new DataException("row " + i / columns.size() + ", column '" + columns.get(i % columns.size())
                        + "' holds " + v[i] + ", not a finite value");
            }
        }
    }

    /**
     * This table made conditional on the named numeric columns (an integer column of 2 to 10
     * distinct values categorical, any other numeric); the others are the data.
     *
     * @throws DataException naming a column the table does not have
     */
    public Table withContext(String... names) {
        if (!context.isEmpty()) {
            throw new DataException("the table already has the context "
                    + context.stream().map(ContextColumn::name).toList());
        }
        ConditionalTable t = ConditionalTable.of(dataset, List.of(names));
        return new Table(t.joint(), droppedRows, t.dataColumns(), t.context());
    }

    /** Rows. */
    public int rows() {
        return dataset.rows();
    }

    /** Data columns (without the context). */
    public int dim() {
        return dataColumns.size();
    }

    /** The data column names, in order (without the context columns). */
    public List<String> columns() {
        return dataColumns;
    }

    /** The context columns of a conditional table, in order; empty otherwise. */
    public List<ContextColumn> context() {
        return context;
    }

    /** Rows left out for a missing value when read with {@link MissingValues#DROP_ROWS}. */
    public long droppedRows() {
        return droppedRows;
    }

    /** The values, {@code [rows][columns]} (a copy; a conditional table's rows followed by their encoded context). */
    public double[][] toArray() {
        return Flow.rows(dataset.values());
    }

    /** The values as an ND4J matrix {@code [rows, columns]} (a copy; joint rows [x | encoded context] when conditional). */
    public INDArray values() {
        return dataset.values().dup();
    }

    /** The underlying data set, for the lower-level API. */
    public Dataset dataset() {
        return dataset;
    }

    @Override
    public String toString() {
        return dataset.source() + " (" + rows() + " rows, columns " + dataset.columns() + ")";
    }
}
