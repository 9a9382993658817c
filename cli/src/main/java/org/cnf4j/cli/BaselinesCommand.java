package org.cnf4j.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.cnf4j.baseline.Baselines;
import org.cnf4j.baseline.ConditionalBaselines;
import org.cnf4j.data.TrainingData;
import org.cnf4j.io.BaselineSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cnf baselines}: the Gaussian and Gaussian-mixture test NLL of a data set, as train reports them. */
@Command(
        name = "baselines",
        mixinStandardHelpOptions = true,
        versionProvider = CnfCommand.Version.class,
        sortOptions = false,
        description = {
            "Fits a full-covariance Gaussian and a Gaussian mixture (EM, components 1..10 chosen on the validation "
                    + "split) to the standardised training rows and prints their test NLL, split as cnf train splits "
                    + "the same data and seed."
        })
public final class BaselinesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Mixin
    DataOptions dataOptions = new DataOptions();

    @Option(
            names = "--seed",
            defaultValue = "0",
            description = "Run seed: the split and dequantisation (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        TrainingData data = dataOptions.load(spec, seed);
        int cd = dataOptions.contextDim();
        BaselineSummary b;
        double accuracy = Double.NaN;
        try (Progress.Task task =
                new Progress.Task(Progress.mode(common), spec.commandLine().getErr(), "baselines")) {
            if (cd > 0) {
                ConditionalBaselines.Result r =
                        ConditionalBaselines.fitWithAccuracy(data, data.dim() - cd, dataOptions.loadedContext);
                b = r.summary();
                accuracy = r.classAccuracy();
            } else {
                b = Baselines.fit(data);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "data: %s%n", data.describe());
        if (cd > 0) {
            int x = data.dim() - cd;
            boolean byClass = !Double.isNaN(accuracy);
            out.printf(
                    Locale.ROOT,
                    "linear-Gaussian regression on the context: test NLL %.4f nats%s%n",
                    b.gaussianTestNll(),
                    bits(b.gaussianTestNll(), data, x));
            out.printf(
                    Locale.ROOT,
                    "%s (%s): test NLL %.4f nats%s%n",
                    byClass ? "Gaussian mixture per class" : "Gaussian mixture of the regression's residuals",
                    Progress.components(b.mixtureComponents()),
                    b.mixtureTestNll(),
                    bits(b.mixtureTestNll(), data, x));
            if (byClass) {
                out.printf(Locale.ROOT, "per-class mixtures as a classifier: test accuracy %.4f%n", accuracy);
            }
            out.printf(
                    Locale.ROOT,
                    "gaussian_test_nll=%.6f%nmixture_test_nll=%.6f%nmixture_components=%d%n",
                    b.gaussianTestNll(),
                    b.mixtureTestNll(),
                    b.mixtureComponents());
            out.flush();
            return 0;
        }
        out.printf(
                Locale.ROOT,
                "Gaussian (full covariance): test NLL %.4f nats%s%n",
                b.gaussianTestNll(),
                bits(b.gaussianTestNll(), data, data.dim()));
        out.printf(
                Locale.ROOT,
                "Gaussian mixture (%s): test NLL %.4f nats%s%n",
                Progress.components(b.mixtureComponents()),
                b.mixtureTestNll(),
                bits(b.mixtureTestNll(), data, data.dim()));
        out.printf(
                Locale.ROOT,
                "gaussian_test_nll=%.6f%nmixture_test_nll=%.6f%nmixture_components=%d%n",
                b.gaussianTestNll(),
                b.mixtureTestNll(),
                b.mixtureComponents());
        out.flush();
        return 0;
    }

    private static String bits(double nll, TrainingData data, int dim) {
        return data.dequantized() ? String.format(Locale.ROOT, " (%.4f bits/dim)", nll / (dim * Math.log(2))) : "";
    }
}
