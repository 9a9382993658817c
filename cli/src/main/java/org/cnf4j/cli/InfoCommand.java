package org.cnf4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.cnf4j.io.ModelDescription;
import org.cnf4j.io.ModelFile;
import org.cnf4j.io.TrainingSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cnf info}: what a model file holds. */
@Command(
        name = "info",
        mixinStandardHelpOptions = true,
        versionProvider = CnfCommand.Version.class,
        description = "Prints a model's architecture, parameter count, base distribution, solver settings, data, "
                + "training summary, provenance (software, JVM, OS, creation time, command, data) and digest.")
public final class InfoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(names = "--model", required = true, description = "Model file.")
    Path model;

    /** Up to 8 values, then how many more (a 74-value array is not read on a terminal). */
    private static String shortList(double[] v) {
        if (v.length <= 8) {
            return Arrays.toString(v);
        }
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < 6; i++) {
            b.append(String.format(Locale.ROOT, "%.6g", v[i])).append(", ");
        }
        return b.append("... ").append(v.length - 6).append(" more]").toString();
    }

    @Override
    public Integer call() {
        // model.json alone: no tensor read, no native library loaded (under a second)
        ModelDescription m = ModelFile.describe(model);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("model: %s%n", model);
        out.printf(
                "dimension: %d (columns %s)%n",
                m.dim(), String.join(", ", m.metadata().columns()));
        for (org.cnf4j.data.ContextColumn c : m.metadata().context()) {
            out.printf(
                    "context: %s, %s%n",
                    c.name(),
                    c.categorical()
                            ? "categorical, levels " + String.join(", ", c.levels()) + " (one-hot)"
                            : "numeric");
        }
        if (m.contextDim() > 0) {
            out.printf("conditional: p(x | context), %d context values per row%n", m.contextDim());
        }
        out.printf("blocks: %d%n", m.blocks().size());
        for (int k = 0; k < m.blocks().size(); k++) {
            out.printf(
                    Locale.ROOT,
                    "  block %d: %s, T = %.6g%s%n",
                    k,
                    m.blocks().get(k).architecture(),
                    m.blocks().get(k).endTime(),
                    m.trainsEndTime() ? " (trained)" : "");
        }
        out.printf(
                "parameters: %d (%d network weights, %d end times)%n",
                m.parameterCount(), m.networkParameters(), m.blocks().size());
        out.printf("base distribution: %s%n", m.base());
        out.printf("solver: %s%n", m.solver());
        if (m.metadata().reflow() != null) {
            org.cnf4j.io.ReflowInfo r = m.metadata().reflow();
            out.printf(
                    Locale.ROOT,
                    "reflowed from: %s (%s), %d round%s of %,d pairs%n",
                    r.source(),
                    r.sourceDigest().substring(0, Math.min(23, r.sourceDigest().length())) + "...",
                    r.rounds(),
                    r.rounds() == 1 ? "" : "s",
                    r.pairs());
            out.printf(
                    Locale.ROOT,
                    "recommended sampler: %s per block, %.3f standard deviations from dopri5%n",
                    r.describeSampler(),
                    r.maxDeviation());
        }
        out.printf("trace estimator: %s%n", m.traceEstimator());
        out.printf("data: %s%n", m.metadata().dataDescription());
        out.printf(
                "standardiser: %s%n",
                m.metadata().standardizer().isIdentity()
                        ? "identity"
                        : "mean " + shortList(m.metadata().standardizer().mean()) + ", std "
                                + shortList(m.metadata().standardizer().std()));
        out.printf("dequantised: %s%n", m.metadata().dequantized() ? "yes" : "no");
        if (m.metadata().image() != null) {
            org.cnf4j.io.ImageLayout im = m.metadata().image();
            out.printf(
                    Locale.ROOT,
                    "images: %dx%d pixels, grey scale from %.6g (black) to %.6g (white)%n",
                    im.height(),
                    im.width(),
                    im.black(),
                    im.white());
        }
        TrainingSummary t = m.metadata().training();
        if (t == null) {
            out.println("training: none recorded");
        } else {
            boolean solves = t.gradientMethod() != null && !t.gradientMethod().equals("none");
            out.printf(
                    Locale.ROOT,
                    "training: %d iterations, %sbatch %d, lr %g%n",
                    t.iterations(),
                    solves
                            ? t.gradientMethod() + " gradients, " + t.traceEstimator() + " trace, "
                            : "no ODE solve (flow matching), ",
                    t.batchSize(),
                    t.learningRate());
            out.printf("  objective: %s%n", t.objective() == null ? "mle" : t.objective());
            out.printf(
                    Locale.ROOT,
                    "  kept validation NLL: %s%n",
                    Double.isNaN(t.bestValidationNll())
                            ? "n/a"
                            : String.format(
                                    Locale.ROOT,
                                    "%.4f nats at iteration %d",
                                    t.bestValidationNll(),
                                    t.bestIteration()));
            if (t.selection() != null) {
                out.printf("  model choice: %s%n", t.selection());
            }
            out.printf(
                    Locale.ROOT,
                    "  test NLL: %s%n",
                    Double.isNaN(t.testNll()) ? "n/a" : String.format(Locale.ROOT, "%.4f nats", t.testNll()));
            if (t.baselines() != null) {
                if (m.contextDim() > 0) {
                    out.printf(
                            Locale.ROOT,
                            "  conditional baselines, test NLL: linear-Gaussian regression %.4f nats, "
                                    + "Gaussian mixtures (%s) %.4f nats%n",
                            t.baselines().gaussianTestNll(),
                            Progress.components(t.baselines().mixtureComponents()),
                            t.baselines().mixtureTestNll());
                } else {
                    out.printf(
                            Locale.ROOT,
                            "  baselines, test NLL: Gaussian %.4f nats, Gaussian mixture (%s) " + "%.4f nats%n",
                            t.baselines().gaussianTestNll(),
                            Progress.components(t.baselines().mixtureComponents()),
                            t.baselines().mixtureTestNll());
                }
            } else {
                out.println("  baselines: not fitted");
            }
        }
        out.printf(
                "checkpoint: %s%n",
                m.checkpointIteration() == null
                        ? "none"
                        : "iteration " + m.checkpointIteration() + " (resume with cnf train --resume)");
        org.cnf4j.io.Provenance p = m.metadata().provenance();
        if (p == null) {
            out.println("provenance: none recorded (the file was written before cnf4j recorded it)");
        } else {
            java.util.List<String> lines = p.describe();
            out.printf("provenance: %s%n", lines.get(0));
            for (String line : lines.subList(1, lines.size())) {
                out.printf("  %s%n", line);
            }
        }
        out.printf(
                "model digest: %s (every entry but %s: the same for the same model, wherever and whenever "
                        + "it was written)%n",
                ModelFile.modelDigest(model), ModelFile.PROVENANCE_JSON);
        out.flush();
        return 0;
    }
}
