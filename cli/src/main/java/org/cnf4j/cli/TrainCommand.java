package org.cnf4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.cnf4j.adjoint.AdjointMethod;
import org.cnf4j.adjoint.DirectBackprop;
import org.cnf4j.adjoint.GradientMethod;
import org.cnf4j.adjoint.TrainingObjective;
import org.cnf4j.baseline.Baselines;
import org.cnf4j.data.TrainingData;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.SolverConfig;
import org.cnf4j.io.BaselineSummary;
import org.cnf4j.io.LoadedModel;
import org.cnf4j.io.ModelFile;
import org.cnf4j.io.ModelMetadata;
import org.cnf4j.io.TrainingSummary;
import org.cnf4j.nn.Activation;
import org.cnf4j.nn.LayerType;
import org.cnf4j.nn.MatrixPrecision;
import org.cnf4j.ode.RungeKuttaMethod;
import org.cnf4j.report.ReportGenerator;
import org.cnf4j.sample.DensityModel;
import org.cnf4j.trace.TraceEstimator;
import org.cnf4j.train.FlowMatching;
import org.cnf4j.train.LearningRateSchedule;
import org.cnf4j.train.MaximumLikelihood;
import org.cnf4j.train.Objectives;
import org.cnf4j.train.TimeSampling;
import org.cnf4j.train.Trainer;
import org.cnf4j.train.TrainingException;
import org.cnf4j.train.TrainingConfig;
import org.cnf4j.train.TrainingListener;
import org.cnf4j.train.TrainingResult;
import org.cnf4j.train.ValidationStats;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code cnf train}: fits a flow by maximum likelihood or flow matching and writes the model file
 * (and a report), with the Gaussian and Gaussian-mixture baselines beside it.
 */
@Command(name = "train", mixinStandardHelpOptions = true, versionProvider = CnfCommand.Version.class,
        sortOptions = false, description = {
            "Fits a continuous normalizing flow to data by maximum likelihood (adjoint gradients, Adam) or by flow "
                    + "matching (no ODE solve) and writes the model file, checkpointed at every validation. Defaults "
                    + "are FFJORD's toy settings.",
            "Data: a toy generator (8gaussians, checkerboard, 2spirals, pinwheel, rings, moons, circles, swissroll) "
                    + "or a .csv/.tsv (header row) or .npy file."})
