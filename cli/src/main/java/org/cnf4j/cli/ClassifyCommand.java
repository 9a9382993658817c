package org.cnf4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.cnf4j.data.ContextColumn;
import org.cnf4j.data.CsvRows;
import org.cnf4j.data.DataException;
import org.cnf4j.data.DataFiles;
import org.cnf4j.data.Dataset;
import org.cnf4j.data.MissingValues;
import org.cnf4j.io.LoadedModel;
import org.cnf4j.io.ModelFile;
import org.cnf4j.linalg.NativeArrays;
import org.cnf4j.train.Evaluation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code cnf classify}: a conditional flow on a categorical context used as a generative
 * classifier, {@code p(c | x) = p(x | c) pi_c / sum_k p(x | k) pi_k}.
 */
@Command(
        name = "classify",
        mixinStandardHelpOptions = true,
        versionProvider = CnfCommand.Version.class,
        sortOptions = false,
        description = {
            "Classifies rows with a flow conditioned on a categorical column (trained with --context LABEL): "
                    + "p(label | x) by Bayes' rule from the flow's p(x | label) and the labels' shares in the "
                    + "training rows. Writes one probability column per label level (p_LEVEL) and the most "
                    + "probable level (predicted).",
            "When the input has the label column too, prints the accuracy and the log loss (mean -log p(true "
                    + "label | x), nats)."
        })
