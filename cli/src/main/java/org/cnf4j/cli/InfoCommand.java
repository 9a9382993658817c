package org.cnf4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.io.LoadedModel;
import org.cnf4j.io.ModelFile;
import org.cnf4j.io.TrainingSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code cnf info}: what a model file holds. */
@Command(name = "info", mixinStandardHelpOptions = true, versionProvider = CnfCommand.Version.class,
        description = "Prints a model's architecture, parameter count, solver settings, data and training summary.")
public final class InfoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(names = "--model", required = true, description = "Model file.")
    Path model;

    @Override
    public Integer call() {
        LoadedModel m = ModelFile.load(model);
        ContinuousNormalizingFlow f = m.flow();
        PrintWriter out = spec.commandLine().getOut();
        out.printf("model: %s%n", model);
        out.printf("dimension: %d (columns %s)%n", f.dim(), String.join(", ", m.metadata().columns()));
        for (org.cnf4j.data.ContextColumn c : m.metadata().context()) {
            out.printf("context: %s, %s%n", c.name(), c.categorical() ? "categorical, levels " + String.join(", ",
                    c.levels()) + " (one-hot)" : "numeric");
        }
        if (f.contextDim() > 0) {
            out.printf("conditional: p(x | context), %d context values per row%n", f.contextDim());
        }
        out.printf("blocks: %d%n", f.blockCount());
        for (int k = 0; k < f.blockCount(); k++) {
            out.printf(Locale.ROOT, "  block %d: %s, T = %.6g%s%n", k, f.block(k).describe(), f.endTime(k),
                    f.trainsEndTime() ? " (trained)" : "");
        }
        out.printf("parameters: %d (%d network weights, %d end times)%n", f.parameterCount(),
                f.networkParameterCount(), f.blockCount());
        out.printf("solver: %s%n", f.solver());
        out.printf("trace estimator: %s%n", f.traceEstimator().name());
        out.printf("data: %s%n", m.metadata().dataDescription());
        out.printf("standardiser: %s%n", m.metadata().standardizer().isIdentity() ? "identity"
                : "mean " + Arrays.toString(m.metadata().standardizer().mean()) + ", std "
                        + Arrays.toString(m.metadata().standardizer().std()));
        out.printf("dequantised: %s%n", m.metadata().dequantized() ? "yes" : "no");
        TrainingSummary t = m.metadata().training();
        if (t == null) {
            out.println("training: none recorded");
        } else {
            out.printf(Locale.ROOT, "training: %d iterations in %.1f s, %s gradients, %s trace, batch %d, lr %g%n",
                    t.iterations(), t.wallSeconds(), t.gradientMethod(), t.traceEstimator(), t.batchSize(),
                    t.learningRate());
            out.printf("  objective: %s%n", t.objective() == null ? "mle" : t.objective());
            out.printf(Locale.ROOT, "  kept validation NLL: %s%n", Double.isNaN(t.bestValidationNll()) ? "n/a"
                    : String.format(Locale.ROOT, "%.4f nats at iteration %d", t.bestValidationNll(), t.bestIteration()));
            if (t.selection() != null) {
                out.printf("  model choice: %s%n", t.selection());
            }
            out.printf(Locale.ROOT, "  test NLL: %s%n", Double.isNaN(t.testNll()) ? "n/a"
                    : String.format(Locale.ROOT, "%.4f nats", t.testNll()));
            if (t.baselines() != null) {
                if (f.contextDim() > 0) {
                    out.printf(Locale.ROOT, "  conditional baselines, test NLL: linear-Gaussian regression %.4f nats, "
                            + "Gaussian mixtures (%d components) %.4f nats%n", t.baselines().gaussianTestNll(),
                            t.baselines().mixtureComponents(), t.baselines().mixtureTestNll());
                } else {
                    out.printf(Locale.ROOT, "  baselines, test NLL: Gaussian %.4f nats, Gaussian mixture (%d components) "
                            + "%.4f nats%n", t.baselines().gaussianTestNll(), t.baselines().mixtureComponents(),
                            t.baselines().mixtureTestNll());
                }
            } else {
                out.println("  baselines: not fitted");
            }
        }
        out.printf("checkpoint: %s%n", m.checkpoint() == null ? "none"
                : "iteration " + m.checkpoint().iteration() + " (resume with cnf train --resume)");
        out.flush();
        return 0;
    }
}
