package org.cnf4j.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.cnf4j.adjoint.GradientMethod;
import org.cnf4j.data.TrainingData;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.RandomStreams;
import org.cnf4j.io.BaselineSummary;
import org.cnf4j.io.Checkpoint;
import org.cnf4j.io.ModelFile;
import org.cnf4j.io.ModelMetadata;
import org.cnf4j.io.TrainingSummary;
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
 * one step of ND4J's Adam on the flow's single flat parameter array. Validates every k iterations
 * on the validation NLL (with flow matching: exact trace, and the flow-matching loss beside it) and
 * keeps the best parameters. Its state
 * (parameters, Adam's moments, iteration, best validation, history) can be checkpointed into the
 * model file and resumed bit for bit.
 */
public final class Trainer {

    private final ContinuousNormalizingFlow flow;
    private final TrainingData data;
    private final TrainingConfig config;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private final INDArray optimizerState;
    private final GradientUpdater<?> adam;
    private final TraceEstimator estimator;
    private final Objective objective;
    private BaselineSummary baselines;
    private TrainingLog log = new TrainingLog();
    private long iteration;
    private INDArray lastParameters;
    private BatchGradient batchGradient;

    /**
     * A trainer starting at iteration 0.
     *
     * @param flow the flow to fit (its parameters are updated in place)
     * @param data batches and held-out sets, in the flow's space
     * @param config settings
     */
    public Trainer(ContinuousNormalizingFlow flow, TrainingData data, TrainingConfig config) {
        if (data.dim() != flow.dim()) {
            throw new IllegalArgumentException("the data have " + data.dim() + " columns, the flow " + flow.dim());
        }
        if (data.trainingRows() >= 0 && data.trainingRows() < config.batchSize()) {
            throw new IllegalArgumentException("a batch of " + config.batchSize() + " needs at least that many training "
                    + "rows; the training split has " + data.trainingRows());
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
        log.seed = config.seed();
        log.data = data.describe();
    }

    /**
     * A trainer continuing from a checkpoint: restores the current parameters, Adam's state, the
     * iteration, the best validation and the history.
     *
     * @throws IllegalArgumentException when the checkpoint was trained on other data or with another
     *     seed (as recorded in it), or has already reached {@code config.iterations()}
     */
    public static Trainer resume(ContinuousNormalizingFlow flow, TrainingData data, TrainingConfig config,
            Checkpoint checkpoint) {
        Trainer t = new Trainer(flow, data, config);
        TrainingLog log = TrainingLog.fromJson(checkpoint.trainerState(), flow.parameterCount());
        // another data set or seed would silently mix two runs: the best validation, the baselines
        // and the split of the checkpoint belong to the data and seed it was trained with
        if (log.data != null && !log.data.equals(data.describe())) {
            throw new IllegalArgumentException("the checkpoint was trained on " + log.data + ", not on "
                    + data.describe() + "; resume it with the same data");
        }
        if (log.seed != null && log.seed != config.seed()) {
            throw new IllegalArgumentException("the checkpoint was trained with seed " + log.seed + ", not "
                    + config.seed() + "; resume it with --seed " + log.seed);
        }
        if (config.iterations() <= checkpoint.iteration()) {
            throw new IllegalArgumentException("the checkpoint has already trained " + checkpoint.iteration()
                    + " iterations; ask for more than that to resume (" + config.iterations() + " asked for)");
        }
        flow.parameters().assign(checkpoint.parameters());
        t.optimizerState.assign(checkpoint.optimizerState().reshape(t.optimizerState.shape()));
        t.iteration = checkpoint.iteration();
        t.log = log;
        return t;
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
        ObjectiveResult compute(ContinuousNormalizingFlow flow, Objective objective, long iteration, int batchSize,
                RandomGenerator noise);
    }

    /** Computes batches with {@code gradient} instead of in this JVM; returns this. */
    public Trainer setBatchGradient(BatchGradient gradient) {
        this.batchGradient = gradient;
        return this;
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

    /** Runs until {@code config.iterations()} iterations are completed; the flow then holds the best parameters. */
    public TrainingResult train() {
        for (TrainingListener l : listeners) {
            l.onStart(iteration, config.iterations());
        }
        long start = System.nanoTime();
        double wallBefore = log.wallSeconds;
        lastParameters = null;
        INDArray params = flow.parameters();
        INDArray decayMask = decayMask();
        while (iteration < config.iterations()) {
            long t0 = System.nanoTime();
            ObjectiveResult g;
            try {
                RandomGenerator noise = RandomStreams.stream(config.seed(), "noise-" + iteration);
                g = batchGradient == null ? objective.evaluate(flow, data.batch(iteration, config.batchSize()), noise)
                        : batchGradient.compute(flow, objective, iteration, config.batchSize(), noise);
            } catch (OdeSolveException e) {
                throw new TrainingException("training diverged at iteration " + iteration + ": " + e.getMessage()
                        + " (try a smaller learning rate or tighter solver tolerances)", e);
            }
            if (!Double.isFinite(g.loss())) {
                throw new TrainingException("training diverged at iteration " + iteration + ": the loss is not finite"
                        + " (try a smaller learning rate or tighter solver tolerances)");
            }
            INDArray grad = g.parameterGradient();
            if (config.weightDecay() > 0) {
                grad.addi(params.mul(decayMask).muli(config.weightDecay()));
            }
            if (!fitsEndTime()) {
                for (int k = 0; k < flow.blockCount(); k++) {
                    grad.putScalar(flow.endTimeIndex(k), 0.0);
                }
            }
            INDArray update = grad.reshape(1, grad.length());
            adam.applyUpdater(update, (int) iteration, 0);
            params.subi(update.reshape(params.length()));
            double seconds = (System.nanoTime() - t0) / 1e9;
            log.wallSeconds = wallBefore + (System.nanoTime() - start) / 1e9;
            double[] times = new double[flow.blockCount()];
            for (int k = 0; k < times.length; k++) {
                times[k] = flow.endTime(k);
            }
            double logDet = data.standardizer().logDetJacobian();
            IterationStats stats = new IterationStats(iteration, g.loss(), g.nll() - logDet, g.kinetic(),
                    g.jacobian(), g.forwardEvaluations(), g.backwardEvaluations(), seconds,
                    log.wallSeconds, times);
            log.iterations.add(stats);
            iteration++;
            for (TrainingListener l : listeners) {
                l.onIteration(stats);
            }
            boolean last = iteration == config.iterations();
            if (config.validationInterval() > 0 && (iteration % config.validationInterval() == 0 || last)
                    && data.validation().rows() > 0) {
                validate();
            }
        }
        log.wallSeconds = wallBefore + (System.nanoTime() - start) / 1e9;
        lastParameters = flow.parameters().dup();
        if (log.bestParameters != null) {
            flow.parameters().assign(log.bestParameters);
        }
        double testNll = Double.NaN;
        if (config.evaluateTest() && data.test().rows() > 0) {
            testNll = Evaluation.logProbStandardized(flow, data.standardizer(), data.test()).meanNll();
        }
        TrainingResult result = new TrainingResult(summary(testNll), log.iterations(), log.validations());
        for (TrainingListener l : listeners) {
            l.onFinish(result);
        }
        return result;
    }

    private INDArray decayMask() {
        INDArray mask = Nd4j.ones(DataType.DOUBLE, flow.parameterCount());
        if (!fitsEndTime()) {
            for (int k = 0; k < flow.blockCount(); k++) {
                mask.putScalar(flow.endTimeIndex(k), 0.0);
            }
        }
        return mask;
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
        double nll;
        double objectiveLoss = Double.NaN;
        if (objective instanceof FlowMatching fm) {
            objectiveLoss = fm.loss(flow, data.validation(), RandomStreams.stream(config.seed(), "validation-noise"));
            TraceEstimator evaluation = flow.traceEstimator();
            flow.setTraceEstimator(TraceEstimator.exact());
            try {
                nll = Evaluation.logProbStandardized(flow, data.standardizer(), data.validation()).meanNll();
            } finally {
                flow.setTraceEstimator(evaluation);
            }
        } else {
            nll = Evaluation.logProbStandardized(flow, data.standardizer(), data.validation()).meanNll();
        }
        boolean best = Double.isNaN(log.bestValidation) || nll < log.bestValidation;
        if (best) {
            log.bestValidation = nll;
            log.bestIteration = iteration;
            log.bestParameters = flow.parameters().dup();
        }
        ValidationStats v = new ValidationStats(iteration, nll, best, objectiveLoss);
        log.validations.add(v);
        for (TrainingListener l : listeners) {
            l.onValidation(v);
        }
    }

    private TrainingSummary summary(double testNll) {
        String gradient = objective instanceof MaximumLikelihood m ? m.method().name() : "none";
        return new TrainingSummary(iteration, log.bestIteration, log.bestValidation, testNll, log.wallSeconds,
                gradient, estimator.name(), config.batchSize(), config.learningRate(), objective.describe(),
                objective.toJson(), baselines);
    }

    /** The summary of the training so far (no test NLL until the end). */
    public TrainingSummary summarySoFar() {
        return summary(Double.NaN);
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
        return new Checkpoint(currentParameters().dup(), optimizerState.dup().reshape(optimizerState.length()),
                iteration, log.toJson());
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
