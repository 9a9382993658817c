package org.cnf4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.cnf4j.io.ModelFileException;
import org.cnf4j.linalg.NativeArrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The trainer's own record, stored as JSON in a model file's checkpoint: every iteration's
 * statistics, every validation, the best validation and its parameters, and the wall time. The
 * report draws its training curves from it.
 */
public final class TrainingLog {

    private static final ObjectMapper JSON = new ObjectMapper();

    final List<IterationStats> iterations = new ArrayList<>();
    final List<ValidationStats> validations = new ArrayList<>();
    long bestIteration = -1;
    double bestValidation = Double.NaN;
    INDArray bestParameters;
    /** The moving average of the parameters (null without one). */
    INDArray emaParameters;
    /** Per-row validation NLL of the validated parameters with the lowest mean so far (null before). */
    double[] lowestRowNll;
    /** That lowest mean validation NLL (NaN before the first validation). */
    double lowestNll = Double.NaN;
    /** Validation NLL of the start (the flow as its base mixture), or NaN when not validated. */
    double startNll = Double.NaN;
    /** Whether the last run stopped at its time budget before its iterations. */
    boolean stoppedByBudget;

    double wallSeconds;
    /** The run's seed, or null for a log read from a checkpoint that did not record it. */
    Long seed;
    /** The training data's description, or null for a log read from a checkpoint that did not record it. */
    String data;
    /** A digest of the training rows' content ({@code TrainingData#contentDigest}), or null where not known. */
    String dataDigest;

    /** Every iteration so far. */
    public List<IterationStats> iterations() {
        return List.copyOf(iterations);
    }

    /** Every validation so far. */
    public List<ValidationStats> validations() {
        return List.copyOf(validations);
    }

    /** Training time so far in seconds. */
    public double wallSeconds() {
        return wallSeconds;
    }

    /** As JSON. */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("bestIteration", bestIteration);
        root.put("bestValidationNll", bestValidation);
        if (seed != null) {
            root.put("seed", seed);
        }
        if (data != null) {
            root.put("data", data);
        }
        if (dataDigest != null) {
            root.put("dataDigest", dataDigest);
        }
        ArrayNode h = root.putArray("history");
        for (IterationStats s : iterations) {
            ObjectNode o = h.addObject();
            o.put("iteration", s.iteration());
            o.put("loss", s.loss());
            o.put("nll", s.nll());
            o.put("kinetic", s.kinetic());
            o.put("jacobian", s.jacobian());
            o.put("forward", s.forwardEvaluations());
            o.put("backward", s.backwardEvaluations());
            ArrayNode t = o.putArray("endTimes");
            for (double v : s.endTimes()) {
                t.add(v);
            }
        }
        ArrayNode v = root.putArray("validations");
        for (ValidationStats s : validations) {
            ObjectNode o = v.addObject()
                    .put("iteration", s.iteration())
                    .put("nll", s.nll())
                    .put("best", s.best());
            if (!Double.isNaN(s.objectiveLoss())) {
                o.put("objectiveLoss", s.objectiveLoss());
            }
        }
        putParameters(root, "bestParameters", bestParameters);
        putParameters(root, "emaParameters", emaParameters);
        if (!Double.isNaN(startNll)) {
            root.put("startValidationNll", startNll);
        }
        if (lowestRowNll != null) {
            root.put("lowestValidationNll", lowestNll);
            putParameters(root, "lowestValidationRows", Nd4j.createFromArray(lowestRowNll));
        }
        return root.toString();
    }

    private static void putParameters(ObjectNode root, String name, INDArray values) {
        if (values != null) {
            ArrayNode a = root.putArray(name);
            for (double d : NativeArrays.toArray(values)) {
                a.add(d);
            }
        }
    }

    /** The array {@code node} as a DOUBLE vector, or null unless it is an array of {@code count} numbers. */
    private static INDArray readParameters(JsonNode node, long count) {
        if (!node.isArray() || node.size() != count) {
            return null;
        }
        double[] v = new double[node.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = node.get(i).asDouble();
        }
        return Nd4j.createFromArray(v);
    }

    /**
     * Parses the JSON of {@link #toJson()}.
     *
     * @param parameterCount expected length of the best parameters
     * @throws ModelFileException when it is not valid JSON
     */
    public static TrainingLog fromJson(String json, long parameterCount) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new ModelFileException("the checkpoint's trainer state is not valid JSON", e);
        }
        TrainingLog log = new TrainingLog();
        log.bestIteration = root.path("bestIteration").asLong(-1);
        log.bestValidation = root.path("bestValidationNll").isNumber()
                ? root.path("bestValidationNll").asDouble()
                : Double.NaN;
        log.seed = root.path("seed").isIntegralNumber() ? root.path("seed").asLong() : null;
        log.data = root.path("data").isTextual() ? root.path("data").asText() : null;
        log.dataDigest =
                root.path("dataDigest").isTextual() ? root.path("dataDigest").asText() : null;
        for (JsonNode o : root.path("history")) {
            JsonNode t = o.path("endTimes");
            double[] times = new double[t.size()];
            for (int i = 0; i < times.length; i++) {
                times[i] = t.get(i).asDouble();
            }
            log.iterations.add(new IterationStats(
                    o.path("iteration").asLong(),
                    o.path("loss").asDouble(),
                    o.path("nll").asDouble(),
                    o.path("kinetic").asDouble(),
                    o.path("jacobian").asDouble(),
                    o.path("forward").asInt(),
                    o.path("backward").asInt(),
                    Double.NaN,
                    Double.NaN,
                    times));
        }
        for (JsonNode o : root.path("validations")) {
            log.validations.add(new ValidationStats(
                    o.path("iteration").asLong(),
                    o.path("nll").asDouble(),
                    o.path("best").asBoolean(),
                    o.path("objectiveLoss").asDouble(Double.NaN)));
        }
        log.emaParameters = readParameters(root.path("emaParameters"), parameterCount);
        log.startNll = root.path("startValidationNll").isNumber()
                ? root.path("startValidationNll").asDouble()
                : Double.NaN;
        JsonNode rows = root.path("lowestValidationRows");
        INDArray lowest = readParameters(rows, rows.size());
        if (lowest != null && root.path("lowestValidationNll").isNumber()) {
            log.lowestRowNll = NativeArrays.toArray(lowest);
            log.lowestNll = root.path("lowestValidationNll").asDouble();
        } else {
            log.lowestNll = log.bestValidation;
        }
        log.bestParameters =
                Double.isNaN(log.bestValidation) ? null : readParameters(root.path("bestParameters"), parameterCount);
        if (log.bestParameters == null) {
            log.bestIteration = -1;
        }
        return log;
    }
}
