package org.cnf4j.cli;

import org.cnf4j.TrainOptions;
import org.cnf4j.adjoint.AdjointMethod;
import org.cnf4j.adjoint.DirectBackprop;
import org.cnf4j.adjoint.GradientMethod;
import org.cnf4j.adjoint.Regularizers;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.SolverConfig;
import org.cnf4j.nn.Activation;
import org.cnf4j.nn.LayerType;
import org.cnf4j.ode.RungeKuttaMethod;
import org.cnf4j.settings.SettingCheck;
import org.cnf4j.trace.TraceEstimator;
import org.cnf4j.train.FlowMatching;
import org.cnf4j.train.LearningRateSchedule;
import org.cnf4j.train.RunLength;
import org.cnf4j.train.TimeSampling;
import org.cnf4j.train.Trainer;
import org.cnf4j.train.TrainingConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The training options {@code cnf train} and {@code cnf-spark train} share (a picocli mixin):
 * network, solver, trace and gradient, flow-matching path, regularisers, optimiser, iterations,
 * validation interval and seed, with their checks and what they build (the flow, the
 * {@link TrainingConfig}).
 */
public final class TrainingOptions implements CheckedOptions {

    @Option(
            names = "--hidden",
            split = ",",
            defaultValue = "64,64,64",
            description = "Hidden widths (default: ${DEFAULT-VALUE}).")
    int[] hidden;

    @Option(
            names = "--layer-type",
            defaultValue = "concatsquash",
            converter = Converters.LayerTypeConverter.class,
            description = "concatsquash, concat or ignore (default: ${DEFAULT-VALUE}).")
    LayerType layerType;

    @Option(
            names = "--activation",
            defaultValue = "tanh",
            converter = Converters.ActivationConverter.class,
            description = "tanh, softplus, elu or swish (default: ${DEFAULT-VALUE}).")
    Activation activation;

    @Option(
            names = "--base",
            defaultValue = "mixture",
            description = "The latent's distribution of an unconditional "
                    + "flow: mixture, the Gaussian mixture fitted to the training rows (the flow starts as it and is kept only "
                    + "where it scores better on the validation rows), or normal, N(0, I) as in FFJORD (default: "
                    + "${DEFAULT-VALUE}).")
    String base;

    @Option(names = "--blocks", defaultValue = "1", description = "Number of blocks (default: ${DEFAULT-VALUE}).")
    int blocks;

    @Option(
            names = "--time",
            defaultValue = "0.5",
            description = "Integration time T of each block (default: ${DEFAULT-VALUE}).")
    double time;

