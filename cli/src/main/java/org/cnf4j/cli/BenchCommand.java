package org.cnf4j.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.cnf4j.adjoint.AdjointMethod;
import org.cnf4j.data.ToyDataset;
import org.cnf4j.data.ToyTrainingData;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.RandomStreams;
import org.cnf4j.flow.SolverConfig;
import org.cnf4j.linalg.ComputeThreads;
import org.cnf4j.linalg.KernelChoice;
import org.cnf4j.linalg.KernelSelection;
import org.cnf4j.nn.MatrixPrecision;
import org.cnf4j.nn.MlpDynamics;
import org.cnf4j.report.ToleranceSweep;
import org.cnf4j.report.ToleranceSweeps;
import org.cnf4j.trace.TraceEstimator;
import org.cnf4j.train.IterationStats;
import org.cnf4j.train.Trainer;
import org.cnf4j.train.TrainingConfig;
import org.cnf4j.train.TrainingListener;
import org.cnf4j.train.TrainingResult;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code cnf bench}: FFJORD's toy configuration (2-64-64-64-2 concatsquash, tanh, exact trace,
 * dopri5 at 1e-5, batch 100, T = 0.5 trained, adjoint gradients, Adam 1e-3) with a fixed seed,
 * timed: training iterations, log-density and sampling of 10,000 points, peak memory, test NLL.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        versionProvider = CnfCommand.Version.class,
        sortOptions = false,
        description = {
            "Times FFJORD's toy setup (2-64-64-64-2 concatsquash, tanh, exact trace, dopri5 at 1e-5, batch 100, "
                    + "trained T, adjoint gradients, Adam 1e-3) on 8gaussians with a fixed seed and prints one line "
                    + "per figure, then machine-readable key=value lines.",
            "Seconds per iteration are the median over iterations 50-150 (after warm-up); the trained model then "
                    + "evaluates log p of 10,000 points and draws 10,000 samples (integrating log p along, as "
                    + "FFJORD does), each in one solve, repeated (median reported)."
        })
