package org.cnf4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.cnf4j.data.Dataset;
import org.cnf4j.flow.RandomStreams;
import org.cnf4j.io.LoadedModel;
import org.cnf4j.io.ModelFile;
import org.cnf4j.linalg.NativeArrays;
import org.cnf4j.train.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cnf density}: log p of every row of a file under a model. */
@Command(name = "density", mixinStandardHelpOptions = true, versionProvider = CnfCommand.Version.class,
        sortOptions = false, description = {
            "Computes log p(x) in nats for every row of the input (in the data's units, the standardiser's "
                    + "log-Jacobian included) and prints the mean negative log-likelihood.",
            "The rows are matched to the model's columns by name, or taken whole when the file has as many "
                    + "columns as the model has dimensions."})
public final class DensityCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Mixin
    EvaluationOptions evaluation = new EvaluationOptions();

    @Option(names = "--model", required = true, description = "Model file.")
    Path model;

    @Option(names = "--input", required = true, description = "Rows to evaluate: a .csv/.tsv (header row) or .npy file.")
    String input;

    @Option(names = "--columns", split = ",", description = "Input columns to use, in the model's order.")
    List<String> columns;

    @Option(names = "--output", description = "CSV file to write, one column 'logp', rows in input order.")
    Path output;

    @Option(names = "--bits-per-dim", description = "Also print bits per dimension.")
    boolean bitsPerDim;

    @Option(names = "--dequantize", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "For models trained on dequantised integers: add uniform noise as in training "
                    + "(default: ${DEFAULT-VALUE}).")
    boolean dequantize;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of trace and dequantisation noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        OutputPaths.check("--output", output, model, Path.of(input));
        LoadedModel m = ModelFile.load(model);
        evaluation.apply(m.flow());
        m.flow().setSeed(seed);
        Dataset data = DataFiles.readForModel(input, m.metadata().columns(), columns);
        INDArray x = data.values();
        boolean addNoise = dequantize && m.metadata().dequantized();
        if (addNoise) {
            double[] v = NativeArrays.toArray(x);
            SplittableRandom r = RandomStreams.stream(seed, "dequantize-input");
            for (int i = 0; i < v.length; i++) {
                v[i] += r.nextDouble();
            }
            x = org.nd4j.linalg.factory.Nd4j.create(v, x.shape(), org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        }
        Evaluation.Result r = Evaluation.logProb(m.flow(), m.metadata().standardizer(), x);
        double[] logp = NativeArrays.toArray(r.logProb());
        if (output != null) {
            CsvOutput.write(output, List.of("logp"), rows -> {
                for (double v : logp) {
                    rows.row(v);
                }
            });
        }
        PrintWriter out = spec.commandLine().getOut();
        double nll = r.meanNll();
        out.printf(Locale.ROOT, "mean NLL: %.6f nats over %d rows%s%n", nll, logp.length,
                addNoise ? " (dequantised)" : "");
        if (bitsPerDim || m.metadata().dequantized()) {
            out.printf(Locale.ROOT, "bits per dimension: %.6f%n", Evaluation.bitsPerDim(nll, m.flow().dim()));
        }
        out.printf("function evaluations: %d%n", r.stats().functionEvaluations());
        if (output != null) {
            out.printf("log-densities written to %s%n", output);
        }
        out.flush();
        return 0;
    }
}
