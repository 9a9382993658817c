package org.cnf4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.cnf4j.adjoint.TrainingObjective;
import org.cnf4j.data.Dataset;
import org.cnf4j.data.TableTrainingData;
import org.cnf4j.data.ToyDataset;
import org.cnf4j.data.ToyTrainingData;
import org.cnf4j.data.TrainingData;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.SolverConfig;
import org.cnf4j.io.LoadedModel;
import org.cnf4j.io.ModelFile;
import org.cnf4j.io.ModelMetadata;
import org.cnf4j.nn.Activation;
import org.cnf4j.nn.LayerType;
import org.cnf4j.nn.MatrixPrecision;
import org.cnf4j.ode.RungeKuttaMethod;
import org.cnf4j.report.ReportGenerator;
import org.cnf4j.sample.DensityModel;
import org.cnf4j.trace.TraceEstimator;
import org.cnf4j.train.Trainer;
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

/** {@code cnf train}: fits a flow by maximum likelihood and writes the model file (and a report). */
@Command(name = "train", mixinStandardHelpOptions = true, versionProvider = CnfCommand.Version.class,
        sortOptions = false, description = {
            "Fits a continuous normalizing flow to data by maximum likelihood (adjoint gradients, Adam) and "
                    + "writes the model file, checkpointed at every validation. Defaults are FFJORD's toy settings.",
            "Data: a toy generator (8gaussians, checkerboard, 2spirals, pinwheel, rings, moons, circles, swissroll) "
                    + "or a .csv/.tsv (header row) or .npy file."})
public final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(names = "--data", required = true, description = "Toy data set name or data file.")
    String data;

    @Option(names = "--columns", split = ",", description = "Columns of a data file to use (names or 0-based indices).")
    List<String> columns;

    @Option(names = "--exclude-columns", split = ",", description = "Columns of a data file to leave out (e.g. a label).")
    List<String> excludeColumns;

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

    @Option(names = "--validation-size", defaultValue = "1000", description = "Toy data: validation samples (default: ${DEFAULT-VALUE}).")
    int validationSize;

    @Option(names = "--test-size", defaultValue = "10000", description = "Toy data: test samples (default: ${DEFAULT-VALUE}).")
    int testSize;

    @Option(names = "--validation-fraction", defaultValue = "0.1", description = "Data files: validation share (default: ${DEFAULT-VALUE}).")
    double validationFraction;

    @Option(names = "--test-fraction", defaultValue = "0.1", description = "Data files: test share (default: ${DEFAULT-VALUE}).")
    double testFraction;

    @Option(names = "--dequantize", description = "Data files of integers: add uniform [0, 1) noise (reports bits/dim).")
    boolean dequantize;

    @Option(names = "--standardize", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Data files: standardise columns with the training rows' mean and std (default: ${DEFAULT-VALUE}).")
    boolean standardize;

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
        check(validationInterval >= 0, "--validation-interval must not be negative");
        check(kinetic >= 0 && jacobian >= 0, "regulariser weights must not be negative");
        check(hidden.length >= 1 && java.util.Arrays.stream(hidden).allMatch(h -> h >= 1), "--hidden widths must be positive");
        boolean toy = DataFiles.isToy(data);
        check(toy || data.contains(".") || Files.exists(Path.of(data)), "unknown toy data set '" + data
                + "'; expected 8gaussians, checkerboard, 2spirals, pinwheel, rings, moons, circles, swissroll or a "
                + ".csv/.tsv/.npy file");
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        TrainingData trainingData;
        List<String> cols;
        if (toy) {
            trainingData = new ToyTrainingData(ToyDataset.byName(data), seed, validationSize, testSize);
            cols = List.of("x", "y");
        } else {
            Dataset ds = DataFiles.read(data, columns, excludeColumns);
            trainingData = new TableTrainingData(ds, validationFraction, testFraction, seed, dequantize, standardize);
            cols = ds.columns();
        }
        TrainingConfig config = new TrainingConfig(iterations, batch, lr, weightDecay, validationInterval, gradient,
                seminorm, backwardRtol == null ? Double.NaN : backwardRtol,
                backwardAtol == null ? Double.NaN : backwardAtol, trace, new TrainingObjective(kinetic, jacobian), seed,
                true);
        ContinuousNormalizingFlow flow;
        Trainer trainer;
        if (resume) {
            LoadedModel m = ModelFile.load(out);
            if (m.checkpoint() == null) {
                throw new IllegalArgumentException(out + " holds no checkpoint to resume from");
            }
            flow = m.flow();
            trainer = Trainer.resume(flow, trainingData, config, m.checkpoint());
        } else {
            SolverConfig sc = solver.isAdaptive() ? new SolverConfig(solver, rtol, atol, 0, 10_000)
                    : SolverConfig.fixed(solver, steps);
            flow = ContinuousNormalizingFlow.builder(trainingData.dim()).hiddenDims(hidden).layerType(layerType)
                    .activation(activation).blocks(blocks).endTime(time).trainEndTime(trainTime).solver(sc).seed(seed)
                    .build();
            trainer = new Trainer(flow, trainingData, config);
        }
        flow.setMatrixPrecision(precision);
        ModelMetadata meta = new ModelMetadata(trainingData.standardizer(), trainingData.dequantized(),
                trainingData.describe(), cols, null);
        Progress.Mode mode = Progress.mode(common);
        trainer.addListener(Progress.training(mode, err));
        Trainer t = trainer;
        trainer.addListener(new TrainingListener() {
            @Override
            public void onValidation(ValidationStats v) {
                t.save(out, meta, t.summarySoFar());
            }
        });
        if (!common.quiet) {
            err.printf(Locale.ROOT, "training %s on %s (%d parameters) with %s%n", flow.block(0).describe(),
                    trainingData.describe(), flow.parameterCount(), flow.solver());
            err.flush();
        }
        TrainingResult r = trainer.trainAndSave(out, meta);
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
        stdout.printf("model written to %s%n", out);
        if (report != null) {
            INDArray evaluation = trainingData.test().rows() > 0 ? trainingData.test() : trainingData.validation();
            ReportGenerator.Input in = new ReportGenerator.Input(new DensityModel(flow, trainingData.standardizer()))
                    .title("cnf train: " + data)
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