public final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(
            names = "--model",
            description = "Instead of the toy setup, time sampling --points points and their log p "
                    + "for each model file given (repeat the option, e.g. a model and its reflowed copy): a reflowed model "
                    + "samples with its recommended sampler, log p is dopri5 at the model's tolerance.")
    List<java.nio.file.Path> models;

    @Option(
            names = "--iterations",
            defaultValue = "300",
            description = "Training iterations (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--batch", defaultValue = "100", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--width",
            defaultValue = "64",
            description = "Hidden width of the 3 hidden layers (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(
            names = "--trace",
            defaultValue = "exact",
            converter = Converters.TraceConverter.class,
            description = "Trace estimator for training and evaluation (default: ${DEFAULT-VALUE}).")
    TraceEstimator trace;

    @Option(
            names = "--precision",
            defaultValue = "double",
            description = "Matrix products in double or float (default: ${DEFAULT-VALUE}).")
    MatrixPrecision precision;

    @Option(
            names = "--seminorm",
            description = "Leave the parameter adjoints out of the backward error norm "
                    + "(fewer backward evaluations; not FFJORD's setting).")
    boolean seminorm;

    @Option(names = "--data", defaultValue = "8gaussians", description = "Toy data set (default: ${DEFAULT-VALUE}).")
    String data;

    @Option(
            names = "--points",
            defaultValue = "10000",
            description = "Points for log-density and sampling (default: ${DEFAULT-VALUE}).")
    int points;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--repeats",
            defaultValue = "3",
            description =
                    "Runs of the log-density and of the sampling; the median is reported (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(
            names = "--tolerance-sweep",
            description = "Also evaluate log p of 1,000 points at tolerances 1e-3 .. 1e-8.")
    boolean toleranceSweep;

    @Option(
            names = "--one-worker",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Also measure training (iterations 50-150 of a second run), log p and sampling with one "
                    + "worker, for per-core ratios (default: ${DEFAULT-VALUE}).")
    boolean oneWorker;

    @Option(
            names = "--memory-every",
            defaultValue = "0",
            description = "Print the resident memory every N iterations (0: never).")
    int memoryEvery;

    /** Sampling and log p of --points points for each model, the median of --repeats runs. */
    private int benchModels(PrintWriter out) {
        out.printf(
                Locale.ROOT,
                "%-28s %-34s %10s %12s %10s %12s%n",
                "model",
                "sampler",
                "sample nfe",
                "sample s",
                "logp nfe",
                "logp s");
        for (java.nio.file.Path path : models) {
            org.cnf4j.io.LoadedModel m = org.cnf4j.io.ModelFile.load(path);
            if (m.flow().contextDim() > 0) {
                throw new IllegalArgumentException(
                        path + " is conditional; cnf bench --model times unconditional models");
            }
            org.cnf4j.flow.SolverConfig adaptive = m.flow().solver();
            org.cnf4j.io.ReflowInfo reflow = m.metadata().reflow();
            org.cnf4j.flow.SolverConfig sampling =
                    reflow == null ? adaptive : SolverConfig.fixed(reflow.method(), reflow.steps());
            org.cnf4j.sample.DensityModel dm =
                    new org.cnf4j.sample.DensityModel(m.flow(), m.metadata().standardizer());
            m.flow().setTraceEstimator(m.flow().defaultEvaluationEstimator());
            INDArray[] drawn = new INDArray[1];
            long[] nfe = new long[2];
            List<Double> sampleRuns = timed(repeats, () -> {
                m.flow().setSolver(sampling);
                org.cnf4j.sample.Sampler.SampleResult r = new org.cnf4j.sample.Sampler(dm).sample(points, seed);
                drawn[0] = r.samples();
                nfe[0] = r.stats().functionEvaluations();
            });
            List<Double> logpRuns = timed(repeats, () -> {
                m.flow().setSolver(adaptive);
                nfe[1] = org.cnf4j.train.Evaluation.logProb(
                                m.flow(), m.metadata().standardizer(), drawn[0])
                        .stats()
                        .functionEvaluations();
            });
            out.printf(
                    Locale.ROOT,
                    "%-28s %-34s %10d %12.3f %10d %12.3f%n",
                    path.getFileName(),
                    reflow == null ? adaptive.method().id() + " (adaptive)" : reflow.describeSampler(),
                    nfe[0],
                    median(sampleRuns),
                    nfe[1],
                    median(logpRuns));
        }
        out.flush();
        return 0;
    }

    private static String seconds(List<Double> runs) {
        StringBuilder b = new StringBuilder();
        for (double r : runs) {
            b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", r));
        }
        return b.toString();
    }

    private static double median(List<Double> v) {
        if (v.isEmpty()) {
            return Double.NaN;
        }
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    /** Median seconds per iteration and microseconds per evaluation over iterations 50-150 (1-based 51-150). */
    private record TrainingTimes(
            double secondsPerIteration, double usPerEvaluation, double forward, double backward, int from, int to) {
        static TrainingTimes of(List<IterationStats> its) {
            int from = Math.min(50, Math.max(0, its.size() - 1));
            int to = Math.min(150, its.size());
            List<Double> secs = new ArrayList<>();
            List<Double> usPerEval = new ArrayList<>();
            double fwd = 0;
            double bwd = 0;
            for (IterationStats s : its.subList(from, to)) {
                secs.add(s.seconds());
                usPerEval.add(s.seconds() / (s.forwardEvaluations() + s.backwardEvaluations()) * 1e6);
                fwd += s.forwardEvaluations();
                bwd += s.backwardEvaluations();
            }
            int counted = Math.max(1, to - from);
            return new TrainingTimes(median(secs), median(usPerEval), fwd / counted, bwd / counted, from, to);
        }
    }

    /** Seconds of each of {@code repeats} runs of {@code work}. */
    private static List<Double> timed(int repeats, Runnable work) {
        List<Double> runs = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            work.run();
            runs.add((System.nanoTime() - t0) / 1e9);
        }
        return runs;
    }

    @Override
    public Integer call() {
        for (Object[] check : new Object[][] {
            {"--iterations", iterations},
            {"--batch", batch},
            {"--width", width},
            {"--points", points},
            {"--repeats", repeats}
        }) {
            if ((Integer) check[1] < 1) {
                throw new ParameterException(spec.commandLine(), check[0] + " must be at least 1, got " + check[1]);
            }
        }
        if (memoryEvery < 0) {
            throw new ParameterException(spec.commandLine(), "--memory-every must not be negative, got " + memoryEvery);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (models != null && !models.isEmpty()) {
            return benchModels(out);
        }
        // steady-state figures: every kernel family measured and fixed before the first network
        KernelSelection.calibrate();
        ContinuousNormalizingFlow flow = ContinuousNormalizingFlow.builder(2)
                .hiddenDims(width, width, width)
                .solver(SolverConfig.dopri5(1e-5, 1e-5))
                .traceEstimator(trace)
                .seed(seed)
                .build();
        flow.setMatrixPrecision(precision);
        ToyTrainingData d = new ToyTrainingData(ToyDataset.byName(data), seed, 1000, points);
        TrainingConfig config = TrainingConfig.defaults()
                .withIterations(iterations)
                .withBatchSize(batch)
                .withTraceEstimator(trace)
                .withSeed(seed)
                .withValidationInterval(0)
                .withGradient(new AdjointMethod(null, seminorm));
        List<IterationStats> its = new ArrayList<>();
        Trainer trainer = new Trainer(flow, d, config).addListener(new TrainingListener() {
            @Override
            public void onIteration(IterationStats s) {
                its.add(s);
                if (memoryEvery > 0 && (s.iteration() + 1) % memoryEvery == 0) {
                    out.printf(
                            Locale.ROOT,
                            "memory: iteration %d rss_mb=%.1f offheap_mb=%.1f heap_used_mb=%.1f%n",
                            s.iteration() + 1,
                            ProcessMemory.residentMb(),
                            ProcessMemory.offHeapMb(),
                            (Runtime.getRuntime().totalMemory()
                                            - Runtime.getRuntime().freeMemory())
                                    / 1048576.0);
                    out.flush();
                }
                if (!common.quiet && (s.iteration() + 1) % 50 == 0) {
                    err.printf(
                            Locale.ROOT,
                            "bench: iteration %d/%d, %.4f s, nfe %d/%d%n",
                            s.iteration() + 1,
                            iterations,
                            s.seconds(),
                            s.forwardEvaluations(),
                            s.backwardEvaluations());
                    err.flush();
                }
            }
        });
        TrainingResult result = trainer.train();
        TrainingTimes times = TrainingTimes.of(its);
        int from = times.from();
        int to = times.to();
        double sPerIter = times.secondsPerIteration();
        double us = times.usPerEvaluation();
        double fwdPerIter = times.forward();
        double bwdPerIter = times.backward();

        INDArray x = d.test();
        int logpNfe = flow.logProb(x).stats().functionEvaluations();
        List<Double> logpRuns = timed(repeats, () -> flow.logProb(x));
        INDArray z = ContinuousNormalizingFlow.standardNormal(points, 2, RandomStreams.stream(seed, "bench-sample"));
        int sampleNfe = flow.decodeWithLogProb(z, RandomStreams.stream(seed, "bench-noise"))
                .stats()
                .functionEvaluations();
        List<Double> sampleRuns =
                timed(repeats, () -> flow.decodeWithLogProb(z, RandomStreams.stream(seed, "bench-noise")));
        double logpSeconds = median(logpRuns);
        double sampleSeconds = median(sampleRuns);
        double testNll = result.summary().testNll();

        MlpDynamics net = (MlpDynamics) flow.block(0);
        int k = trace.isExact() ? 2 : 1;
        double macs = net.multiplyAddsPerSample();
        double fwdFlops = 2 * macs * batch * (1 + k);
        double bwdFlops = 3 * fwdFlops;
        double itFlops = fwdPerIter * fwdFlops + bwdPerIter * bwdFlops;
        double gflops = itFlops / sPerIter / 1e9;
        double peak = ProcessMemory.peakResidentMb();

        out.printf(
                Locale.ROOT,
                "configuration: %s, %s trace, dopri5 1e-5, batch %d, adjoint%s, Adam 1e-3, %s precision, "
                        + "seed %d, %d worker(s) on %d core(s)%n",
                net.describe(),
                trace.name(),
                batch,
                seminorm ? " (seminorm)" : "",
                precision.name().toLowerCase(Locale.ROOT),
                seed,
                ComputeThreads.workers(),
                Runtime.getRuntime().availableProcessors());
        out.printf(Locale.ROOT, "cpu: %s%n", CpuDescription.describe());
        for (KernelChoice c : KernelSelection.choices()) {
            if (Double.isNaN(c.gflops())) {
                // fixed by a setting: nothing was timed
                out.printf(
                        Locale.ROOT,
                        "kernels: %-20s %-16s not timed: %s%n",
                        c.family().label(),
                        c.path(),
                        c.reason());
            } else {
                out.printf(
                        Locale.ROOT,
                        "kernels: %-20s %-16s %6.2f GFLOP/s (vector %.2f, plain %.2f): %s%n",
                        c.family().label(),
                        c.path(),
                        c.gflops(),
                        c.vectorGflops(),
                        c.plainGflops(),
                        c.reason());
            }
        }
        out.printf(
                Locale.ROOT,
                "training: %.4f s per iteration (median of iterations %d-%d), %.1f forward + %.1f backward "
                        + "evaluations per iteration%n",
                sPerIter,
                from + 1,
                to,
                fwdPerIter,
                bwdPerIter);
        out.printf(Locale.ROOT, "training: %.1f microseconds per function evaluation (median)%n", us);
        out.printf(
                Locale.ROOT,
                "training: %.2f MFLOP per forward and %.2f per backward evaluation in matrix products, "
                        + "%.1f GFLOP/s achieved%n",
                fwdFlops / 1e6,
                bwdFlops / 1e6,
                gflops);
        double evalFlops = 2 * macs * points * (1 + k);
        out.printf(
                Locale.ROOT,
                "log-density of %d points: %.3f s (median of %s), %d evaluations (%.2f ms per "
                        + "evaluation, %.1f GFLOP/s in matrix products)%n",
                points,
                logpSeconds,
                seconds(logpRuns),
                logpNfe,
                1e3 * logpSeconds / Math.max(1, logpNfe),
                evalFlops * logpNfe / logpSeconds / 1e9);
        out.printf(
                Locale.ROOT,
                "sampling %d points with log-density: %.3f s (median of %s), %d evaluations (%.2f ms per "
                        + "evaluation)%n",
                points,
                sampleSeconds,
                seconds(sampleRuns),
                sampleNfe,
                1e3 * sampleSeconds / Math.max(1, sampleNfe));
        out.printf(Locale.ROOT, "test NLL after %d iterations: %.4f nats%n", iterations, testNll);
        out.printf(Locale.ROOT, "peak resident memory: %.1f MB%n", peak);
        if (toleranceSweep) {
            INDArray sub = x.get(NDArrayIndex.interval(0, Math.min(1000, x.rows())), NDArrayIndex.all());
            ToleranceSweep sw = ToleranceSweeps.measure(flow, sub, ToleranceSweeps.DEFAULT);
            out.printf(
                    Locale.ROOT,
                    "tolerance sweep (log p of %d points, error against the tightest solve):%n",
                    sw.points());
            for (int i = 0; i < sw.tolerances().length; i++) {
                out.printf(
                        Locale.ROOT,
                        "  tol %.0e: %4d evaluations, %.3f s, max error %.3e nats%n",
                        sw.tolerances()[i],
                        sw.evaluations()[i],
                        sw.seconds()[i],
                        sw.errors()[i]);
            }
        }
        TrainingTimes single = null;
        double logpSingle = Double.NaN;
        double sampleSingle = Double.NaN;
        if (oneWorker) {
            int saved = ComputeThreads.workers();
            ComputeThreads.setWorkers(1);
            try {
                ContinuousNormalizingFlow second = ContinuousNormalizingFlow.builder(2)
                        .hiddenDims(width, width, width)
                        .solver(SolverConfig.dopri5(1e-5, 1e-5))
                        .traceEstimator(trace)
                        .seed(seed)
                        .build();
                second.setMatrixPrecision(precision);
                List<IterationStats> its1 = new ArrayList<>();
                new Trainer(
                                second,
                                d,
                                config.withIterations(Math.min(iterations, 150))
                                        .withTestEvaluation(false)
                                        .withGradient(new AdjointMethod(null, seminorm)))
                        .addListener(new TrainingListener() {
                            @Override
                            public void onIteration(IterationStats st) {
                                its1.add(st);
                            }
                        })
                        .train();
                single = TrainingTimes.of(its1);
                logpSingle = median(timed(repeats, () -> flow.logProb(x)));
                sampleSingle = median(
                        timed(repeats, () -> flow.decodeWithLogProb(z, RandomStreams.stream(seed, "bench-noise"))));
            } finally {
                ComputeThreads.setWorkers(saved);
            }
            out.printf(
                    Locale.ROOT,
                    "one worker: training %.4f s per iteration, %.1f microseconds per evaluation "
                            + "(iterations %d-%d of a second run); log-density %.3f s; sampling %.3f s (medians of %d)%n",
                    single.secondsPerIteration(),
                    single.usPerEvaluation(),
                    single.from() + 1,
                    single.to(),
                    logpSingle,
                    sampleSingle,
                    repeats);
        }
        out.printf(Locale.ROOT, "train_s_per_iter=%.6f%n", sPerIter);
        out.printf(Locale.ROOT, "train_nfe_forward=%.1f%n", fwdPerIter);
        out.printf(Locale.ROOT, "train_nfe_backward=%.1f%n", bwdPerIter);
        out.printf(Locale.ROOT, "us_per_eval=%.1f%n", us);
        out.printf(Locale.ROOT, "logp10k_s=%.4f%n", logpSeconds);
        out.printf(Locale.ROOT, "logp10k_nfe=%d%n", logpNfe);
        out.printf(Locale.ROOT, "sample10k_s=%.4f%n", sampleSeconds);
        out.printf(Locale.ROOT, "sample10k_nfe=%d%n", sampleNfe);
        out.printf(Locale.ROOT, "peak_rss_mb=%.1f%n", peak);
        out.printf(Locale.ROOT, "test_nll=%.4f%n", testNll);
        if (single != null) {
            out.printf(Locale.ROOT, "train_s_per_iter_1w=%.6f%n", single.secondsPerIteration());
            out.printf(Locale.ROOT, "us_per_eval_1w=%.1f%n", single.usPerEvaluation());
            out.printf(Locale.ROOT, "logp10k_s_1w=%.4f%n", logpSingle);
            out.printf(Locale.ROOT, "sample10k_s_1w=%.4f%n", sampleSingle);
        }
        out.flush();
        return 0;
    }
}
