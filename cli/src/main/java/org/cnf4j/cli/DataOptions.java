package org.cnf4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.cnf4j.TrainOptions;
import org.cnf4j.data.ColumnChecks;
import org.cnf4j.data.DataFiles;
import org.cnf4j.data.Dataset;
import org.cnf4j.data.MissingValues;
import org.cnf4j.data.ToyDataset;
import org.cnf4j.data.TrainingData;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options that name training data and split it (shared by {@code cnf train} and
 * {@code cnf baselines}, so both see exactly the same rows for a seed).
 */
public final class DataOptions {

    @Option(names = "--data", required = true, description = "Toy data set name or data file.")
    String data;

    @Option(
            names = "--columns",
            split = ",",
            description = "Columns of a data file to use (names or 0-based "
                    + "indices); the others are not read, so they may hold text.")
    List<String> columns;

    @Option(
            names = "--exclude-columns",
            split = ",",
            description =
                    "Columns of a data file to leave out (e.g. a " + "label or a text column); they are not read.")
    List<String> excludeColumns;

    @Option(
            names = "--context",
            split = ",",
            description = "Columns of a data file to condition on: the flow "
                    + "learns p(x | context) of the other columns. A text column, or one of 2 to 10 distinct integers, is a "
                    + "category (one-hot encoded); any other a number.")
    List<String> context;

    @Option(
            names = "--missing",
            defaultValue = "fail",
            converter = Converters.MissingValuesConverter.class,
            description = "Missing values (empty cells, NA, NaN) in the columns used: fail (naming the first) or "
                    + "drop-rows (default: ${DEFAULT-VALUE}).")
    MissingValues missing;

    @Option(
            names = "--validation-size",
            defaultValue = "1000",
            description = "Toy data: validation samples (default: ${DEFAULT-VALUE}).")
    int validationSize;

    @Option(
            names = "--test-size",
            defaultValue = "10000",
            description = "Toy data: test samples (default: ${DEFAULT-VALUE}).")
    int testSize;

    @Option(
            names = "--validation-fraction",
            defaultValue = "0.1",
            description = "Data files: validation share (default: ${DEFAULT-VALUE}).")
    double validationFraction;

    @Option(
            names = "--test-fraction",
            defaultValue = "0.1",
            description = "Data files: test share (default: ${DEFAULT-VALUE}).")
    double testFraction;

    @Option(
            names = "--test-data",
            description = "Data files: test on the rows of this file (the same columns, "
                    + "read by name) instead of a test split; --test-fraction is then 0.")
    String testData;

    @Option(
            names = "--validation-data",
            description = "Data files: validate on the rows of this file (the same "
                    + "columns, read by name) instead of a validation split; --validation-fraction is then 0.")
    String validationData;

    @Option(
            names = "--dequantize",
            description = "Data files of integers: add uniform [0, 1) noise (reports bits/dim).")
    boolean dequantize;

    @Option(
            names = "--standardize",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description =
                    "Data files: standardise columns with the training rows' mean and std (default: ${DEFAULT-VALUE}).")
    boolean standardize;

    /** The data's columns once {@link #load} has run (without the context columns). */
    List<String> loadedColumns;

    /** The context columns once {@link #load} has run (empty for an unconditional flow). */
    List<org.cnf4j.data.ContextColumn> loadedContext = List.of();

    /** Context values per row once {@link #load} has run. */
    int contextDim() {
        return org.cnf4j.data.ConditionalTable.contextDim(loadedContext);
    }

    /**
     * Prints a warning for each column that looks like a class label
     * ({@link ColumnChecks#labelLike}), with the option that leaves it out.
     */
    public static void warnLabels(PrintWriter err, org.nd4j.linalg.api.ndarray.INDArray values, List<String> names) {
        ColumnChecks.labelLike(values, names)
                .forEach((name, what) -> err.printf(
                        Locale.ROOT,
                        "warning: the column %s looks like a class label, which a flow models as a continuous value; "
                                + "leave it out with --exclude-columns %s, or condition on it with --context %s%n",
                        what,
                        name,
                        name));
    }

