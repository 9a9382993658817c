package org.cnf4j.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.function.ToDoubleFunction;
import org.cnf4j.linalg.NativeArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A table read for a conditional flow p(x | c): joint rows [x | c] whose first columns are the
 * data x and whose last ones the encoded context c (a numeric context column as it is, a
 * categorical one as one-hot values named {@code column=level}). A context column is categorical
 * when it holds text, or only integers with 2 to {@value #MAX_INTEGER_LEVELS} distinct values
 * (a class label); numeric otherwise.
 *
 * @param joint the joint rows [rows, dim + contextDim] and their column names
 * @param dataColumns the names of the data columns x
 * @param context the context's source columns, in order
 */
public record ConditionalTable(Dataset joint, List<String> dataColumns, List<ContextColumn> context) {

    /** Most distinct integers of a context column read as categorical. */
    public static final int MAX_INTEGER_LEVELS = 10;

    /** Most levels of a text context column. */
    public static final int MAX_LEVELS = 1000;

    /** Columns of x. */
    public int dim() {
        return dataColumns.size();
    }

    /** Context values per row (one-hot levels counted one each). */
    public int contextDim() {
        return contextDim(context);
    }

    /** Context values per row of these context columns. */
    public static int contextDim(List<ContextColumn> context) {
        return context.stream().mapToInt(ContextColumn::width).sum();
    }

    /**
     * Reads a table for training: the data columns (those named, else every column but the excluded
     * and the context ones) and the context columns, which may hold text. Toy data sets have no
     * context columns.
     *
     * @throws DataException naming a missing column, a column both data and context, a context
     *     column with one level, or a bad cell
     */
    public static ConditionalTable read(
            String spec,
            List<String> columns,
            List<String> exclude,
            List<String> contextNames,
            MissingValues missing,
            LongConsumer dropped) {
        if (DataFiles.isToy(spec)) {
            throw new DataException("a toy data set has no context columns; give a table with --data");
        }
        List<String> header = header(spec);
        for (String c : contextNames) {
            if (!header.contains(c)) {
                throw new DataException(spec + ": no context column '" + c + "'; columns are " + header);
            }
        }
        List<String> data = new ArrayList<>();
        // names or 0-based indices, as CsvRows takes them; the model keeps the header's names
        columns = columns == null ? null : headerNames(spec, header, columns, "");
        exclude = exclude == null ? null : headerNames(spec, header, exclude, " to exclude");
        if (columns != null && !columns.isEmpty()) {
            data.addAll(columns);
        } else {
            for (String h : header) {
                if (!contextNames.contains(h) && (exclude == null || !exclude.contains(h))) {
                    data.add(h);
                }
            }
            if (exclude != null) {
                for (String e : exclude) {
                    if (!header.contains(e)) {
                        throw new DataException(spec + ": no column '" + e + "' to exclude; columns are " + header);
                    }
                }
            }
        }
        for (String c : contextNames) {
            if (data.contains(c)) {
                throw new DataException(spec + ": the column '" + c + "' is both a data column and a context column");
            }
        }
        if (data.isEmpty()) {
            throw new DataException(spec + ": no data column is left besides the context " + contextNames);
        }
        List<ContextColumn> context = scanContext(spec, contextNames, missing);
        Dataset raw = readRaw(spec, data, context, missing, dropped);
        return new ConditionalTable(expand(raw, data.size(), context), List.copyOf(data), context);
    }

    /** Column choices (names, or 0-based indices of columns no header name matches) as the header's names. */
    private static List<String> headerNames(String spec, List<String> header, List<String> chosen, String what) {
        List<String> out = new ArrayList<>();
        for (String c : chosen) {
            String name = c.strip();
            if (!header.contains(name) && name.matches("\\d{1,9}") && Integer.parseInt(name) < header.size()) {
                name = header.get(Integer.parseInt(name));
            }
            if (!header.contains(name)) {
                throw new DataException(spec + ": no column '" + c + "'" + what + "; columns are " + header);
            }
            out.add(name);
        }
        return out;
    }

    /**
     * A numeric table in memory made conditional: the named columns become the context (an
     * integer column of 2 to {@value #MAX_INTEGER_LEVELS} distinct values categorical, any other
     * numeric), the others the data, in table order.
     *
     * @throws DataException naming a context column the table does not have
     */
    public static ConditionalTable of(Dataset table, List<String> contextNames) {
        List<String> data = new ArrayList<>(table.columns());
        for (String c : contextNames) {
            if (!data.remove(c)) {
                throw new DataException(
                        table.source() + ": no context column '" + c + "'; columns are " + table.columns());
            }
        }
        if (data.isEmpty()) {
            throw new DataException(table.source() + ": no data column is left besides the context " + contextNames);
        }
        List<String> all = new ArrayList<>(data);
        all.addAll(contextNames);
        int w = all.size();
        int[] from = all.stream().mapToInt(table.columns()::indexOf).toArray();
        double[] v = NativeArrays.toArray(table.values());
        double[] raw = new double[table.rows() * w];
        for (int r = 0; r < table.rows(); r++) {
            for (int j = 0; j < w; j++) {
                raw[r * w + j] = v[r * table.dim() + from[j]];
            }
        }
        Map<String, ToDoubleFunction<String>> scan = new HashMap<>();
        List<ContextColumn> context = scanContext(table.source(), contextNames, scan, () -> {
            for (int r = 0; r < table.rows(); r++) {
                for (int i = 0; i < contextNames.size(); i++) {
                    record(scan.get(contextNames.get(i)), Double.toString(raw[r * w + data.size() + i]));
                }
            }
        });
        codeLevels(raw, table.rows(), data.size(), context, table.source());
        Dataset rawSet =
                new Dataset(Nd4j.create(raw, new long[] {table.rows(), w}, DataType.DOUBLE), all, table.source());
        return new ConditionalTable(expand(rawSet, data.size(), context), List.copyOf(data), context);
    }

    /**
     * Reads rows to score with a conditional model: its data columns by name and its context
     * columns, encoded as in training.
     *
     * @return joint rows [rows, dim + contextDim]
     * @throws DataException naming a column the file lacks or a level the model does not know
     */
    public static Dataset readForModel(
            String spec,
            List<String> dataColumns,
            List<ContextColumn> context,
            MissingValues missing,
            LongConsumer dropped) {
        requireColumns(spec, header(spec), dataColumns, context);
        return expand(readRaw(spec, dataColumns, context, missing, dropped), dataColumns.size(), context);
    }

    /**
     * The rows {@link #readForModel} would read, as a stream the caller closes: a CSV/TSV file a
     * chunk at a time (any size, constant memory), an .npy file whole.
     */
    public static RowSource openForModel(String spec, List<String> dataColumns, List<ContextColumn> context) {
        if (!isCsv(spec)) {
            return RowSource.of(readForModel(spec, dataColumns, context, MissingValues.FAIL, d -> {})
                    .values());
        }
        CsvRows rows = CsvRows.open(Path.of(spec));
        try {
            requireColumns(spec, rows.header(), dataColumns, context);
            List<String> all = new ArrayList<>(dataColumns);
            Map<String, ToDoubleFunction<String>> coders = new HashMap<>();
            for (ContextColumn c : context) {
                all.add(c.name());
                if (c.categorical()) {
                    coders.put(c.name(), c::code);
                }
            }
            rows.select(all).coders(coders);
        } catch (RuntimeException e) {
            rows.close();
            throw e;
        }
        int dim = dataColumns.size();
        int raw = dim + context.size();
        int width = dim + contextDim(context);
        return new RowSource() {
            private double[] buffer = new double[0];

            @Override
            public int dim() {
                return width;
            }

            @Override
            public int read(double[] out, int maxRows) {
                if (buffer.length < maxRows * raw) {
                    buffer = new double[maxRows * raw];
                }
                int n = rows.read(buffer, maxRows);
                for (int r = 0; r < n; r++) {
                    expandRow(buffer, r * raw, dim, context, out, r * width);
                }
                return n;
            }

            @Override
            public void close() {
                rows.close();
            }
        };
    }

    private static void requireColumns(
            String spec, List<String> header, List<String> dataColumns, List<ContextColumn> context) {
        List<String> absent = new ArrayList<>();
        for (String c : dataColumns) {
            if (!header.contains(c)) {
                absent.add(c);
            }
        }
        for (ContextColumn c : context) {
            if (!header.contains(c.name())) {
                absent.add(c.name());
            }
        }
        if (!absent.isEmpty()) {
            throw new DataException(spec + ": the model needs the column"
                    + (absent.size() == 1 ? " '" + absent.get(0) + "'" : "s " + absent) + ", which the header " + header
                    + " does not have (a conditional model reads"
                    + " its data columns " + dataColumns + " and context columns "
                    + context.stream().map(ContextColumn::name).toList() + " by name)");
        }
    }

    /**
     * The context values of one row from {@code name=value} settings, one per context column (a
     * numeric column's number, a categorical column's level).
     *
     * @throws IllegalArgumentException naming a column that is not set, one that is not a context
     *     column, a number that is not one, or an unknown level
     */
    public static double[] encode(List<ContextColumn> context, Map<String, String> values) {
        Set<String> known = new LinkedHashSet<>();
        context.forEach(c -> known.add(c.name()));
        for (String k : values.keySet()) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException("'" + k + "' is not a context column; the model's are " + known);
            }
        }
        double[] out = new double[contextDim(context)];
        int at = 0;
        for (ContextColumn c : context) {
            String v = values.get(c.name());
            if (v == null) {
                throw new IllegalArgumentException("no value for the context column '" + c.name() + "' (give "
                        + c.name() + "=" + (c.categorical() ? "one of " + c.levels() : "a number") + ")");
            }
            double value;
            if (c.categorical()) {
                value = c.code(v);
            } else {
                if (!CsvRows.isNumber(v.strip()) || !Double.isFinite(Double.parseDouble(v.strip()))) {
                    throw new IllegalArgumentException(
                            "the context column '" + c.name() + "' takes a finite number, got '" + v + "'");
                }
                value = Double.parseDouble(v.strip());
            }
            c.encode(value, out, at);
            at += c.width();
        }
        return out;
    }

    private static List<String> header(String spec) {
        if (!isCsv(spec)) {
            return DataFiles.read(spec, null, null).columns();
        }
        try (CsvRows rows = CsvRows.open(Path.of(spec))) {
            return rows.header();
        }
    }

    private static boolean isCsv(String spec) {
        String lower = spec.toLowerCase(Locale.ROOT);
        return lower.endsWith(".csv") || lower.endsWith(".tsv") || lower.endsWith(".txt");
    }

    /**
     * Which context columns are categorical, and their levels, by the rules of {@link #read}, from
     * the distinct cells of each column as text (a data frame's distinct values: numbers as Java
     * writes them, text as it is; nulls left out).
     *
     * @param cells per context column, its distinct cells (at most {@value #MAX_LEVELS} + 1 are needed)
     * @throws DataException for a column of one value, or of more than {@value #MAX_LEVELS} text levels
     */
    public static List<ContextColumn> contextColumns(
            String source, List<String> names, List<? extends java.util.Collection<String>> cells) {
        Map<String, ToDoubleFunction<String>> scan = new HashMap<>();
        try {
            return scanContext(source, names, scan, () -> {
                for (int i = 0; i < names.size(); i++) {
                    for (String cell : cells.get(i)) {
                        record(scan.get(names.get(i)), cell);
                    }
                }
            });
        } catch (IllegalArgumentException e) {
            throw new DataException(source + ": " + e.getMessage());
        }
    }

    /**
     * Feeds one cell to a context column's scanner for what it records (the column's levels); the
     * value it returns is not needed during the scan.
     */
    private static void record(ToDoubleFunction<String> scanner, String cell) {
        double unused = scanner.applyAsDouble(cell);
    }

    /** One pass over the context columns of a file: which are categorical, and their levels. */
    private static List<ContextColumn> scanContext(String spec, List<String> names, MissingValues missing) {
        Map<String, ToDoubleFunction<String>> scan = new HashMap<>();
        return scanContext(spec, names, scan, () -> {
            if (isCsv(spec)) {
                CsvReader.read(Path.of(spec), names, missing, d -> {}, scan);
            } else {
                Dataset d = DataFiles.read(spec, names, null);
                double[] v = NativeArrays.toArray(d.values());
                for (int r = 0; r < d.rows(); r++) {
                    for (int i = 0; i < names.size(); i++) {
                        record(scan.get(names.get(i)), Double.toString(v[r * names.size() + i]));
                    }
                }
            }
        });
    }

    /**
     * Which context columns are categorical, and their levels: {@code scan} is filled with one
     * recording coder per column, then {@code pass} feeds every cell through them.
     */
    private static List<ContextColumn> scanContext(
            String spec, List<String> names, Map<String, ToDoubleFunction<String>> scan, Runnable pass) {
        int k = names.size();
        List<Set<String>> seen = new ArrayList<>();
        boolean[] text = new boolean[k];
        boolean[] integer = new boolean[k];
        java.util.Arrays.fill(integer, true);
        for (int i = 0; i < k; i++) {
            Set<String> levels = new LinkedHashSet<>();
            seen.add(levels);
            int col = i;
            String name = names.get(i);
            scan.put(name, cell -> {
                String level = ContextColumn.canonical(cell);
                boolean number = CsvRows.isNumber(level);
                if (!number) {
                    text[col] = true;
                } else if (!level.matches("[+-]?\\d+")) {
                    integer[col] = false;
                }
                if (levels.size() <= MAX_LEVELS) {
                    levels.add(level);
                }
                if (text[col] && levels.size() > MAX_LEVELS) {
                    throw new IllegalArgumentException("the context column '" + name + "' has more than " + MAX_LEVELS
                            + " distinct text values: it is not a categorical column");
                }
                return 0;
            });
        }
        pass.run();
        List<ContextColumn> out = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            Set<String> levels = seen.get(i);
            boolean categorical = text[i] || integer[i] && levels.size() >= 2 && levels.size() <= MAX_INTEGER_LEVELS;
            if (!categorical) {
                out.add(ContextColumn.numeric(names.get(i)));
                continue;
            }
            List<String> sorted = new ArrayList<>(levels);
            if (!text[i]) {
                sorted.sort(java.util.Comparator.comparingLong(Long::parseLong));
            } else {
                sorted.sort(null);
            }
            if (sorted.size() < 2) {
                throw new DataException(spec + ": the context column '" + names.get(i) + "' has one value ("
                        + (sorted.isEmpty() ? "none" : sorted.get(0)) + "): it tells the flow nothing");
            }
            out.add(new ContextColumn(names.get(i), sorted));
        }
        return out;
    }

    /** The data columns as numbers and the context columns as numbers or level codes, [rows, dim + columns]. */
    private static Dataset readRaw(
            String spec, List<String> data, List<ContextColumn> context, MissingValues missing, LongConsumer dropped) {
        List<String> all = new ArrayList<>(data);
        context.forEach(c -> all.add(c.name()));
        if (isCsv(spec)) {
            Map<String, ToDoubleFunction<String>> coders = new HashMap<>();
            for (ContextColumn c : context) {
                if (c.categorical()) {
                    coders.put(c.name(), c::code);
                }
            }
            return CsvReader.read(Path.of(spec), all, missing, dropped, coders);
        }
        Dataset d = DataFiles.read(spec, all, null, missing, dropped);
        double[] v = NativeArrays.toArray(d.values());
        codeLevels(v, d.rows(), data.size(), context, spec);
        return new Dataset(Nd4j.create(v, new long[] {d.rows(), all.size()}, DataType.DOUBLE), all, d.source());
    }

    /** Replaces the categorical context values of numeric raw rows [x | context] by their level codes. */
    private static void codeLevels(double[] v, int rows, int dim, List<ContextColumn> context, String source) {
        int w = dim + context.size();
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < context.size(); i++) {
                ContextColumn c = context.get(i);
                if (c.categorical()) {
                    int at = r * w + dim + i;
                    try {
                        v[at] = c.code(Double.toString(v[at]));
                    } catch (IllegalArgumentException e) {
                        throw new DataException(source + ", row " + r + ": " + e.getMessage());
                    }
                }
            }
        }
    }

    /** One raw row [x | context source values] from {@code from} to a joint row [x | encoded context] at {@code to}. */
    private static void expandRow(double[] raw, int from, int dim, List<ContextColumn> context, double[] out, int to) {
        System.arraycopy(raw, from, out, to, dim);
        int at = to + dim;
        for (int i = 0; i < context.size(); i++) {
            ContextColumn c = context.get(i);
            c.encode(raw[from + dim + i], out, at);
            at += c.width();
        }
    }

    /**
     * The context columns with the training rows of each level of the categorical ones, counted in
     * joint rows [x | c] of the flow's space (a one-hot value is above 0 there exactly when its
     * indicator is 1, standardised or not).
     */
    public static List<ContextColumn> withCounts(
            List<ContextColumn> context, org.nd4j.linalg.api.ndarray.INDArray trainingRows, int dim) {
        double[] v = NativeArrays.toArray(trainingRows.castTo(DataType.DOUBLE).dup('c'));
        int w = trainingRows.columns();
        List<ContextColumn> out = new ArrayList<>();
        int at = dim;
        for (ContextColumn c : context) {
            if (c.categorical()) {
                long[] counts = new long[c.width()];
                for (int r = 0; r < trainingRows.rows(); r++) {
                    for (int k = 0; k < c.width(); k++) {
                        if (v[r * w + at + k] > 0) {
                            counts[k]++;
                        }
                    }
                }
                for (int k = 0; k < counts.length; k++) {
                    if (counts[k] == 0) {
                        StringBuilder per = new StringBuilder();
                        for (int j = 0; j < counts.length; j++) {
                            per.append(j == 0 ? "" : ", ")
                                    .append(c.levels().get(j))
                                    .append(": ")
                                    .append(counts[j]);
                        }
                        throw new DataException("the level '" + c.levels().get(k) + "' of the context column '"
                                + c.name() + "' has no training rows (training rows per level: " + per + "); a flow "
                                + "cannot learn it: give more rows of it, or leave its rows out");
                    }
                }
                out.add(c.withCounts(java.util.Arrays.stream(counts).boxed().toList()));
            } else {
                out.add(c);
            }
            at += c.width();
        }
        return out;
    }

    /** Raw rows [x | context source values] to joint rows [x | encoded context]. */
    private static Dataset expand(Dataset raw, int dim, List<ContextColumn> context) {
        int rows = raw.rows();
        int w = raw.dim();
        int cd = contextDim(context);
        double[] v = NativeArrays.toArray(raw.values());
        double[] out = new double[rows * (dim + cd)];
        for (int r = 0; r < rows; r++) {
            expandRow(v, r * w, dim, context, out, r * (dim + cd));
        }
        List<String> names = new ArrayList<>(raw.columns().subList(0, dim));
        context.forEach(c -> names.addAll(c.valueNames()));
        return new Dataset(Nd4j.create(out, new long[] {rows, dim + cd}, DataType.DOUBLE), names, raw.source());
    }
}