public final class ClassifyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Mixin
    EvaluationOptions evaluation = new EvaluationOptions();

    @Option(
            names = "--model",
            required = true,
            description = "A conditional model file whose context is one " + "categorical column.")
    Path model;

    @Option(
            names = "--input",
            required = true,
            description = "Rows to classify: a .csv/.tsv (header row) or .npy "
                    + "file with the model's columns, read by name.")
    String input;

    @Option(names = "--label", required = true, description = "The model's categorical context column (the class).")
    String label;

    @Option(
            names = "--output",
            description = "CSV file to write: p_LEVEL per level and predicted, rows in input order.")
    Path output;

    @Option(
            names = "--dequantize",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "For models trained on dequantised integers: add uniform noise as in training, the same "
                    + "for every class (default: ${DEFAULT-VALUE}).")
    boolean dequantize;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description = "Seed of the trace and dequantisation noise " + "(default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        CsvOutput.checkName("--output", output);
        OutputPaths.check("--output", output, model, Path.of(input));
        LoadedModel m = ModelFile.load(model);
        List<ContextColumn> context = m.metadata().context();
        if (context.size() != 1
                || !context.get(0).categorical()
                || !context.get(0).name().equals(label)) {
            throw new ParameterException(
                    spec.commandLine(),
                    context.isEmpty()
                            ? model + " is not a conditional model; train one with --context " + label
                            : "--label must name the model's one categorical context column; the model's context is "
                                    + context.stream()
                                            .map(c -> c.name() + (c.categorical() ? " (categorical)" : " (numeric)"))
                                            .toList());
        }
        ContextColumn classes = context.get(0);
        evaluation.apply(m.flow());
        m.flow().setSeed(seed);
        int levels = classes.width();
        List<String> columns = m.metadata().columns();
        int dim = columns.size();
        Dataset x = DataFiles.readForModel(input, columns, null, MissingValues.FAIL, d -> {});
        int[] truth = trueLabels(classes);
        if (truth != null && truth.length != x.rows()) {
            throw new DataException(input + ": the label column has " + truth.length + " rows, the data " + x.rows());
        }
        double[] logPrior = logPriors(classes);
        int n = x.rows();
        double[][] joint = new double[n][levels];
        double[] values = NativeArrays.toArray(x.values());
        if (dequantize && m.metadata().dequantized()) {
            java.util.SplittableRandom noise = org.cnf4j.flow.RandomStreams.stream(seed, "dequantize-input");
            for (int i = 0; i < values.length; i++) {
                values[i] += noise.nextDouble();
            }
        }
        try (Progress.Task task =
                new Progress.Task(Progress.mode(common), spec.commandLine().getErr(), "classify")) {
            for (int k = 0; k < levels; k++) {
                double[] rows = new double[n * (dim + levels)];
                for (int r = 0; r < n; r++) {
                    System.arraycopy(values, r * dim, rows, r * (dim + levels), dim);
                    rows[r * (dim + levels) + dim + k] = 1;
                }
                INDArray logp = Evaluation.logProb(
                                m.flow(),
                                m.metadata().standardizer(),
                                Nd4j.create(rows, new long[] {n, dim + levels}, DataType.DOUBLE))
                        .logProb();
                for (int r = 0; r < n; r++) {
                    joint[r][k] = logp.getDouble(r) + logPrior[k];
                }
                task.progress(k + 1, levels);
            }
        }
        double[][] posterior = new double[n][];
        int[] predicted = new int[n];
        for (int r = 0; r < n; r++) {
            posterior[r] = softmax(joint[r]);
            for (int k = 1; k < levels; k++) {
                if (posterior[r][k] > posterior[r][predicted[r]]) {
                    predicted[r] = k;
                }
            }
        }
        if (output != null) {
            List<String> header = new ArrayList<>();
            classes.levels().forEach(l -> header.add("p_" + l));
            header.add("predicted");
            CsvOutput.write(
                    output,
                    header,
                    csv -> {
                        for (int r = 0; r < n; r++) {
                            List<String> cells = new ArrayList<>();
                            for (double p : posterior[r]) {
                                cells.add(Double.toString(p));
                            }
                            cells.add(classes.levels().get(predicted[r]));
                            csv.row(cells);
                        }
                    },
                    spec.commandLine().getOut());
        }
        PrintWriter out = CsvOutput.isStdout(output)
                ? spec.commandLine().getErr()
                : spec.commandLine().getOut();
        out.printf(Locale.ROOT, "classified %d rows into %d classes of '%s'%n", n, levels, label);
        if (truth != null) {
            int right = 0;
            double logLoss = 0;
            for (int r = 0; r < n; r++) {
                right += predicted[r] == truth[r] ? 1 : 0;
                logLoss -= Math.log(Math.max(posterior[r][truth[r]], Double.MIN_NORMAL));
            }
            out.printf(
                    Locale.ROOT,
                    "accuracy: %.4f (%d of %d)%nlog loss: %.4f nats%n",
                    (double) right / n,
                    right,
                    n,
                    logLoss / n);
        }
        if (output != null) {
            out.printf("probabilities written to %s%n", CsvOutput.isStdout(output) ? "standard output" : output);
        }
        out.flush();
        return 0;
    }

    /**
     * log pi_k: the levels' shares in the training rows (equal shares when the model file has no
     * counts); a level without training rows (a model file from before they were refused) is refused.
     */
    static double[] logPriors(ContextColumn classes) {
        int levels = classes.width();
        double[] out = new double[levels];
        long total = classes.counts().stream().mapToLong(Long::longValue).sum();
        for (int k = 0; k < levels; k++) {
            classes.requireTrained(k);
            out[k] = total > 0 ? Math.log((double) classes.counts().get(k) / total) : -Math.log(levels);
        }
        return out;
    }

    /** exp(a - logsumexp(a)). */
    static double[] softmax(double[] a) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : a) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] out = new double[a.length];
        for (int k = 0; k < a.length; k++) {
            out[k] = Math.exp(a[k] - max);
            sum += out[k];
        }
        for (int k = 0; k < a.length; k++) {
            out[k] /= sum;
        }
        return out;
    }

    /** The label column's level codes when the input has it (a CSV table), else null. */
    private int[] trueLabels(ContextColumn classes) {
        String lower = input.toLowerCase(Locale.ROOT);
        if (!(lower.endsWith(".csv") || lower.endsWith(".tsv") || lower.endsWith(".txt"))) {
            List<String> names = DataFiles.read(input, null, null).columns();
            if (!names.contains(label)) {
                return null;
            }
            double[] v = NativeArrays.toArray(
                    DataFiles.read(input, List.of(label), null).values());
            int[] out = new int[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = classes.code(Double.toString(v[i]));
            }
            return out;
        }
        try (CsvRows rows = CsvRows.open(Path.of(input))) {
            if (!rows.header().contains(label)) {
                return null;
            }
            rows.select(List.of(label)).coders(java.util.Map.of(label, classes::code));
            List<Integer> codes = new ArrayList<>();
            double[] buf = new double[4096];
            int got;
            while ((got = rows.read(buf, buf.length)) > 0) {
                for (int i = 0; i < got; i++) {
                    codes.add((int) buf[i]);
                }
            }
            return codes.stream().mapToInt(Integer::intValue).toArray();
        }
    }
}