    private static boolean allIntegers(org.nd4j.linalg.api.ndarray.INDArray values) {
        for (double v : org.cnf4j.linalg.NativeArrays.toArray(values.dup('c'))) {
            if (v != Math.rint(v)) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return java.nio.file.Files.isSameFile(a, b);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Rows of {@code test} equal, value for value, to a row of {@code table} (same width). */
    private static long sharedRows(
            org.nd4j.linalg.api.ndarray.INDArray table, org.nd4j.linalg.api.ndarray.INDArray test) {
        int d = table.columns();
        if (test.columns() != d) {
            return 0;
        }
        double[] a = org.cnf4j.linalg.NativeArrays.toArray(table.dup('c'));
        double[] b = org.cnf4j.linalg.NativeArrays.toArray(test.dup('c'));
        java.util.Set<java.util.List<Double>> rows = new java.util.HashSet<>();
        for (int i = 0; i < a.length / d; i++) {
            rows.add(java.util.Arrays.stream(a, i * d, (i + 1) * d).boxed().toList());
        }
        long shared = 0;
        for (int i = 0; i < b.length / d; i++) {
            if (rows.contains(
                    java.util.Arrays.stream(b, i * d, (i + 1) * d).boxed().toList())) {
                shared++;
            }
        }
        return shared;
    }

    /** True for a toy generator's name. */
    boolean toy() {
        return DataFiles.isToy(data);
    }

    /**
     * The training data for a seed: a toy generator with its held-out sets, or a file split into
     * training, validation and test rows.
     *
     * @throws ParameterException for a name that is neither a toy set nor a file
     */
    TrainingData load(CommandSpec spec, long seed) {
        return load(spec, addTo(TrainOptions.builder().seed(seed)).build());
    }

    /** The options' builder with this data split (fractions, toy sizes, dequantisation, standardisation). */
    TrainOptions.Builder addTo(TrainOptions.Builder b) {
        return b.validationFraction(validationData != null ? 0 : validationFraction)
                .testFraction(testData != null ? 0 : testFraction)
                .toyValidationRows(validationSize)
                .toyTestRows(testSize)
                .dequantize(dequantize)
                .standardize(standardize);
    }

    /**
     * The training data split as the options say (their seed, fractions and sizes).
     *
     * @throws ParameterException for a name that is neither a toy set nor a file
     */
    TrainingData load(CommandSpec spec, TrainOptions options) {
        boolean toy = toy();
        if (!toy && !data.contains(".") && !Files.exists(Path.of(data))) {
            throw new ParameterException(
                    spec.commandLine(),
                    "unknown toy data set '" + data
                            + "'; expected 8gaussians, checkerboard, 2spirals, pinwheel, rings, moons, circles, swissroll or a "
                            + ".csv/.tsv/.npy file");
        }
        boolean conditional = context != null && !context.isEmpty();
        if (toy && conditional) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--context needs a data file with the context columns; " + "a toy data set has none");
        }
        if (toy && testData != null) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--test-data is for data files; a toy data set draws its " + "test rows (--test-size)");
        }
        if (toy && validationData != null) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--validation-data is for data files; a toy data set "
                            + "draws its validation rows (--validation-size)");
        }
        if (toy) {
            loadedColumns = List.of("x", "y");
            return options.split(ToyDataset.byName(data));
        }
        if (columns != null && !columns.isEmpty() && excludeColumns != null && !excludeColumns.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "give --columns or --exclude-columns, not both");
        }
        long[] dropped = {0};
        Dataset ds;
        if (conditional) {
            org.cnf4j.data.ConditionalTable table = org.cnf4j.data.ConditionalTable.read(
                    data, columns, excludeColumns, context, missing, n -> dropped[0] = n);
            ds = table.joint();
            loadedColumns = table.dataColumns();
            loadedContext = table.context();
        } else {
            ds = DataFiles.read(data, columns, excludeColumns, missing, n -> dropped[0] = n);
            loadedColumns = ds.columns();
        }
        PrintWriter err = spec.commandLine().getErr();
        if (dropped[0] > 0) {
            err.printf(
                    Locale.ROOT,
                    "left out %d of %d rows with a missing value (--missing drop-rows)%n",
                    dropped[0],
                    dropped[0] + ds.rows());
        }
        int cd = contextDim();
        org.nd4j.linalg.api.ndarray.INDArray dataValues = ds.values()
                .get(
                        org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(0, ds.dim() - cd));
        warnLabels(err, dataValues, loadedColumns);
        if (!options.dequantize() && allIntegers(dataValues)) {
            err.printf(
                    Locale.ROOT,
                    "warning: every value of the data columns is an integer; a continuous density can "
                            + "pile up on the integers and its log p is then no likelihood of counts; give --dequantize to "
                            + "model them with uniform noise (bits/dim are then reported)%n");
        }
        if (cd > 0) {
            err.printf(
                    Locale.ROOT,
                    "conditional flow: p(%s | %s), %d context values%n",
                    loadedColumns.size() <= 8 ? String.join(", ", loadedColumns) : loadedColumns.size() + " columns",
                    String.join(", ", context),
                    cd);
        }
        err.flush();
        org.cnf4j.data.TableTrainingData split = (org.cnf4j.data.TableTrainingData) options.split(ds, cd);
        if (validationData != null) {
            split.validateOn(heldOut(
                    err,
                    ds,
                    validationData,
                    "--validation-data",
                    "the validation NLL then "
                            + "measures the fit to the training rows, and the kept checkpoint is the most overfitted"));
        }
        if (testData != null) {
            split.testOn(heldOut(
                    err,
                    ds,
                    testData,
                    "--test-data",
                    "the test NLL then measures the fit to the " + "training rows, not how the flow generalises"));
        }
        return split;
    }

    /** Rows of a held-out file read by the training columns' names, with a warning when they are training rows. */
    private Dataset heldOut(PrintWriter err, Dataset ds, String file, String option, String consequence) {
        Dataset rows = contextDim() > 0
                ? org.cnf4j.data.ConditionalTable.readForModel(file, loadedColumns, loadedContext, missing, n -> {})
                : DataFiles.readForModel(file, loadedColumns, null, missing, n -> {});
        if (sameFile(Path.of(data), Path.of(file))) {
            err.printf(Locale.ROOT, "warning: %s %s is the training file: %s%n", option, file, consequence);
        } else {
            long shared = sharedRows(ds.values(), rows.values());
            if (shared > 0) {
                err.printf(
                        Locale.ROOT,
                        "warning: %d of the %d rows of %s %s are also rows of the training file: %s%n",
                        shared,
                        rows.rows(),
                        option,
                        file,
                        consequence);
            }
        }
        err.flush();
        return rows;
    }
}
