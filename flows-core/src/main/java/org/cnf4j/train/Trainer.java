package org.cnf4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cnf4j.adjoint.GradientMethod;
import org.cnf4j.adjoint.GradientResult;
import org.cnf4j.data.TrainingData;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.RandomStreams;
import org.cnf4j.io.Checkpoint;
import org.cnf4j.io.ModelFile;
import org.cnf4j.io.ModelFileException;
import org.cnf4j.io.ModelMetadata;
import org.cnf4j.io.TrainingSummary;
import org.cnf4j.trace.TraceEstimator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Fits a flow by maximum likelihood: for each iteration a batch (a pure function of seed and
 * iteration), the gradient from the configured {@link GradientMethod} with trace probes from the
 * stream "noise-{iteration}", weight decay, and one step of ND4J's Adam on the flow's single
 * flat parameter array. Validates every k iterations and keeps the best parameters. Its state
 * (parameters, Adam's moments, iteration, best validation, history) can be checkpointed into the
 * model file and resumed bit for bit.
 */
public final class Trainer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ContinuousNormalizingFlow flow;
    private final TrainingData data;
    private final TrainingConfig config;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private final INDArray optimizerState;
    private final GradientUpdater<?> adam;
    private final TraceEstimator estimator;
    private final GradientMethod method;
    private final List<IterationStats> history = new ArrayList<>();
    private final List<ValidationStats> validations = new ArrayList<>();
    private long iteration;
    private INDArray bestParameters;
    private double bestValidation = Double.NaN;
    private long bestIteration = -1;
    private double wallSeconds;
    private INDArray lastParameters;

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
        Adam conf = new Adam(config.learningRate(), 0.9, 0.999, 1e-8);
        this.optimizerState = Nd4j.zeros(DataType.DOUBLE, 1, conf.stateSize(p));
        this.adam = conf.instantiate(optimizerState, true);
        this.estimator = config.estimatorFor(flow.dim());
        this.method = config.newGradientMethod();
    }

    /**
     * A trainer continuing from a checkpoint: restores the current parameters, Adam's state, the
     * iteration, the best validation and the history.
     */
    public static Trainer resume(ContinuousNormalizingFlow flow, TrainingData data, TrainingConfig config,
            Checkpoint checkpoint) {
        Trainer t = new Trainer(flow, data, config);
        flow.parameters().assign(checkpoint.parameters());
        t.optimizerState.assign(checkpoint.optimizerState().reshape(t.optimizerState.shape()));
        t.iteration = checkpoint.iteration();
        t.restore(checkpoint.trainerState());
        return t;
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
        double wallBefore = wallSeconds;
        lastParameters = null;
        INDArray params = flow.parameters();
        INDArray decayMask = decayMask();
        while (iteration < config.iterations()) {
            long t0 = System.nanoTime();
            INDArray x = data.batch(iteration, config.batchSize());
            GradientResult g = method.gradient(flow, x, config.objective(), estimator,
                    RandomStreams.stream(config.seed(), "noise-" + iteration));
            if (!Double.isFinite(g.loss())) {
                throw new TrainingException("the loss is not finite at iteration " + iteration
                        + " (try a smaller learning rate or tighter solver tolerances)");
            }
            INDArray grad = g.parameterGradient();
            if (config.weightDecay() > 0) {
                grad.addi(params.mul(decayMask).muli(config.weightDecay()));
            }
            if (!flow.trainsEndTime()) {
                for (int k = 0; k < flow.blockCount(); k++) {
                    grad.putScalar(flow.endTimeIndex(k), 0.0);
                }
            }
            INDArray update = grad.reshape(1, grad.length());
            adam.applyUpdater(update, (int) iteration, 0);
            params.subi(update.reshape(params.length()));
            double seconds = (System.nanoTime() - t0) / 1e9;
            wallSeconds = wallBefore + (System.nanoTime() - start) / 1e9;
            double[] times = new double[flow.blockCount()];
            for (int k = 0; k < times.length; k++) {
                times[k] = flow.endTime(k);
            }
            double logDet = data.standardizer().logDetJacobian();
            IterationStats stats = new IterationStats(iteration, g.loss(), g.nll() - logDet, g.kinetic(),
                    g.jacobian(), g.forward().functionEvaluations(), g.backward().functionEvaluations(), seconds,
                    wallSeconds, times);
            history.add(stats);
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
        wallSeconds = wallBefore + (System.nanoTime() - start) / 1e9;
        lastParameters = flow.parameters().dup();
        if (bestParameters != null) {
            flow.parameters().assign(bestParameters);
        }
        double testNll = Double.NaN;
        if (config.evaluateTest() && data.test().rows() > 0) {
            testNll = Evaluation.logProbStandardized(flow, data.standardizer(), data.test()).meanNll();
        }
        TrainingResult result = new TrainingResult(summary(testNll), List.copyOf(history), List.copyOf(validations));
        for (TrainingListener l : listeners) {
            l.onFinish(result);
        }
        return result;
    }

    private INDArray decayMask() {
        INDArray mask = Nd4j.ones(DataType.DOUBLE, flow.parameterCount());
        if (!flow.trainsEndTime()) {
            for (int k = 0; k < flow.blockCount(); k++) {
                mask.putScalar(flow.endTimeIndex(k), 0.0);
            }
        }
        return mask;
    }

    private void validate() {
        double nll = Evaluation.logProbStandardized(flow, data.standardizer(), data.validation()).meanNll();
        boolean best = Double.isNaN(bestValidation) || nll < bestValidation;
        if (best) {
            bestValidation = nll;
            bestIteration = iteration;
            bestParameters = flow.parameters().dup();
        }
        ValidationStats v = new ValidationStats(iteration, nll, best);
        validations.add(v);
        for (TrainingListener l : listeners) {
            l.onValidation(v);
        }
    }

    private TrainingSummary summary(double testNll) {
        return new TrainingSummary(iteration, bestIteration, bestValidation, testNll, wallSeconds, method.name(),
                estimator.name(), config.batchSize(), config.learningRate());
    }

    /**
     * The resume state: the parameters after the last iteration (which {@link #train()} keeps
     * apart before it restores the best ones), Adam's state, the iteration and the history.
     */
    public Checkpoint checkpoint() {
        return new Checkpoint(currentParameters().dup(), optimizerState.dup().reshape(optimizerState.length()),
                iteration, trainerState());
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
        if (bestParameters != null) {
            flow.parameters().assign(bestParameters);
        }
        try {
            ModelFile.save(path, flow, metadata.withTraining(summary), cp);
        } finally {
            flow.parameters().assign(keep);
        }
    }

    private String trainerState() {
        ObjectNode root = JSON.createObjectNode();
        root.put("bestIteration", bestIteration);
        root.put("bestValidationNll", bestValidation);
        root.put("wallSeconds", wallSeconds);
        ArrayNode h = root.putArray("history");
        for (IterationStats s : history) {
            ObjectNode o = h.addObject();
            o.put("iteration", s.iteration());
            o.put("loss", s.loss());
            o.put("nll", s.nll());
            o.put("kinetic", s.kinetic());
            o.put("jacobian", s.jacobian());
            o.put("forward", s.forwardEvaluations());
            o.put("backward", s.backwardEvaluations());
            o.put("seconds", s.seconds());
            o.put("elapsed", s.elapsedSeconds());
            ArrayNode t = o.putArray("endTimes");
            for (double v : s.endTimes()) {
                t.add(v);
            }
        }
        ArrayNode v = root.putArray("validations");
        for (ValidationStats s : validations) {
            v.addObject().put("iteration", s.iteration()).put("nll", s.nll()).put("best", s.best());
        }
        if (bestParameters != null) {
            ArrayNode b = root.putArray("bestParameters");
            for (double d : org.cnf4j.linalg.NativeArrays.toArray(bestParameters)) {
                b.add(d);
            }
        }
        return root.toString();
    }

    private void restore(String state) {
        JsonNode root;
        try {
            root = JSON.readTree(state);
        } catch (IOException e) {
            throw new ModelFileException("the checkpoint's trainer state is not valid JSON", e);
        }
        bestIteration = root.path("bestIteration").asLong(-1);
        bestValidation = root.path("bestValidationNll").isNumber() ? root.path("bestValidationNll").asDouble()
                : Double.NaN;
        wallSeconds = root.path("wallSeconds").asDouble(0);
        for (JsonNode o : root.path("history")) {
            JsonNode t = o.path("endTimes");
            double[] times = new double[t.size()];
            for (int i = 0; i < times.length; i++) {
                times[i] = t.get(i).asDouble();
            }
            history.add(new IterationStats(o.path("iteration").asLong(), o.path("loss").asDouble(),
                    o.path("nll").asDouble(), o.path("kinetic").asDouble(), o.path("jacobian").asDouble(),
                    o.path("forward").asInt(), o.path("backward").asInt(), o.path("seconds").asDouble(),
                    o.path("elapsed").asDouble(), times));
        }
        for (JsonNode o : root.path("validations")) {
            validations.add(new ValidationStats(o.path("iteration").asLong(), o.path("nll").asDouble(),
                    o.path("best").asBoolean()));
        }
        JsonNode b = root.path("bestParameters");
        if (b.isArray() && b.size() == flow.parameterCount()) {
            double[] v = new double[b.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = b.get(i).asDouble();
            }
            bestParameters = Nd4j.createFromArray(v);
        }
        if (Double.isNaN(bestValidation) && bestParameters != null) {
            bestParameters = null;
        }
        if (bestParameters == null) {
            bestIteration = -1;
        }
    }
}
