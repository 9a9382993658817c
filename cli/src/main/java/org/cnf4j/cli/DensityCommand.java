package org.cnf4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.cnf4j.data.DataException;
import org.cnf4j.data.DataFiles;
import org.cnf4j.data.RowSource;
import org.cnf4j.flow.RandomStreams;
import org.cnf4j.io.LoadedModel;
import org.cnf4j.io.ModelFile;
import org.cnf4j.ode.SolverStats;
import org.cnf4j.train.Evaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cnf density}: log p of every row of a file under a model. */
@Command(
        name = "density",
        mixinStandardHelpOptions = true,
        versionProvider = CnfCommand.Version.class,
        sortOptions = false,
        description = {
            "Computes log p(x) in nats for every row of the input (in the data's units, the standardiser's "
                    + "log-Jacobian included) and prints the mean negative log-likelihood.",
            "A CSV/TSV file's columns are matched to the model's by name (--columns maps others, in the "
                    + "model's order); an .npy file's columns are taken in order. For a conditional model, log p(x | context): the file "
                    + "holds the model's columns and its context columns, read by name."
        })
public final class DensityCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Mixin
    EvaluationOptions evaluation = new EvaluationOptions();

    @Option(names = "--model", required = true, description = "Model file.")
    Path model;

    @Option(
            names = "--input",
            required = true,
            description = "Rows to evaluate: a .csv/.tsv (header row, read a "
                    + "chunk at a time, any size) or .npy file (read whole).")
    String input;

    @Option(names = "--columns", split = ",", description = "Input columns to use, in the model's order.")
    List<String> columns;

    @Option(names = "--output", description = "CSV file to write, one column 'logp', rows in input order.")
    Path output;

    @Option(names = "--bits-per-dim", description = "Also print bits per dimension.")
    boolean bitsPerDim;

    @Option(
            names = "--dequantize",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "For models trained on dequantised integers: add uniform noise as in training "
                    + "(default: ${DEFAULT-VALUE}).")
    boolean dequantize;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description = "Seed of trace and dequantisation noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        CsvOutput.checkName("--output", output);
        OutputPaths.check("--output", output, model, Path.of(input));
        LoadedModel m = ModelFile.load(model);
        evaluation.apply(m.flow());
        m.flow().setSeed(seed);
        boolean addNoise = dequantize && m.metadata().dequantized();
        double[] nllSum = {0};
        double[] nllSquares = {0};
        long[] rowCount = {0};
        SolverStats stats;
        try (RowSource rows = DataFiles.openForModel(
                input, m.metadata().columns(), m.metadata().context(), columns)) {
            RowSource checked = m.metadata().context().isEmpty() ? rows : contextsChecked(rows, m);
            RowSource scored = addNoise
                    ? dequantized(
                            checked,
                            m.flow().dim(),
                            m.metadata().columns(),
                            RandomStreams.stream(seed, "dequantize-input"))
                    : checked;
            Evaluation.Sink totals = (start, logp) -> {
                for (double v : logp) {
                    nllSum[0] -= v;
                    nllSquares[0] += v * v;
                }
                rowCount[0] += logp.length;
            };
            if (output == null) {
                stats = scoreAll(m, scored, totals);
            } else {
                SolverStats[] written = new SolverStats[1];
                // the sink cannot throw IOException: it is carried out unchecked and thrown again inside
                // the write, so that AtomicFiles names the file and removes the temporary one
                CsvOutput.write(
                        output,
                        List.of("logp"),
                        csv -> {
                            try {
                                written[0] = scoreAll(m, scored, (start, logp) -> {
                                    try {
                                        for (double v : logp) {
                                            csv.row(v);
                                        }
                                    } catch (IOException e) {
                                        throw new UncheckedIOException(e);
                                    }
                                    totals.accept(start, logp);
                                });
                            } catch (UncheckedIOException e) {
                                throw e.getCause();
                            }
                        },
                        spec.commandLine().getOut());
                stats = written[0];
            }
        }
        PrintWriter out = CsvOutput.isStdout(output)
                ? spec.commandLine().getErr()
                : spec.commandLine().getOut();
        double nll = nllSum[0] / rowCount[0];
        String error = "";
        if (!m.flow().traceEstimator().isExact() && rowCount[0] > 1) {
            // the spread of the rows' estimates holds both the data's spread and the estimator's noise
            double variance = (nllSquares[0] - rowCount[0] * nll * nll) / (rowCount[0] - 1);
            error = String.format(
                    Locale.ROOT,
                    " +- %.6f (standard error; trace by %s)",
                    Math.sqrt(Math.max(variance, 0) / rowCount[0]),
                    m.flow().traceEstimator());
        }
        out.printf(
                Locale.ROOT,
                "mean NLL: %.6f%s nats over %d rows%s%n",
                nll,
                error,
                rowCount[0],
                addNoise ? " (dequantised)" : "");
        if (bitsPerDim || m.metadata().dequantized()) {
            out.printf(
                    Locale.ROOT,
                    "bits per dimension: %.6f%n",
                    Evaluation.bitsPerDim(nll, m.flow().dim()));
        }
        out.printf("function evaluations: %d%n", stats.functionEvaluations());
        if (output != null && !CsvOutput.isStdout(output)) {
            out.printf("log-densities written to %s%n", output);
        }
        out.flush();
        return 0;
    }

    /** Scores every row (streamed, a chunk at a time); an input without rows is an error. */
    private SolverStats scoreAll(LoadedModel m, RowSource rows, Evaluation.Sink sink) {
        long[] seen = {0};
        long total = Math.max(1, estimatedRows(input));
        SolverStats stats;
        try (Progress.Task task =
                new Progress.Task(Progress.mode(common), spec.commandLine().getErr(), "density")) {
            stats = Evaluation.score(m.flow(), m.metadata().standardizer(), rows, true, (start, logp) -> {
                seen[0] += logp.length;
                task.progress(Math.min(seen[0], total), Math.max(total, seen[0]));
                sink.accept(start, logp);
            });
        }
        if (seen[0] == 0) {
            throw new DataException(input + ": no data rows after the header");
        }
        return stats;
    }

    /** Work done on each chunk of rows as it is read: {@code n} rows of the input from row {@code first}, in {@code out}. */
    private interface ChunkStep {
        void apply(double[] out, int n, long first);
    }

    /** The rows, each chunk passed through {@code step} as it is read. */
    private static RowSource withStep(RowSource rows, ChunkStep step) {
        return new RowSource() {
            private long read;

            @Override
            public int dim() {
                return rows.dim();
            }

            @Override
            public int read(double[] out, int maxRows) {
                int n = rows.read(out, maxRows);
                step.apply(out, n, read);
                read += n;
                return n;
            }
        };
    }

    /** The rows, with one warning when a numeric context lies far outside the training rows' ({@link org.cnf4j.data.ContextRange}). */
    private RowSource contextsChecked(RowSource rows, LoadedModel m) {
        int dim = m.flow().dim();
        int width = rows.dim();
        int cd = width - dim;
        PrintWriter err = spec.commandLine().getErr();
        boolean[] warned = {false};
        return withStep(rows, (out, n, first) -> {
            if (warned[0] || n == 0) {
                return;
            }
            double[] contexts = new double[n * cd];
            for (int i = 0; i < n; i++) {
                System.arraycopy(out, i * width + dim, contexts, i * cd, cd);
            }
            String far = org.cnf4j.data.ContextRange.farOutside(
                    m.metadata().context(), m.metadata().standardizer(), dim, contexts);
            if (far != null) {
                err.println("warning: " + far);
                err.flush();
                warned[0] = true;
            }
        });
    }

    /**
     * The rows a data file holds, for the progress display: a CSV/TSV file's line breaks less the
     * header (a quoted line break counts too, so it may overstate); 0 for an .npy file or one that
     * cannot be read (the display then counts rows without a total).
     */
    static long estimatedRows(String input) {
        java.nio.file.Path file = java.nio.file.Path.of(input);
        String lower = input.toLowerCase(Locale.ROOT);
        try {
            if (lower.endsWith(".npy")) {
                return 0;
            }
            long lines = 0;
            try (java.io.InputStream in =
                    new java.io.BufferedInputStream(java.nio.file.Files.newInputStream(file), 1 << 16)) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) {
                    for (int i = 0; i < n; i++) {
                        if (buf[i] == '\n') {
                            lines++;
                        }
                    }
                }
            }
            return Math.max(0, lines - 1);
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * The rows with uniform [0, 1) noise added to every value of the first {@code dim} columns (not
     * a context), in reading order; a value that is not an integer is refused (the model was
     * trained on integers, so such a row has no meaning to it, and bits/dim would mislead).
     */
    private RowSource dequantized(RowSource rows, int dim, List<String> names, SplittableRandom noise) {
        int width = rows.dim();
        return withStep(rows, (out, n, first) -> {
            for (int i = 0; i < n * width; i++) {
                int column = i % width;
                if (column < dim) {
                    if (out[i] != Math.rint(out[i])) {
                        throw new DataException(String.format(
                                Locale.ROOT,
                                "%s, data row %d, column '%s': %s is not an "
                                        + "integer; the model was trained on dequantised integers (score the values as they are "
                                        + "with --no-dequantize)",
                                input,
                                first + i / width + 1,
                                names.get(column),
                                out[i]));
                    }
                    out[i] += noise.nextDouble();
                }
            }
        });
    }
}
