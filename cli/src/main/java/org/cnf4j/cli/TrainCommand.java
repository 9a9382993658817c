package org.cnf4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.cnf4j.TrainOptions;
import org.cnf4j.TrainingRun;
import org.cnf4j.baseline.Baselines;
import org.cnf4j.data.TrainingData;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.GaussianMixtureBase;
import org.cnf4j.io.BaselineSummary;
import org.cnf4j.io.ModelFile;
import org.cnf4j.io.ModelMetadata;
import org.cnf4j.io.Provenance;
import org.cnf4j.nn.MatrixPrecision;
import org.cnf4j.report.ReportFolder;
import org.cnf4j.report.ReportGenerator;
import org.cnf4j.sample.DensityModel;
import org.cnf4j.train.FlowMatching;
import org.cnf4j.train.MaximumLikelihood;
import org.cnf4j.train.Trainer;
import org.cnf4j.train.TrainingConfig;
import org.cnf4j.train.TrainingException;
import org.cnf4j.train.TrainingResult;
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
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        versionProvider = CnfCommand.Version.class,
        abbreviateSynopsis = true,
        sortOptions = false,
        description = {
            "Fits a continuous normalizing flow to data by flow matching (no ODE solve; the default) or by maximum "
                    + "likelihood (adjoint gradients) and writes the model file, checkpointed at every validation. By "
                    + "default the run's length follows from the table, the network and the batch (a minute or two on "
                    + "two cores; never from a timing, so the same command and seed give the same model on any "
                    + "machine), starting from the Gaussian mixture fitted to the training rows (never kept worse "
                    + "than it on validation), with OT coupling, a linearly decaying learning rate and a moving "
                    + "average of the weights; --time-budget only caps it.",
            "Data: a toy generator (8gaussians, checkerboard, 2spirals, pinwheel, rings, moons, circles, swissroll) "
                    + "or a .csv/.tsv (header row) or .npy file."
        })