    @Option(
            names = "--train-time",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Train T as well (default: ${DEFAULT-VALUE}).")
    boolean trainTime;

    @Option(
            names = "--solver",
            defaultValue = "dopri5",
            converter = Converters.SolverConverter.class,
            description = "euler, midpoint, rk4, bosh3, dopri5 or tsit5 (default: ${DEFAULT-VALUE}).")
    RungeKuttaMethod solver;

    @Option(names = "--rtol", defaultValue = "1e-5", description = "Relative tolerance (default: ${DEFAULT-VALUE}).")
    double rtol;

    @Option(names = "--atol", defaultValue = "1e-5", description = "Absolute tolerance (default: ${DEFAULT-VALUE}).")
    double atol;

    @Option(
            names = "--steps",
            defaultValue = "100",
            description = "Steps per block of fixed-step solvers (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(
            names = "--max-nfe",
            defaultValue = "0",
            description = "Cap on the function evaluations of one solve "
                    + "(0: none); training that needs more stops with a clear error (default: ${DEFAULT-VALUE}).")
    int maxNfe;

    @Option(
            names = "--trace",
            converter = Converters.TraceConverter.class,
            description = "Training trace estimator: exact, hutchinson, rademacher (default: exact for 2-D data, "
                    + "hutchinson above).")
    TraceEstimator trace;

    @Option(
            names = "--gradient",
            defaultValue = "adjoint",
            converter = Converters.GradientConverter.class,
            description = "adjoint or direct (backpropagation through the solver) (default: ${DEFAULT-VALUE}).")
    String gradient;

    @Option(
            names = "--sigma-min",
            defaultValue = "0",
            description =
                    "Flow matching: width of the path's end at the " + "data, in [0, 1) (default: ${DEFAULT-VALUE}).")
    double sigmaMin;

    @Option(
            names = "--time-sampling",
            defaultValue = "uniform",
            description = "Flow matching: how path times are "
                    + "drawn, uniform or logit-normal (default: ${DEFAULT-VALUE}).")
    String timeSampling;

    @Option(
            names = "--context-dropout",
            defaultValue = "0",
            description = "Flow matching with --context: share of "
                    + "rows whose context is dropped, so the model also learns the unconditional field, for sampling with "
                    + "--guidance (e.g. 0.1; default: ${DEFAULT-VALUE}).")
    double contextDropout;

    @Option(names = "--seminorm", description = "Leave the parameter adjoints out of the backward error norm.")
    boolean seminorm;

    @Option(names = "--backward-rtol", description = "Relative tolerance of the backward solve (default: --rtol).")
    Double backwardRtol;

    @Option(names = "--backward-atol", description = "Absolute tolerance of the backward solve (default: --atol).")
    Double backwardAtol;

    @Option(
            names = "--kinetic",
            defaultValue = "0",
            description = "Weight of the kinetic-energy regulariser (default: ${DEFAULT-VALUE}).")
    double kinetic;

    @Option(
            names = "--jacobian",
            defaultValue = "0",
            description = "Weight of the Jacobian-norm regulariser (default: ${DEFAULT-VALUE}).")
    double jacobian;

    @Option(names = "--batch", description = "Batch size (default: 100, or every training row of a smaller table).")
    Integer batch;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(
            names = "--lr-schedule",
            defaultValue = "linear",
            description = "linear: decay to 0 over the run's " + "iterations, or constant (default: ${DEFAULT-VALUE}).")
    String lrSchedule;

    @Option(
            names = "--ema",
            defaultValue = "0.999",
            description = "Decay of the moving average of the parameters "
                    + "that is validated and saved; 0: none, the raw parameters (default: ${DEFAULT-VALUE}).")
    double ema;

    @Option(
            names = "--time-budget",
            converter = Converters.DurationConverter.class,
            description = "A cap on the wall time of training and its validations, e.g. 90s, 2m, 1h: a run it cuts "
                    + "stops early, keeps what it validated, and says so; it never changes the plan (default: none).")
    Double timeBudget;

    @Option(names = "--weight-decay", defaultValue = "1e-5", description = "Weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(
            names = "--iterations",
            description = "Total iterations; the same seed and count give the same model "
                    + "(default: planned from the table's rows and columns, the network and the batch, never from a timing; "
                    + "at most " + RunLength.MAX_ITERATIONS + ").")
    Integer iterations;

    @Option(
            names = "--validation-interval",
            description = "Iterations between validations and checkpoints; 0: no validation, the model is written "
                    + "once, at the end (default: 100 with --iterations, else a twentieth of the planned run).")
    Integer validationInterval;

    @Option(names = "--seed", defaultValue = "0", description = "Run seed (default: ${DEFAULT-VALUE}).")
    long seed;

    private static void check(CommandSpec spec, boolean ok, String message) {
        if (!ok) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }

    /** Whether {@code --base}'s value asks for the fitted mixture. */
    private static boolean mixtureBase(String value) {
        return switch (value) {
            case "mixture" -> true;
            case "normal" -> false;
            default -> throw new IllegalArgumentException("--base is mixture or normal, got '" + value + "'");
        };
    }

    private static <T> T parse(CommandSpec spec, java.util.function.Function<String, T> byName, String value) {
        try {
            return byName.apply(value);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /**
     * Checks the values through the library's checks (the options are built once, the flow-matching
     * path with them); a bad one is a usage error (exit code 2) naming the option.
     */
    @Override
    public void check(CommandSpec spec) {
        check(
                spec,
                hidden.length >= 1 && java.util.Arrays.stream(hidden).allMatch(h -> h >= 1),
                "--hidden widths must be positive");
        parse(spec, TimeSampling::byName, timeSampling);
        parse(spec, LearningRateSchedule::byName, lrSchedule);
        OptionChecks.library(
                spec, () -> options(spec, flowMatching(spec, false)).build());
    }

    /** The flow-matching objective of these options, with or without OT coupling. */
    public FlowMatching flowMatching(CommandSpec spec, boolean otCoupling) {
        TimeSampling sampling = parse(spec, TimeSampling::byName, timeSampling);
        return OptionChecks.library(spec, () -> new FlowMatching(sigmaMin, otCoupling, sampling, contextDropout));
    }

    /**
     * The library's options holding these ({@code flowMatching} null for maximum likelihood); the
     * data split and the baselines are the data options' and the command's to add.
     */
    public TrainOptions.Builder options(CommandSpec spec, FlowMatching flowMatching) {
        AdjointMethod.BackwardTolerances backwardTolerances = backwardRtol == null && backwardAtol == null
                ? null
                : OptionChecks.library(
                        spec,
                        () -> new AdjointMethod.BackwardTolerances(
                                backwardRtol == null ? rtol : backwardRtol,
                                backwardAtol == null ? atol : backwardAtol));
        GradientMethod method =
                gradient.equals("direct") ? new DirectBackprop() : new AdjointMethod(backwardTolerances, seminorm);
        SolverConfig sc = OptionChecks.library(
                spec,
                () -> (solver.isAdaptive()
                                ? new SolverConfig(solver, rtol, atol, 0, 10_000)
                                : SolverConfig.fixed(solver, steps))
                        .withMaxEvaluations(maxNfe));
        TrainOptions.Builder b = TrainOptions.builder()
                .hidden(hidden)
                .layerType(layerType)
                .activation(activation)
                .blocks(blocks)
                .endTime(time)
                .trainEndTime(trainTime)
                .solver(sc)
                .trace(trace)
                .gradient(method)
                .regularizers(OptionChecks.library(spec, () -> new Regularizers(kinetic, jacobian)))
                .batch(batch == null ? TrainingConfig.AUTOMATIC_BATCH : batch)
                .learningRate(lr)
                .schedule(parse(spec, LearningRateSchedule::byName, lrSchedule))
                .ema(ema)
                .weightDecay(weightDecay)
                .iterations(iterations)
                .validationInterval(validationInterval)
                .seed(seed)
                .mixtureBase(parse(spec, TrainingOptions::mixtureBase, base))
                .timeBudget(
                        timeBudget == null
                                ? null
                                : OptionChecks.library(spec, () -> SettingCheck.seconds("timeBudget", timeBudget)));
        return flowMatching == null ? b.maximumLikelihood() : b.flowMatching(flowMatching);
    }

    /** The training configuration; {@code flowMatching} null for maximum likelihood. */
    public TrainingConfig config(CommandSpec spec, FlowMatching flowMatching) {
        return options(spec, flowMatching).build().config();
    }

    /** A new flow of these options for data of {@code dim} columns. */
    public ContinuousNormalizingFlow newFlow(int dim) {
        return options(null, null).build().newFlow(dim);
    }

    /**
     * A fresh conditional flow of these options for {@code dim} data columns and {@code contextDim}
     * context values; with {@code flowMatching}'s context dropout it also learns the unconditional
     * field.
     */
    public ContinuousNormalizingFlow newFlow(int dim, int contextDim, FlowMatching flowMatching) {
        return options(null, flowMatching).build().newFlow(dim, contextDim);
    }

    /** Flow matching's share of rows that train the unconditional field (--context-dropout). */
    public double contextDropout() {
        return contextDropout;
    }

    /** The cap on one solve's function evaluations (0: none). */
    public int maxNfe() {
        return maxNfe;
    }

    /** Seconds of the --time-budget cap, or null for none. */
    public Double timeBudgetSeconds() {
        return timeBudget;
    }

    /** Whether --iterations was given. */
    public boolean iterationsGiven() {
        return iterations != null;
    }

    /** The run seed. */
    public long seed() {
        return seed;
    }

    /** The batch size asked for (100 when not given: a smaller table's run takes its training rows). */
    public int batch() {
        return batch == null ? TrainingConfig.DEFAULT_BATCH : batch;
    }

    /**
     * The plan of a run in words, for {@code cnf train} and {@code cnf-spark train}: the iterations,
     * what bounds them, and the validation interval.
     */
    public static String describePlan(Trainer.Plan plan) {
        return String.format(
                java.util.Locale.ROOT,
                "planned %d iterations (bounded by %s), a validation every %d",
                plan.iterations(),
                plan.limit(),
                plan.validationInterval());
    }
}
