package org.cnf4j.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.cnf4j.adjoint.GradientMethod;
import org.cnf4j.baseline.Baselines;
import org.cnf4j.baseline.FittedBaselines;
import org.cnf4j.data.TrainingData;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.RandomStreams;
import org.cnf4j.flow.StandardNormal;
import org.cnf4j.io.BaselineSummary;
import org.cnf4j.io.Checkpoint;
import org.cnf4j.io.ModelFile;
import org.cnf4j.io.ModelMetadata;
import org.cnf4j.io.TrainingSummary;
import org.cnf4j.linalg.NativeArrays;
import org.cnf4j.nn.MlpDynamics;
import org.cnf4j.ode.OdeSolveException;
import org.cnf4j.trace.TraceEstimator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Fits a flow: for each iteration a batch (a pure function of seed and iteration), the loss and
 * gradient of the configured {@link Objective} (maximum likelihood through a {@link GradientMethod},
 * or flow matching) with its random draws from the stream "noise-{iteration}", weight decay, and
 * one step of ND4J's Adam on the flow's single flat parameter array, and optionally an
 * exponential moving average of the parameters (what is then validated and kept). Validates every
 * k iterations on the validation NLL (with flow matching: exact trace, and the flow-matching loss
 * beside it) and keeps the latest parameters that are not worse than the best validated ones by
 * more than {@value #SELECTION_STANDARD_ERRORS} standard errors of the paired per-row difference,
 * so that noise in a small validation set does not pick an early iteration. A time budget stops
 * the run early (after one last validation). Its state
 * (parameters, Adam's moments, iteration, best validation, history) can be checkpointed into the
 * model file and resumed bit for bit.
 */
public final class Trainer {

    private final ContinuousNormalizingFlow flow;
    private final TrainingData data;
    private TrainingConfig config;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private final INDArray optimizerState;
    private GradientUpdater<?> adam;
    private final TraceEstimator estimator;
    private final Objective objective;
    private BaselineSummary baselines;
    private TrainingLog log = new TrainingLog();
    private long iteration;
    private INDArray lastParameters;
    private BatchGradient batchGradient;
    private INDArray ema;
    /** The run's length as cross-validation chose it, or null. */
    private FoldedLength.Choice lengthChoice;
    /** The time budget {@link #plan} counted from (seconds; 0: none), for the summary. */
    private double plannedCap;
    /** Whether the batch was left to the data ({@link TrainingConfig#AUTOMATIC_BATCH}). */
    private final boolean automaticBatch;
    /** The validation rows scored, once taken from the validation set. */
    private INDArray validationRows;
    /** The baselines {@link #prepareBase} fitted (its mixture the flow's base), or null. */
    private FittedBaselines fittedBase;

    /**
     * How many standard errors of the paired per-row NLL difference a later validation may be
     * worse than the best one so far and still be kept: later parameters have seen more data
     * (and a decayed learning rate), so they are kept unless the validation rows show them worse.
     */
    public static final double SELECTION_STANDARD_ERRORS = 2;

    /**
     * A trainer starting at iteration 0.
     *
     * @param flow the flow to fit (its parameters are updated in place)
     * @param data batches and held-out sets, in the flow's space
     * @param config settings
     */
    public Trainer(ContinuousNormalizingFlow flow, TrainingData data, TrainingConfig config) {
        if (data.dim() != flow.inputColumns()) {
            throw new IllegalArgumentException(
                    "the data have " + data.dim() + " columns, the flow " + flow.inputColumns()
                            + (flow.contextDim() > 0
                                    ? " (" + flow.dim() + " data and " + flow.contextDim() + " context)"
                                    : ""));
        }
        automaticBatch = config.batchSize() == TrainingConfig.AUTOMATIC_BATCH;
        if (automaticBatch) {
            // a small table trains on all its rows each iteration: the batch follows from the data
            config = config.withBatchSize((int)
                    (data.trainingRows() < 0
                            ? TrainingConfig.DEFAULT_BATCH
                            : Math.max(1, Math.min(TrainingConfig.DEFAULT_BATCH, data.trainingRows()))));
        }
        if (data.trainingRows() >= 0 && data.trainingRows() < config.batchSize()) {
            throw new IllegalArgumentException("a batch of " + config.batchSize()
                    + " needs at least that many training " + "rows; the training split has " + data.trainingRows());
        }
        this.flow = flow;
        this.data = data;
        this.config = config;
        long p = flow.parameterCount();
        Adam conf = config.schedule().adam(config.learningRate(), config.iterations());
        this.optimizerState = Nd4j.zeros(DataType.DOUBLE, 1, conf.stateSize(p));
        this.adam = conf.instantiate(optimizerState, true);
        this.estimator = config.estimatorFor(flow.dim());
        this.objective = config.newObjective(flow.dim());
        this.ema = config.emaDecay() > 0 ? flow.parameters().dup() : null;
        log.seed = config.seed();
        log.data = data.describe();
        log.dataDigest = data.contentDigest();
    }

    /**
     * A trainer continuing from a checkpoint: restores the current parameters, Adam's state, the
     * iteration, the best validation and the history.
     *
     * @throws IllegalArgumentException when the checkpoint was trained on other data or with another
     *     seed (as recorded in it), or has already passed {@code config.iterations()} (a checkpoint
     *     at exactly that many is finished: no iteration, the test NLL and the kept parameters)
     */
    public static Trainer resume(
            ContinuousNormalizingFlow flow, TrainingData data, TrainingConfig config, Checkpoint checkpoint) {
        Trainer t = new Trainer(flow, data, config);
        TrainingLog log = TrainingLog.fromJson(checkpoint.trainerState(), flow.parameterCount());
        // another data set or seed would silently mix two runs: the best validation, the baselines
        // and the split of the checkpoint belong to the data and seed it was trained with
        String digest = data.contentDigest();
        if (log.dataDigest != null
                && digest != null
                && scheme(log.dataDigest).equals(scheme(digest))
                && !log.dataDigest.equals(digest)) {
            throw new IllegalArgumentException(
                    "the checkpoint was trained on other rows than those of " + data.describe()
                            + " (the content differs: " + log.dataDigest.substring(0, 19) + "... then, "
                            + digest.substring(0, 19)
                            + "... now); resume it with the same data");
        }
        if (log.data != null && !log.data.equals(data.describe())) {
            throw new IllegalArgumentException("the checkpoint was trained on " + log.data + ", not on "
                    + data.describe() + "; resume it with the same data");
        }
        if (log.seed != null && log.seed != config.seed()) {
            throw new IllegalArgumentException("the checkpoint was trained with seed " + log.seed + ", not "
                    + config.seed() + "; resume it with --seed " + log.seed);
        }
        // equal counts finish a run stopped after its last checkpoint (the test NLL and the final write)
        if (config.iterations() < checkpoint.iteration()) {
            throw new IllegalArgumentException("the checkpoint has already trained " + checkpoint.iteration()
                    + " iterations; ask for at least that many to resume (" + config.iterations() + " asked for)");
        }
        flow.parameters().assign(checkpoint.parameters());
        t.optimizerState.assign(checkpoint.optimizerState().reshape(t.optimizerState.shape()));
        t.iteration = checkpoint.iteration();
        t.log = log;
        if (t.ema != null) {
            t.ema.assign(log.emaParameters != null ? log.emaParameters : flow.parameters());
        }
        return t;
    }

    /** The kind of a content digest: its text before the first colon ("sha256", "rowsum"). */
    private static String scheme(String digest) {
        int colon = digest.indexOf(':');
        return colon < 0 ? digest : digest.substring(0, colon);
    }

    /**
     * Where a batch's loss and gradient are computed: by default here, from
     * {@code data.batch(iteration, size)}; a data-parallel implementation computes them where the
     * data are (e.g. on a Spark cluster, as shares of the batch added up with
     * {@link Objective#evaluateRows}). Everything else (the Adam step, weight decay, validation,
     * checkpoints) stays the trainer's.
     */
    @FunctionalInterface
    public interface BatchGradient {
        /**
         * The loss and gradient of an iteration's batch at the flow's current parameters.
         *
         * @param noise the iteration's stream ("noise-{iteration}" of the run seed)
         */
        ObjectiveResult compute(
                ContinuousNormalizingFlow flow,
                Objective objective,
                long iteration,
                int batchSize,
                RandomGenerator noise);
    }

    /** Computes batches with {@code gradient} instead of in this JVM; returns this. */
    public Trainer setBatchGradient(BatchGradient gradient) {
        this.batchGradient = gradient;
        return this;
    }

    /** The most validation rows a validation scores (the first ones of the validation set). */
    public static final int MAX_VALIDATION_ROWS = 5000;

    /**
     * A planned run.
     *
     * @param iterations iterations planned
     * @param validationInterval iterations between validations
     * @param limit what bounds the iterations, in words (the passes over the table, the work a run is
     *     sized for, the cap, or the length cross-validation chose)
     */
    public record Plan(int iterations, int validationInterval, String limit) {}

    /**
     * Plans the run before it starts, from the table and the settings alone (no timing: the same
     * table, settings and seed plan the same run on any machine, idle or busy): the iterations
     * ({@link RunLength}: passes over the table, the work a run is sized for, and the configured
     * iterations as a cap), up to {@link RunLength#PLANNED_VALIDATIONS} validations over them, and
     * the learning-rate schedule over those iterations. On a small table (a validation set of fewer
     * than 200 rows) {@link FoldedLength} chooses the length instead, by 5-fold cross-validation,
     * and the run validates once, at its end, keeping its last parameters. A time budget in the
     * configuration only caps the run: it counts from this call, covers the folds and the run, and a
     * run it cuts says so in its summary. The plan states the count and the validation interval, so
     * a rerun with them repeats the run exactly.
     *
     * @throws IllegalStateException after training has started
     */
    public Plan plan() {
        if (iteration > 0) {
            throw new IllegalStateException("a run is planned before its first iteration");
        }
        long start = System.nanoTime();
        prepareBase();
        double cap = config.timeBudgetSeconds();
        boolean validated = config.validationInterval() > 0 && data.validation().rows() > 0;
        int work = RunLength.workIterations(
                objective instanceof FlowMatching, config.batchSize(), flow.parameterCount(), traceProbes());
        RunLength.Length length = RunLength.plan(
                data.trainingRows(),
                data.validation().rows(),
                validated,
                config.batchSize(),
                work,
                config.iterations());
        int planned = length.iterations();
        String limit = length.limit();
        int interval = validated ? Math.max(1, planned / RunLength.PLANNED_VALIDATIONS) : config.validationInterval();
        FoldedLength.Choice folded =
                FoldedLength.plan(this, planned, work, cap > 0 ? start + (long) (cap * 1e9) : Long.MAX_VALUE);
        if (folded != null) {
            lengthChoice = folded;
            planned = folded.iterations();
            interval = planned;
            limit = folded.describe();
        }
        if (cap > 0) {
            // the budget counts from the plan: the folds spent part of it
            config = config.withTimeBudget(Math.max(cap - (System.nanoTime() - start) / 1e9, 1e-3));
        }
        config = config.withIterations(planned).withValidationInterval(interval);
        Adam conf = config.schedule().adam(config.learningRate(), config.iterations());
        optimizerState.assign(0);
        this.adam = conf.instantiate(optimizerState, true);
        plannedCap = cap;
        return new Plan(planned, interval, limit);
    }

    /**
     * With {@link TrainingConfig#mixtureBase()}, before the first iteration of an unconditional
     * flow whose base is still N(0, I): fits the baselines ({@link Baselines#fitted} with {@link
     * Baselines#MIXTURE_WORK}: the search the report shows, from the table's shape alone), makes
     * the chosen Gaussian mixture the flow's base and zeroes each block's last layer ({@link
     * MlpDynamics#zeroOutputLayer}), so the flow starts as that mixture; the validation rows are
     * scored under it as the run's first candidate (iteration 0), and no trained parameters whose
     * validation NLL is higher replace it. {@link #plan} and {@link #train} call it; a front end
     * may call it first to show its progress and reuse the baselines. Once: later calls return the
     * same.
     *
     * @return the fitted baselines, or null when the base stays as it is (N(0, I) asked for, a
     *     conditional flow, a base already set, a resumed run)
     */
    public FittedBaselines prepareBase() {
        if (fittedBase != null
                || !config.mixtureBase()
                || flow.contextDim() > 0
                || iteration > 0
                || !(flow.base() instanceof StandardNormal)) {
            return fittedBase;
        }
        fittedBase = Baselines.fitted(data, Baselines.MIXTURE_WORK);
        flow.setBase(fittedBase.mixture().toBaseDistribution());
        boolean zero = true;
        for (int k = 0; k < flow.blockCount(); k++) {
            if (flow.block(k) instanceof MlpDynamics net) {
                net.zeroOutputLayer();
            } else {
                zero = false;
            }
        }
        if (ema != null) {
            ema.assign(flow.parameters());
        }
        if (zero && config.validationInterval() > 0 && data.validation().rows() > 0) {
            validateStart();
        }
        return fittedBase;
    }

    /**
     * Scores the validation rows under the base alone (the field is zero, so log p is the base's
     * log-density and the standardiser's log-Jacobian, with no solve) and records it as the
     * validation of iteration 0.
     */
    private void validateStart() {
        INDArray rows = validationRows();
        double logDet = data.standardizer().head(flow.dim()).logDetJacobian();
        double[] rowNll = NativeArrays.toArray(flow.base().logDensity(rows));
        double sum = 0;
        for (int i = 0; i < rowNll.length; i++) {
            rowNll[i] = -(rowNll[i] + logDet);
            sum += rowNll[i];
        }
        double nll = sum / rowNll.length;
        log.startNll = nll;
        log.lowestNll = nll;
        log.lowestRowNll = rowNll;
        log.bestValidation = nll;
        log.bestIteration = 0;
        log.bestParameters = flow.parameters().dup();
        log.validations.add(new ValidationStats(0, nll, true, Double.NaN));
    }

    /**
     * Network rows (forward-pass equivalents) one iteration evaluates, as the kernels' rule counts
     * them: flow matching evaluates each batch row forward and backward once on the per-row-time path
     * (3 passes at {@link MlpDynamics#ROW_TIME_COST} each); maximum likelihood
     * evaluates each row and its trace probes over a forward and a backward solve (counted as 30
     * forward and 30 backward evaluations of 3 passes: 120).
     */
    private double rowPassesPerIteration() {
        if (objective instanceof FlowMatching) {
            return 3.0 * MlpDynamics.ROW_TIME_COST * config.batchSize();
        }
        return 120.0 * (1 + traceProbes()) * config.batchSize();
    }

    /** Trace probes per row of a maximum-likelihood solve: the dimension for the exact trace, else one. */
    private int traceProbes() {
        return flow.traceEstimator().isExact() ? flow.dim() : 1;
    }

    /** The settings in use (after {@link #plan}, with the planned iterations). */
    public TrainingConfig config() {
        return config;
    }

    /** Adds a progress listener. */
    public Trainer addListener(TrainingListener listener) {
        listeners.add(listener);
        return this;
    }

    /** Iterations completed. */
    public long iteration() {
        return iteration;
    }

    /**
     * Runs until {@code config.iterations()} iterations are completed; the flow then holds the best
     * parameters. Before the first iteration the network kernels are fixed from the run's length
     * ({@link ContinuousNormalizingFlow#settleKernels}): measured and chosen for a long run (the
     * measurement counts in the time budget), the plain ones for a short run.
     */
    public TrainingResult train() {
        long start = System.nanoTime();
        prepareBase();
        // the kernels follow from the run's length alone (measured and chosen for a long run, the
        // plain ones for a short one), so a rerun with the same iterations runs the same kernels;
        // a measurement counts in the time budget
        flow.settleKernels(config.iterations() * rowPassesPerIteration());
        for (TrainingListener l : listeners) {
            l.onStart(iteration, config.iterations());
        }
        long deadline =
                config.timeBudgetSeconds() > 0 ? start + (long) (config.timeBudgetSeconds() * 1e9) : Long.MAX_VALUE;
        double wallBefore = log.wallSeconds;
        lastParameters = null;
        log.stoppedByBudget = false;
        INDArray params = flow.parameters();
        double[] decayMask = decayMask();
        // reused every iteration: a native array of the parameters' size costs more to allocate
        // than a flow-matching batch to evaluate
        INDArray gradient = Nd4j.create(DataType.DOUBLE, flow.parameterCount());
        while (iteration < config.iterations()) {
            long t0 = System.nanoTime();
            ObjectiveResult g;
            try {
                RandomGenerator noise = RandomStreams.stream(config.seed(), "noise-" + iteration);
                g = batchGradient == null
                        ? objective.evaluateInto(flow, data.batch(iteration, config.batchSize()), noise, gradient)
                        : batchGradient.compute(flow, objective, iteration, config.batchSize(), noise);
            } catch (OdeSolveException e) {
                throw new TrainingException(
                        "training diverged at iteration " + iteration + ": " + e.getMessage()
                                + " (try a smaller learning rate or tighter solver tolerances)",
                        e);
            }
            if (!Double.isFinite(g.loss())) {
                throw new TrainingException("training diverged at iteration " + iteration + ": the loss is not finite"
                        + " (try a smaller learning rate or tighter solver tolerances)");
            }
            INDArray grad = g.parameterGradient();
            if (config.weightDecay() > 0) {
                addWeightDecay(grad, params, decayMask, config.weightDecay());
            }
            if (!fitsEndTime()) {
                for (int k = 0; k < flow.blockCount(); k++) {
                    grad.putScalar(flow.endTimeIndex(k), 0.0);
                }
            }
            INDArray update = grad.reshape(1, grad.length());
            adam.applyUpdater(update, (int) iteration, 0);
            params.subi(update.reshape(params.length()));
            if (ema != null) {
                // the average starts short (as in common EMA practice) so early parameters fade quickly
                double d = Math.min(config.emaDecay(), (1.0 + iteration) / (10.0 + iteration));
                average(ema, d, params);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            log.wallSeconds = wallBefore + (System.nanoTime() - start) / 1e9;
            double[] times = new double[flow.blockCount()];
            for (int k = 0; k < times.length; k++) {
                times[k] = flow.endTime(k);
            }
            double logDet = data.standardizer().head(flow.dim()).logDetJacobian();
            IterationStats stats = new IterationStats(
                    iteration,
                    g.loss(),
                    g.nll() - logDet,
                    g.kinetic(),
                    g.jacobian(),
                    g.forwardEvaluations(),
                    g.backwardEvaluations(),
                    seconds,
                    log.wallSeconds,
                    times);
            log.iterations.add(stats);
            iteration++;
            for (TrainingListener l : listeners) {
                l.onIteration(stats);
            }
            boolean outOfTime = System.nanoTime() >= deadline && iteration < config.iterations();
            boolean last = iteration == config.iterations() || outOfTime;
            if (config.validationInterval() > 0
                    && (iteration % config.validationInterval() == 0 || last)
                    && data.validation().rows() > 0) {
                try {
                    validate();
                } catch (OdeSolveException e) {
                    throw new TrainingException(
                            "training diverged at iteration " + iteration + " (its validation): " + e.getMessage()
                                    + " (try a smaller learning rate or tighter solver tolerances)",
                            e);
                }
            }
            if (outOfTime) {
                log.stoppedByBudget = true;
                break;
            }
        }
        log.wallSeconds = wallBefore + (System.nanoTime() - start) / 1e9;
        lastParameters = flow.parameters().dup();
        if (log.bestParameters != null) {
            flow.parameters().assign(log.bestParameters);
        } else if (ema != null) {
            flow.parameters().assign(ema);
        }
        double testNll = Double.NaN;
        if (config.evaluateTest() && data.test().rows() > 0) {
            testNll = Evaluation.logProbStandardized(flow, data.standardizer(), data.test())
                    .meanNll();
        }
        TrainingResult result = new TrainingResult(summary(testNll), log.iterations(), log.validations());
        for (TrainingListener l : listeners) {
            l.onFinish(result);
        }
        return result;
    }

    /** 1 for every parameter weight decay applies to, 0 for end times it must not move. */
    private double[] decayMask() {
        double[] mask = new double[(int) flow.parameterCount()];
        java.util.Arrays.fill(mask, 1.0);
        if (!fitsEndTime()) {
            for (int k = 0; k < flow.blockCount(); k++) {
                mask[(int) flow.endTimeIndex(k)] = 0.0;
            }
        }
        return mask;
    }

    /**
     * {@code grad += (params * mask) * decay}, element by element on the arrays' memory (no
     * temporary array; the same operations in the same order as ND4J's {@code mul}, {@code muli},
     * {@code addi}).
     */
    private static void addWeightDecay(INDArray grad, INDArray params, double[] mask, double decay) {
        java.nio.DoubleBuffer g = NativeArrays.doubles(grad);
        java.nio.DoubleBuffer p = NativeArrays.doubles(params);
        for (int i = 0; i < mask.length; i++) {
            g.put(i, g.get(i) + p.get(i) * mask[i] * decay);
        }
    }

    /** {@code ema = ema * d + params * (1 - d)}, element by element on the arrays' memory. */
    private static void average(INDArray ema, double d, INDArray params) {
        java.nio.DoubleBuffer e = NativeArrays.doubles(ema);
        java.nio.DoubleBuffer p = NativeArrays.doubles(params);
        double w = 1 - d;
        long n = ema.length();
        for (int i = 0; i < n; i++) {
            e.put(i, e.get(i) * d + p.get(i) * w);
        }
    }

    /** Whether the end times are trained: the flow allows it and the objective fits them. */
    private boolean fitsEndTime() {
        return flow.trainsEndTime() && objective.fitsEndTime();
    }

    /** The objective being minimised. */
    public Objective objective() {
        return objective;
    }

    /** Baselines to record in the summaries and model files (null: none). */
    public Trainer setBaselines(BaselineSummary b) {
        this.baselines = b;
        return this;
    }

    private void validate() {
        INDArray raw = null;
        if (ema != null) {
            raw = flow.parameters().dup();
            flow.parameters().assign(ema);
        }
        ValidationStats v;
        try {
            v = validateCurrent();
        } finally {
            if (raw != null) {
                flow.parameters().assign(raw);
            }
        }
        // listeners (checkpoints) see the raw parameters again
        for (TrainingListener l : listeners) {
            l.onValidation(v);
        }
    }

    /** The validation rows used: the first {@link #MAX_VALIDATION_ROWS} of the validation set. */
    private INDArray validationRows() {
        if (validationRows == null) {
            INDArray v = data.validation();
            validationRows = v.rows() <= MAX_VALIDATION_ROWS
                    ? v
                    : v.get(
                                    org.nd4j.linalg.indexing.NDArrayIndex.interval(0, MAX_VALIDATION_ROWS),
                                    org.nd4j.linalg.indexing.NDArrayIndex.all())
                            .dup('c');
        }
        return validationRows;
    }

    /** A validation's measurement: the flow-matching loss (NaN for other objectives) and the rows' log-densities. */
    private record Measured(double objectiveLoss, Evaluation.Result result) {}

    private Measured measureValidation() {
        INDArray rows = validationRows();
        double objectiveLoss = Double.NaN;
        Evaluation.Result r;
        if (objective instanceof FlowMatching fm) {
            objectiveLoss = fm.loss(flow, rows, RandomStreams.stream(config.seed(), "validation-noise"));
            TraceEstimator evaluation = flow.traceEstimator();
            flow.setTraceEstimator(TraceEstimator.exact());
            try {
                r = Evaluation.logProbStandardized(flow, data.standardizer(), rows);
            } finally {
                flow.setTraceEstimator(evaluation);
            }
        } else {
            r = Evaluation.logProbStandardized(flow, data.standardizer(), rows);
        }
        return new Measured(objectiveLoss, r);
    }

    private ValidationStats validateCurrent() {
        Measured measured = measureValidation();
        double objectiveLoss = measured.objectiveLoss();
        Evaluation.Result r = measured.result();
        double[] rowNll = NativeArrays.toArray(r.logProb());
        for (int i = 0; i < rowNll.length; i++) {
            rowNll[i] = -rowNll[i];
        }
        double nll = r.meanNll();
        boolean best = keeps(rowNll, nll);
        if (Double.isNaN(log.lowestNll) || nll < log.lowestNll) {
            log.lowestNll = nll;
            log.lowestRowNll = rowNll;
        }
        if (best) {
            log.bestValidation = nll;
            log.bestIteration = iteration;
            log.bestParameters = flow.parameters().dup();
        }
        ValidationStats v = new ValidationStats(iteration, nll, best, objectiveLoss);
        log.validations.add(v);
        return v;
    }

    /**
     * Whether validated parameters with these per-row NLLs replace the kept ones: the first, one
     * with a lower mean than any before, or one whose paired per-row difference from the lowest
     * so far is within {@link #SELECTION_STANDARD_ERRORS} standard errors; never one whose mean is
     * above the start's ({@link #prepareBase}) when the start was validated.
     */
    private boolean keeps(double[] rowNll, double nll) {
        if (nll > log.startNll) {
            // never worse on validation than the base the run started as
            return false;
        }
        if (Double.isNaN(log.lowestNll) || nll < log.lowestNll) {
            return true;
        }
        return log.lowestRowNll != null && withinNoise(rowNll, log.lowestRowNll);
    }

    /**
     * Whether per-row values {@code candidate} are not worse than {@code lowest} on the same rows
     * by more than {@link #SELECTION_STANDARD_ERRORS} standard errors of their paired difference
     * (false for fewer than two rows or rows that do not pair).
     */
    static boolean withinNoise(double[] candidate, double[] lowest) {
        int n = candidate.length;
        if (lowest.length != n || n < 2) {
            return false;
        }
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += (candidate[i] - lowest[i]) / n;
        }
        double squares = 0;
        for (int i = 0; i < n; i++) {
            double d = candidate[i] - lowest[i] - mean;
            squares += d * d;
        }
        return mean <= SELECTION_STANDARD_ERRORS * Math.sqrt(squares / (n - 1) / n);
    }

    /** How the kept parameters were chosen, in words, for the summary and {@code cnf info}. */
    private String selection() {
        String which =
                ema != null ? "moving average of the parameters (decay " + config.emaDecay() + ")" : "parameters";
        String stop = log.stoppedByBudget
                ? String.format(
                        java.util.Locale.ROOT,
                        "; stopped at the time budget of %.0f s after %d of the %d planned iterations (a longer or no "
                                + "time budget runs them all)",
                        plannedCap > 0 ? plannedCap : config.timeBudgetSeconds(),
                        iteration,
                        config.iterations())
                : "";
        if (log.bestIteration == 0 && !Double.isNaN(log.startNll)) {
            return String.format(
                    java.util.Locale.ROOT,
                    "the start: the flow's base, %s, with a zero field (NLL %.4f "
                            + "nats on the %d validation rows; no trained %s scored lower)%s",
                    flow.base().describe(),
                    log.startNll,
                    validationRows().rows(),
                    which,
                    stop);
        }
        if (lengthChoice != null && !log.stoppedByBudget) {
            return "the " + which + " after " + iteration + " iterations, " + lengthChoice.describe();
        }
        if (log.bestParameters == null) {
            return "the last " + which + ", without validation" + stop;
        }
        return String.format(
                java.util.Locale.ROOT,
                "the %s at iteration %d: the latest validated whose NLL on the "
                        + "%d validation rows is within %.0f standard errors of the lowest (%.4f nats)%s",
                which,
                log.bestIteration,
                validationRows().rows(),
                SELECTION_STANDARD_ERRORS,
                log.lowestNll,
                stop);
    }

    private TrainingSummary summary(double testNll) {
        String gradient = objective instanceof MaximumLikelihood m ? m.method().name() : "none";
        return new TrainingSummary(
                iteration,
                log.bestIteration,
                log.bestValidation,
                testNll,
                log.wallSeconds,
                gradient,
                estimator.name(),
                config.batchSize(),
                config.learningRate(),
                objective.describe(),
                objective.toJson(),
                baselines,
                selection());
    }

    /** The summary of the training so far (no test NLL until the end). */
    public TrainingSummary summarySoFar() {
        return summary(Double.NaN);
    }

    /** The training data (for the folds of {@link FoldedLength}). */
    TrainingData data() {
        return data;
    }

    /** The flow trained. */
    ContinuousNormalizingFlow flow() {
        return flow;
    }

    /** Whether the batch follows from the data rather than from a setting (then folds may take fewer rows). */
    boolean automaticBatch() {
        return automaticBatch;
    }

    /** Whether batches come from a {@link BatchGradient} (data spread over workers) rather than from the data here. */
    boolean distributed() {
        return batchGradient != null;
    }

    /** Tells the listeners a fold of {@link FoldedLength} finished. */
    void onFold(int fold, int folds, TrainingResult result) {
        for (TrainingListener l : listeners) {
            l.onFold(fold, folds, result);
        }
    }

    /** The record of the training so far. */
    public TrainingLog log() {
        return log;
    }

    /**
     * The resume state: the parameters after the last iteration (which {@link #train()} keeps
     * apart before it restores the best ones), Adam's state, the iteration and the history.
     */
    public Checkpoint checkpoint() {
        if (ema != null) {
            log.emaParameters = ema.dup();
        }
        return new Checkpoint(
                currentParameters().dup(),
                optimizerState.dup().reshape(optimizerState.length()),
                iteration,
                log.toJson());
    }

    private INDArray currentParameters() {
        return lastParameters != null ? lastParameters : flow.parameters();
    }

    /**
     * Runs {@link #train()} and writes the model file: the flow with its best parameters, the
     * given metadata with the training summary, and a checkpoint holding the last parameters and
     * Adam's state so that {@code resume} continues exactly.
     */
    public TrainingResult trainAndSave(Path path, ModelMetadata metadata) {
        TrainingResult result = train();
        save(path, metadata, result.summary());
        return result;
    }

    /** Writes the model file now (best parameters so far as the model, current state as the checkpoint). */
    public void save(Path path, ModelMetadata metadata, TrainingSummary summary) {
        INDArray keep = flow.parameters().dup();
        Checkpoint cp = checkpoint();
        if (log.bestParameters != null) {
            flow.parameters().assign(log.bestParameters);
        }
        try {
            ModelFile.save(path, flow, metadata.withTraining(summary), cp);
        } finally {
            flow.parameters().assign(keep);
        }
    }
}