public final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Mixin
    DataOptions dataOptions = new DataOptions();

    @Mixin
    TrainingOptions training = new TrainingOptions();

    @Option(names = "--out", required = true, description = "Model file to write (zip).")
    Path out;

    @Option(
            names = "--report",
            description = "Folder for the HTML report, written at the end (a new or empty "
                    + "folder, or one with an earlier cnf report).")
    Path report;

    @Option(names = "--force", description = "Write the report into a folder that holds other files (beside them).")
    boolean force;

    @Option(
            names = "--precision",
            defaultValue = "double",
            description = "Matrix products of the network in double or float: float is faster, about 1e-7 relative "
                    + "error in f (default: ${DEFAULT-VALUE}).")
    MatrixPrecision precision;

    @Option(
            names = "--objective",
            defaultValue = "flow-matching",
            description =
                    "flow-matching (regress the field "
                            + "on straight paths, no solve) or mle (maximum likelihood through the ODE) (default: ${DEFAULT-VALUE}).")
    String objective;

    @Option(
            names = "--ot-coupling",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Flow matching: pair noise and data in each batch by minibatch optimal transport "
                    + "(batch <= 512) (default: ${DEFAULT-VALUE}).")
    boolean otCoupling;

    @Option(
            names = "--baselines",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Fit the Gaussian and Gaussian-mixture baselines and report their test NLL "
                    + "(default: ${DEFAULT-VALUE}).")
    boolean baselines;

    @Option(
            names = "--resume",
            description = "Continue the training checkpointed in --out (same data and seed; "
                    + "architecture and solver come from the file).")
    boolean resume;

    @Option(
            names = "--image-shape",
            converter = Converters.ImageShapeConverter.class,
            description = "For image data (e.g. 8x8): recorded in the model with the training rows' grey scale; "
                    + "the report and cnf sample --png draw data and samples as images on that scale.")
    Converters.ImageShape imageShape;

    /**
     * With {@code --image-shape}: the layout and the training rows' grey scale, recorded in the
     * model so that {@code cnf sample --png} and reports draw its images on the data's scale.
     */
    private org.cnf4j.io.ImageLayout imageLayout(TrainingData data, int dim) {
        if (imageShape == null) {
            return resume ? ModelFile.describe(out).metadata().image() : null;
        }
        int[] hw = imageShape.toArray();
        if ((long) hw[0] * hw[1] != dim) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--image-shape " + hw[0] + "x" + hw[1] + " needs " + (long) hw[0] * hw[1]
                            + " data columns; the data have " + dim);
        }
        INDArray raw = data.standardizer().inverse(data.trainingSample(Integer.MAX_VALUE));
        double[] v = org.cnf4j.linalg.NativeArrays.toArray(raw.get(
                        org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(0, dim))
                .dup('c'));
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        return new org.cnf4j.io.ImageLayout(hw[0], hw[1], lo, hi > lo ? hi : lo + 1);
    }

    /** The command line named in the report's title ({@code cnf demo} names its own). */
    String commandForTitle;

    private void check(boolean ok, String message) {
        if (!ok) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }

    @Override
    public Integer call() throws Exception {
        check(
                objective.equals(MaximumLikelihood.NAME) || objective.equals(FlowMatching.NAME),
                "unknown --objective '" + objective + "'; expected mle or flow-matching");
        boolean flowMatching = objective.equals(FlowMatching.NAME);
        check(
                !flowMatching || !otCoupling || training.batch() <= FlowMatching.MAX_OT_BATCH,
                "--ot-coupling takes batches of at most " + FlowMatching.MAX_OT_BATCH + "; give --no-ot-coupling for "
                        + "larger ones");
        check(!resume || training.iterationsGiven(), "--resume continues to the --iterations given; name them");
        check(
                training.contextDropout == 0
                        || flowMatching && dataOptions.context != null && !dataOptions.context.isEmpty(),
                "--context-dropout is for flow matching with --context (it trains "
                        + "the unconditional field beside the conditional one, for --guidance)");
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        OutputPaths.check("--out", out, dataOptions.toy() ? null : Path.of(dataOptions.data));
        OutputPaths.checkFolder("--report", report);
        OutputPaths.distinct("--out", out, "--report", report);
        if (report != null) {
            ReportFolder.check(
                    "--report",
                    report,
                    force,
                    java.util.Arrays.asList(out, dataOptions.toy() ? null : Path.of(dataOptions.data)));
        }
        try (OutputLock lock = OutputLock.acquire("--out", out)) {
            train(stdout, err, flowMatching);
        }
        stdout.flush();
        return 0;
    }

    /** The library's options these flags stand for (what {@code Flow.train} takes). */
    TrainOptions options(boolean flowMatching) {
        return dataOptions
                .addTo(training.options(spec, flowMatching ? training.flowMatching(spec, otCoupling) : null))
                .precision(precision)
                .baselines(baselines)
                .build();
    }

    /** The command as the user typed it ({@code cnf demo ...} for a demo's training). */
    private String commandLine() {
        return commandForTitle != null
                ? commandForTitle
                : "cnf " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
    }

    /** Loads the data, trains (or resumes), writes the model and the report. */
    private void train(PrintWriter stdout, PrintWriter err, boolean flowMatching) throws Exception {
        TrainOptions options = options(flowMatching);
        TrainingData trainingData = dataOptions.load(spec, options);
        List<String> cols = dataOptions.loadedColumns;
        TrainingConfig config = options.config();
        Provenance provenance = Provenance.of(commandLine(), trainingData, training.seed());
        int flowDim = trainingData.dim() - dataOptions.contextDim();
        // a context level without training rows is refused before any work
        List<org.cnf4j.data.ContextColumn> counted =
                TrainingRun.counted(trainingData, dataOptions.loadedContext, flowDim);
        TrainingRun run = resume
                ? TrainingRun.resume(
                        trainingData,
                        ModelFile.load(out),
                        out.toString(),
                        config,
                        training.maxNfe(),
                        cols,
                        counted,
                        provenance)
                : TrainingRun.fresh(
                        trainingData,
                        options.newFlow(flowDim, dataOptions.contextDim()),
                        config,
                        cols,
                        counted,
                        provenance);
        ContinuousNormalizingFlow flow = run.flow();
        Trainer trainer = run.trainer();
        flow.setMatrixPrecision(precision);
        run.image(imageLayout(trainingData, flow.dim()));
        // the base and the baselines first (the mixture's search bounded by the table's shape; the
        // models kept: the report compares their samples with the flow's), then the run planned
        // from the table and the options: the same on any machine; a --time-budget only caps it
        org.cnf4j.baseline.FittedBaselines models;
        if (run.resumed()) {
            // both from the file
            models = run.prepare(baselines);
        } else {
            try (Progress.Task task =
                    new Progress.Task(Progress.mode(common), err, baselines ? "baselines" : "base distribution")) {
                models = run.prepare(baselines);
            }
        }
        Progress.Mode mode = Progress.mode(common);
        trainer.addListener(Progress.training(mode, err));
        run.plan(training.iterationsGiven()).ifPresent(plan -> {
            if (!common.quiet) {
                err.printf(Locale.ROOT, "%s%n", TrainingOptions.describePlan(plan));
                err.flush();
            }
        });
        ModelMetadata meta = run.metadata();
        long[] checkpointed = {resume ? trainer.iteration() : -1};
        run.checkpointEachValidation(out, v -> checkpointed[0] = v.iteration());
        if (!common.quiet) {
            err.printf(
                    Locale.ROOT,
                    "training %s on %s (%d parameters) with %s, objective %s%n",
                    flow.block(0).describe(),
                    trainingData.describe(),
                    flow.parameterCount(),
                    flow.solver(),
                    trainer.objective().describe());
            err.flush();
        }
        TrainingResult r;
        try {
            r = run.trainAndSave(out);
        } catch (TrainingException e) {
            throw new TrainingException(
                    e.getMessage() + "; "
                            + (checkpointed[0] >= 0
                                    ? out + " keeps the checkpoint of iteration " + checkpointed[0]
                                            + " (continue with --resume)"
                                    : "no checkpoint was written (the run stopped before its first validation)"),
                    e);
        }
        var s = r.summary();
        stdout.printf(Locale.ROOT, "trained %d iterations in %.1f s%n", s.iterations(), s.wallSeconds());
        if (!Double.isNaN(s.bestValidationNll())) {
            stdout.printf(
                    Locale.ROOT,
                    "kept: iteration %d, validation NLL %.4f nats%s%n",
                    s.bestIteration(),
                    s.bestValidationNll(),
                    s.bestIteration() == 0 && flow.base() instanceof GaussianMixtureBase
                            ? " (the start: the base mixture with a zero field; no trained field scored lower)"
                            : "");
        }
        if (!common.quiet && s.selection() != null) {
            err.printf("model choice: %s%n", s.selection());
            err.flush();
        }
        if (!Double.isNaN(s.testNll())) {
            stdout.printf(
                    Locale.ROOT,
                    "test NLL: %.4f nats%s%n",
                    s.testNll(),
                    trainingData.dequantized()
                            ? String.format(Locale.ROOT, " (%.4f bits/dim)", s.testNll() / (flow.dim() * Math.log(2)))
                            : "");
        }
        if (s.baselines() != null) {
            BaselineSummary b = s.baselines();
            if (dataOptions.contextDim() > 0) {
                boolean byClass = dataOptions.loadedContext.size() == 1
                        && dataOptions.loadedContext.get(0).categorical();
                stdout.printf(
                        Locale.ROOT,
                        "conditional baselines, test NLL: linear-Gaussian regression %.4f nats, %s "
                                + "(%s) %.4f nats%n",
                        b.gaussianTestNll(),
                        byClass ? "Gaussian mixture per class" : "Gaussian mixture of the regression's residuals",
                        Progress.components(b.mixtureComponents()),
                        b.mixtureTestNll());
            } else {
                stdout.printf(
                        Locale.ROOT,
                        "baselines, test NLL: Gaussian %.4f nats, Gaussian mixture (%s) " + "%.4f nats%n",
                        b.gaussianTestNll(),
                        Progress.components(b.mixtureComponents()),
                        b.mixtureTestNll());
            }
            double bestBaseline = Math.min(b.gaussianTestNll(), b.mixtureTestNll());
            if (!Double.isNaN(s.testNll()) && s.testNll() > bestBaseline) {
                // said even with --quiet: the flow is behind a simpler model on the same rows
                stdout.printf(
                        Locale.ROOT,
                        "note: the flow's test NLL is %.4f nats worse than the best baseline's "
                                + "(%s); the baseline is the better density of these rows%n",
                        s.testNll() - bestBaseline,
                        b.mixtureTestNll() <= b.gaussianTestNll() ? "the Gaussian mixture" : "the Gaussian");
            }
            int searched = Baselines.componentsBeforeTraining(trainingData, flow.dim());
            if (searched < Baselines.MAX_COMPONENTS
                    && flow.dim() > 1
                    && dataOptions.contextDim() == 0
                    && !common.quiet) {
                err.printf(
                        Locale.ROOT,
                        "(the mixture's components were searched up to %d, as many as this table's "
                                + "size allows before training; cnf baselines searches 1 to %d)%n",
                        searched,
                        Baselines.MAX_COMPONENTS);
                err.flush();
            }
        }
        stdout.printf("model written to %s%n", out);
        if (report != null) {
            INDArray evaluation = trainingData.test().rows() > 0 ? trainingData.test() : trainingData.validation();
            ReportGenerator.Input in = new ReportGenerator.Input(new DensityModel(flow, trainingData.standardizer()))
                    .producedBy(CnfCommand.cnfVersion())
                    .title(commandLine())
                    .split(
                            trainingData.test().rows() > 0
                                    ? trainingData.test().rows() + " test rows"
                                    : trainingData.validation().rows() + " validation rows")
                    .modelName(String.valueOf(out.getFileName()))
                    .data(
                            trainingData.standardizer().inverse(evaluation),
                            trainingData.describe(),
                            cols,
                            trainingData.dequantized())
                    .history(r.iterations(), r.validations())
                    .summary(s)
                    .context(dataOptions.loadedContext)
                    .seed(training.seed())
                    .image(meta.image());
            if (models != null) {
                int n = Math.min(evaluation.rows(), 1000);
                in.baselineSamples(
                        "Gaussian baseline",
                        trainingData
                                .standardizer()
                                .inverse(org.nd4j.linalg.factory.Nd4j.createFromArray(
                                        models.gaussianSamples(n, training.seed()))));
                in.baselineSamples(
                        "Gaussian mixture baseline ("
                                + Progress.components(models.mixture().components()) + ")",
                        trainingData
                                .standardizer()
                                .inverse(org.nd4j.linalg.factory.Nd4j.createFromArray(
                                        models.mixtureSamples(n, training.seed()))));
            }
            ReportSettings.describe(in, this, s.iterations());
            try (Progress.Task task = new Progress.Task(mode, err, "report density grid")) {
                in.progress(task);
                Path index = ReportFolder.write(report, folder -> ReportGenerator.generate(in, folder));
                stdout.printf("report written to %s%n", index);
            }
        }
    }
}