public final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Mixin
    DataOptions dataOptions = new DataOptions();

    @Option(names = "--out", required = true, description = "Model file to write (zip).")
    Path out;

    @Option(names = "--report", description = "Folder for the HTML report, written at the end.")
    Path report;

    @Option(names = "--hidden", split = ",", defaultValue = "64,64,64", description = "Hidden widths (default: ${DEFAULT-VALUE}).")
    int[] hidden;

    @Option(names = "--layer-type", defaultValue = "concatsquash", converter = Converters.LayerTypeConverter.class,
            description = "concatsquash, concat or ignore (default: ${DEFAULT-VALUE}).")
    LayerType layerType;

    @Option(names = "--activation", defaultValue = "tanh", converter = Converters.ActivationConverter.class,
            description = "tanh, softplus, elu or swish (default: ${DEFAULT-VALUE}).")
    Activation activation;

    @Option(names = "--blocks", defaultValue = "1", description = "Number of blocks (default: ${DEFAULT-VALUE}).")
    int blocks;

    @Option(names = "--time", defaultValue = "0.5", description = "Integration time T of each block (default: ${DEFAULT-VALUE}).")
    double time;

    @Option(names = "--train-time", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Train T as well (default: ${DEFAULT-VALUE}).")
    boolean trainTime;

    @Option(names = "--solver", defaultValue = "dopri5", converter = Converters.SolverConverter.class,
            description = "euler, midpoint, rk4, bosh3, dopri5 or tsit5 (default: ${DEFAULT-VALUE}).")
    RungeKuttaMethod solver;

    @Option(names = "--rtol", defaultValue = "1e-5", description = "Relative tolerance (default: ${DEFAULT-VALUE}).")
    double rtol;

    @Option(names = "--atol", defaultValue = "1e-5", description = "Absolute tolerance (default: ${DEFAULT-VALUE}).")
    double atol;

    @Option(names = "--steps", defaultValue = "100", description = "Steps per block of fixed-step solvers (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--max-nfe", defaultValue = "0", description = "Cap on the function evaluations of one solve "
            + "(0: none); training that needs more stops with a clear error (default: ${DEFAULT-VALUE}).")
    int maxNfe;

    @Option(names = "--trace", converter = Converters.TraceConverter.class,
            description = "Training trace estimator: exact, hutchinson, rademacher (default: exact for 2-D data, "
                    + "hutchinson above).")
    TraceEstimator trace;

    @Option(names = "--precision", defaultValue = "double",
            description = "Matrix products of the network in double or float: float is faster, about 1e-7 relative "
                    + "error in f (default: ${DEFAULT-VALUE}).")
    MatrixPrecision precision;

    @Option(names = "--gradient", defaultValue = "adjoint", converter = Converters.GradientConverter.class,
            description = "adjoint or direct (backpropagation through the solver) (default: ${DEFAULT-VALUE}).")
    String gradient;

    @Option(names = "--objective", defaultValue = "mle", description = "mle (maximum likelihood through the ODE) or "
            + "flow-matching (regress the field on straight paths, no solve) (default: ${DEFAULT-VALUE}).")
    String objective;

    @Option(names = "--ot-coupling", description = "Flow matching: pair noise and data in each batch by minibatch "
            + "optimal transport (batch <= 512).")
    boolean otCoupling;

    @Option(names = "--sigma-min", defaultValue = "0", description = "Flow matching: width of the path's end at the "
            + "data, in [0, 1) (default: ${DEFAULT-VALUE}).")
    double sigmaMin;

    @Option(names = "--time-sampling", defaultValue = "uniform", description = "Flow matching: how path times are "
            + "drawn, uniform or logit-normal (default: ${DEFAULT-VALUE}).")
    String timeSampling;

    @Option(names = "--baselines", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Fit the Gaussian and Gaussian-mixture baselines and report their test NLL "
                    + "(default: ${DEFAULT-VALUE}).")
    boolean baselines;

    @Option(names = "--seminorm", description = "Leave the parameter adjoints out of the backward error norm.")
    boolean seminorm;

    @Option(names = "--backward-rtol", description = "Relative tolerance of the backward solve (default: --rtol).")
    Double backwardRtol;

    @Option(names = "--backward-atol", description = "Absolute tolerance of the backward solve (default: --atol).")
    Double backwardAtol;

    @Option(names = "--kinetic", defaultValue = "0", description = "Weight of the kinetic-energy regulariser (default: ${DEFAULT-VALUE}).")
    double kinetic;

    @Option(names = "--jacobian", defaultValue = "0", description = "Weight of the Jacobian-norm regulariser (default: ${DEFAULT-VALUE}).")
    double jacobian;

    @Option(names = "--batch", defaultValue = "100", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--lr-schedule", defaultValue = "constant", description = "constant, or linear: decay to 0 "
            + "over --iterations (default: ${DEFAULT-VALUE}).")
    String lrSchedule;

    @Option(names = "--weight-decay", defaultValue = "1e-5", description = "Weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--iterations", defaultValue = "1000", description = "Total iterations (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--validation-interval", defaultValue = "100",
            description = "Iterations between validations and checkpoints (default: ${DEFAULT-VALUE}).")
    int validationInterval;

    @Option(names = "--seed", defaultValue = "0", description = "Run seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--resume", description = "Continue the training checkpointed in --out (same data and seed; "
            + "architecture and solver come from the file).")
    boolean resume;

    @Option(names = "--image-shape", converter = Converters.ImageShapeConverter.class,
            description = "For image data (e.g. 8x8): draw generated images in the report.")
    Converters.ImageShape imageShape;

    private void check(boolean ok, String message) {
        if (!ok) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }

    @Override
    public Integer call() throws Exception {
        check(blocks >= 1, "--blocks must be at least 1");
        check(time > 0, "--time must be positive");
        check(batch >= 1, "--batch must be at least 1");
        check(iterations >= 0, "--iterations must not be negative");
        check(lr > 0 && weightDecay >= 0, "--lr must be positive and --weight-decay not negative");
        check(rtol > 0 && atol > 0, "--rtol and --atol must be positive");
        check(steps >= 1, "--steps must be at least 1");
        check(maxNfe >= 0, "--max-nfe must not be negative");
        check(validationInterval >= 0, "--validation-interval must not be negative");
        check(kinetic >= 0 && jacobian >= 0, "regulariser weights must not be negative");
        check(hidden.length >= 1 && java.util.Arrays.stream(hidden).allMatch(h -> h >= 1), "--hidden widths must be positive");
        check(objective.equals(MaximumLikelihood.NAME) || objective.equals(FlowMatching.NAME),
                "unknown --objective '" + objective + "'; expected mle or flow-matching");
        check(sigmaMin >= 0 && sigmaMin < 1, "--sigma-min must be in [0, 1)");
        TimeSampling times;
        try {
            times = TimeSampling.byName(timeSampling);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        boolean flowMatching = objective.equals(FlowMatching.NAME);
        LearningRateSchedule schedule;
        try {
            schedule = LearningRateSchedule.byName(lrSchedule);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        check(!flowMatching || !otCoupling || batch <= FlowMatching.MAX_OT_BATCH,
                "--ot-coupling takes batches of at most " + FlowMatching.MAX_OT_BATCH);
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        OutputPaths.check("--out", out, dataOptions.toy() ? null : Path.of(dataOptions.data));
        OutputPaths.checkFolder("--report", report);
        TrainingData trainingData = dataOptions.load(spec, seed);
        List<String> cols = dataOptions.loadedColumns;
        AdjointMethod.BackwardTolerances backwardTolerances = backwardRtol == null && backwardAtol == null ? null
                : new AdjointMethod.BackwardTolerances(backwardRtol == null ? rtol : backwardRtol,
                        backwardAtol == null ? atol : backwardAtol);
        GradientMethod method = gradient.equals("direct") ? new DirectBackprop()
                : new AdjointMethod(backwardTolerances, seminorm);
        TrainingConfig config = new TrainingConfig(iterations, batch, lr, weightDecay, validationInterval, method,
                trace, new TrainingObjective(kinetic, jacobian), seed, true,
                flowMatching ? new FlowMatching(sigmaMin, otCoupling, times) : null, schedule);
        BaselineSummary fitted = null;
        ContinuousNormalizingFlow flow;
        Trainer trainer;
        if (resume) {
            LoadedModel m = ModelFile.load(out);
            if (m.checkpoint() == null) {
                throw new IllegalArgumentException(out + " holds no checkpoint to resume from");
            }
            flow = m.flow();
            if (maxNfe > 0) {
                flow.setSolver(flow.solver().withMaxEvaluations(maxNfe));
            }
            TrainingSummary before = m.metadata().training();
            if (before != null) {
                // the objective, like the architecture, comes from the file
                config = config.withFlowMatching(Objectives.flowMatching(before.objectiveSettings()));
                fitted = before.baselines();
            }
            trainer = Trainer.resume(flow, trainingData, config, m.checkpoint());
        } else {
            SolverConfig sc = (solver.isAdaptive() ? new SolverConfig(solver, rtol, atol, 0, 10_000)
                    : SolverConfig.fixed(solver, steps)).withMaxEvaluations(maxNfe);
            flow = ContinuousNormalizingFlow.builder(trainingData.dim()).hiddenDims(hidden).layerType(layerType)
                    .activation(activation).blocks(blocks).endTime(time).trainEndTime(trainTime).solver(sc).seed(seed)
                    .build();
            trainer = new Trainer(flow, trainingData, config);
        }
        flow.setMatrixPrecision(precision);
        if (baselines && fitted == null) {
            try (Progress.Task task = new Progress.Task(Progress.mode(common), err, "baselines")) {
                fitted = Baselines.fit(trainingData);
            }
        }
        trainer.setBaselines(baselines ? fitted : null);
        ModelMetadata meta = new ModelMetadata(trainingData.standardizer(), trainingData.dequantized(),
                trainingData.describe(), cols, null);
        Progress.Mode mode = Progress.mode(common);
        trainer.addListener(Progress.training(mode, err));
        Trainer t = trainer;
        long[] checkpointed = {resume ? trainer.iteration() : -1};
        trainer.addListener(new TrainingListener() {
            @Override
            public void onValidation(ValidationStats v) {
                t.save(out, meta, t.summarySoFar());
                checkpointed[0] = v.iteration();
            }
        });
        if (!common.quiet) {
            err.printf(Locale.ROOT, "training %s on %s (%d parameters) with %s, objective %s%n",
                    flow.block(0).describe(), trainingData.describe(), flow.parameterCount(), flow.solver(),
                    trainer.objective().describe());
            err.flush();
        }
        TrainingResult r;
        try {
            r = trainer.trainAndSave(out, meta);
        } catch (TrainingException e) {
            throw new TrainingException(e.getMessage() + "; " + (checkpointed[0] >= 0 ? out
                    + " keeps the checkpoint of iteration " + checkpointed[0] + " (continue with --resume)"
                    : "no checkpoint was written (the run stopped before its first validation)"), e);
        }
        var s = r.summary();
        stdout.printf(Locale.ROOT, "trained %d iterations in %.1f s%n", s.iterations(), s.wallSeconds());
        if (!Double.isNaN(s.bestValidationNll())) {
            stdout.printf(Locale.ROOT, "best validation NLL: %.4f nats (iteration %d)%n", s.bestValidationNll(),
                    s.bestIteration());
        }
        if (!Double.isNaN(s.testNll())) {
            stdout.printf(Locale.ROOT, "test NLL: %.4f nats%s%n", s.testNll(), trainingData.dequantized()
                    ? String.format(Locale.ROOT, " (%.4f bits/dim)", s.testNll() / (trainingData.dim() * Math.log(2))) : "");
        }
        if (s.baselines() != null) {
            BaselineSummary b = s.baselines();
            stdout.printf(Locale.ROOT, "baselines, test NLL: Gaussian %.4f nats, Gaussian mixture (%d components) %.4f nats%n",
                    b.gaussianTestNll(), b.mixtureComponents(), b.mixtureTestNll());
        }
        stdout.printf("model written to %s%n", out);
        if (report != null) {
            INDArray evaluation = trainingData.test().rows() > 0 ? trainingData.test() : trainingData.validation();
            ReportGenerator.Input in = new ReportGenerator.Input(new DensityModel(flow, trainingData.standardizer()))
                    .title("cnf train: " + dataOptions.data)
                    .modelName(String.valueOf(out.getFileName()))
                    .data(trainingData.standardizer().inverse(evaluation), trainingData.describe(), cols,
                            trainingData.dequantized())
                    .history(r.iterations(), r.validations()).summary(s).seed(seed).imageShape(imageShape == null ? null : imageShape.toArray());
            ReportSettings.describe(in, this);
            try (Progress.Task task = new Progress.Task(mode, err, "report density grid")) {
                in.progress(task);
                Path index = ReportGenerator.generate(in, report);
                stdout.printf("report written to %s%n", index);
            }
        }
        stdout.flush();
        return 0;
    }
}
