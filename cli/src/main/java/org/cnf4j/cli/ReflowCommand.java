package org.cnf4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.cnf4j.Reflow;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.io.LoadedModel;
import org.cnf4j.io.ModelFile;
import org.cnf4j.io.ReflowInfo;
import org.cnf4j.ode.SolverStats;
import org.cnf4j.sample.DensityModel;
import org.cnf4j.sample.Sampler;
import org.cnf4j.train.Evaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cnf reflow}: a straighter copy of a model, sampled in a few fixed steps. */
@Command(
        name = "reflow",
        mixinStandardHelpOptions = true,
        versionProvider = CnfCommand.Version.class,
        sortOptions = false,
        description = {
            "Reflows a model (rectified flow, Liu et al. 2023): draws (noise, sample) pairs from it and trains a copy, "
                    + "warm-started from it, by flow matching on the straight paths between each pair's ends, so its "
                    + "paths become nearly straight. The copy keeps the model's standardiser, columns and context "
                    + "(a conditional model's pairs are drawn at contexts as its training rows had them; guidance keeps "
                    + "working) and records where it came from and the fixed-step sampler that samples it within "
                    + "0.05 standard deviations of dopri5, which cnf sample then uses by default. Log p stays exact.",
            "The same model, options and seed give the same reflowed model."
        })
public final class ReflowCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(names = "--model", required = true, description = "The model to reflow.")
    Path model;

    @Option(names = "--out", required = true, description = "The reflowed model file to write.")
    Path out;

    @Option(
            names = "--pairs",
            defaultValue = "20000",
            description = "(noise, sample) pairs per round (default: " + "${DEFAULT-VALUE}).")
    int pairs;

    @Option(
            names = "--rounds",
            defaultValue = "1",
            description = "Rounds, each on pairs of the last (default: " + "${DEFAULT-VALUE}).")
    int rounds;

    @Option(
            names = "--iterations",
            defaultValue = "3000",
            description = "Flow-matching iterations per round " + "(default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--batch", defaultValue = "256", description = "Pairs per iteration (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--lr",
            defaultValue = "1e-3",
            description = "Adam learning rate, decaying linearly to 0 " + "(default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description = "Seed of the pairs, batches and times (default: " + "${DEFAULT-VALUE}).")
    long seed;

    private Reflow.Options options() {
        return OptionChecks.library(spec, () -> new Reflow.Options(pairs, rounds, iterations, batch, lr, seed));
    }

    @Override
    public Integer call() throws Exception {
        Reflow.Options options = options();
        OutputPaths.check("--out", out, model);
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LoadedModel m = ModelFile.load(model);
        Progress.Mode mode = Progress.mode(common);
        Reflow.Result r;
        try (OutputLock lock = OutputLock.acquire("--out", out);
                Progress.Task task = new Progress.Task(mode, err, "reflow pairs")) {
            r = Reflow.run(
                    m.flow(),
                    m.metadata(),
                    String.valueOf(model.getFileName()),
                    options,
                    Progress.training(mode, err),
                    task);
            ModelFile.save(
                    out,
                    r.flow(),
                    r.metadata()
                            .withProvenance(org.cnf4j.io.Provenance.of(
                                    "cnf "
                                            + String.join(
                                                    " ",
                                                    spec.commandLine()
                                                            .getParseResult()
                                                            .originalArgs()),
                                    null,
                                    options.seed())));
        }
        for (Reflow.Round round : r.rounds()) {
            stdout.printf(
                    Locale.ROOT,
                    "round %d: NLL of %s's held-out samples %.4f nats under it, %.4f under the "
                            + "reflowed model (%.1f s)%n",
                    round.round(),
                    model.getFileName(),
                    round.sampleNllBefore(),
                    round.sampleNllAfter(),
                    round.seconds());
        }
        ReflowInfo info = r.metadata().reflow();
        stdout.printf(
                Locale.ROOT,
                "recommended sampler: %s per block, %.3f standard deviations from dopri5's " + "samples%n",
                info.describeSampler(),
                info.maxDeviation());
        if (m.flow().contextDim() == 0) {
            Evaluations before = evaluations(m.flow(), m.metadata());
            Evaluations after = evaluations(r.flow(), r.metadata());
            stdout.printf(
                    Locale.ROOT,
                    "function evaluations for 1,000 points at the model's tolerance: sampling %d -> "
                            + "%d (%d with the recommended sampler), log p %d -> %d%n",
                    before.sampling,
                    after.sampling,
                    info.evaluations() * r.flow().blockCount(),
                    before.logp,
                    after.logp);
        }
        stdout.printf("reflowed model written to %s%n", out);
        stdout.flush();
        return 0;
    }

    private record Evaluations(long sampling, long logp) {}

    /** Evaluations of sampling and scoring 1,000 points with the flow's adaptive solver. */
    private static Evaluations evaluations(ContinuousNormalizingFlow flow, org.cnf4j.io.ModelMetadata meta) {
        DensityModel dm = new DensityModel(flow, meta.standardizer());
        Sampler.SampleResult s = new Sampler(dm).sample(1000, 12345);
        SolverStats scored =
                Evaluation.logProb(flow, meta.standardizer(), s.samples()).stats();
        return new Evaluations(s.stats().functionEvaluations(), scored.functionEvaluations());
    }
}
