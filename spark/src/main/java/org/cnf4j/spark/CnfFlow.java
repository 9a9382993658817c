package org.cnf4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;
import org.cnf4j.TrainOptions;
import org.cnf4j.TrainingRun;
import org.cnf4j.data.MissingValues;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.io.ModelFile;
import org.cnf4j.io.ModelMetadata;
import org.cnf4j.train.FlowMatching;
import org.cnf4j.train.TimeSampling;
import org.cnf4j.train.TrainingResult;

/**
 * A Spark ML {@link Estimator} that fits a continuous normalizing flow to the rows of a frame with
 * the data-parallel trainer of {@code cnf-spark train}, giving a {@link CnfFlowModel} that adds
 * each row's log-density. The input is the numeric columns {@code inputCols}, or the vector column
 * {@code featuresCol} (default {@code features}, as {@code VectorAssembler} writes it). The training
 * settings are typed params with {@code cnf train}'s defaults where Spark allows them (flow matching
 * without OT coupling, a linearly decaying rate, averaged weights), a fixed number of iterations
 * (default 1,000) rather than a time budget, so a fit is reproducible; rows are split into training
 * and validation (the kept weights are chosen on it) by the seed. With {@code contextCols} (numbers,
 * or text and few-valued integers as categories) the flow is conditional, p(x | context), as
 * {@code cnf train --context} trains it; the fitted model reads the same columns when it scores.
 *
 * <pre>{@code
 * Pipeline p = new Pipeline().setStages(new PipelineStage[] {
 *     new VectorAssembler().setInputCols(new String[] {"x", "y"}).setOutputCol("raw"),
 *     new StandardScaler().setInputCol("raw").setOutputCol("features"),
 *     new CnfFlow().setHidden(new int[] {32, 32}).setIterations(500)});
 * PipelineModel m = p.fit(train);
 * m.transform(test);  // adds the column logp
 * }</pre>
 */
public final class CnfFlow extends Estimator<CnfFlowModel> implements DefaultParamsWritable {

    private static final long serialVersionUID = 1L;

    private final String uid;
    private final StringArrayParam inputCols;
    private final Param<String> featuresCol;
    private final StringArrayParam contextCols;
    private final Param<String> outputCol;
    private final IntArrayParam hidden;
    private final IntParam iterations;
    private final IntParam batchSize;
    private final DoubleParam learningRate;
    private final Param<String> objective;
    private final DoubleParam validationFraction;
    private final LongParam seed;

    /** An estimator with a random uid. */
    public CnfFlow() {
        this(Identifiable$.MODULE$.randomUID("cnfFlow"));
    }

    /** An estimator with this uid (how Spark copies and loads it). */
    public CnfFlow(String uid) {
        this.uid = uid;
        inputCols = new StringArrayParam(this, "inputCols", "numeric input columns (instead of featuresCol)");
        featuresCol = new Param<>(this, "featuresCol", "vector input column (when inputCols is not set)");
        contextCols = new StringArrayParam(
                this,
                "contextCols",
                "columns the flow is conditional on (numbers, or text "
                        + "and integers of 2 to 10 values as categories); none: unconditional");
        outputCol = new Param<>(this, "outputCol", "column of log p, nats");
        hidden = new IntArrayParam(this, "hidden", "hidden layer widths of the concatsquash network");
        iterations = new IntParam(this, "iterations", "training iterations (> 0)");
        batchSize = new IntParam(this, "batchSize", "rows per batch (> 0)");
        learningRate = new DoubleParam(this, "learningRate", "Adam's learning rate, decayed linearly to 0 (> 0)");
        objective = new Param<>(this, "objective", "flow-matching or mle");
        validationFraction = new DoubleParam(
                this, "validationFraction", "share of rows held out to choose the " + "kept weights, in [0, 0.5)");
        seed = new LongParam(this, "seed", "seed of the initial weights, the split, batches and noise");
        setDefault(inputCols, new String[0]);
        setDefault(featuresCol, "features");
        setDefault(contextCols, new String[0]);
        setDefault(outputCol, "logp");
        setDefault(hidden, new int[] {64, 64, 64});
        setDefault(iterations, 1000);
        setDefault(batchSize, 100);
        setDefault(learningRate, 1e-3);
        setDefault(objective, FlowMatching.NAME);
        setDefault(validationFraction, 0.1);
        setDefault(seed, 0L);
    }

    @Override
    public String uid() {
        return uid;
    }

    /** @return the numeric input columns param */
    public StringArrayParam inputCols() {
        return inputCols;
    }

    /** @return the vector input column param */
    public Param<String> featuresCol() {
        return featuresCol;
    }

    /** @return the context columns param */
    public StringArrayParam contextCols() {
        return contextCols;
    }

    /** @return the output column param */
    public Param<String> outputCol() {
        return outputCol;
    }

    /** @return the hidden widths param */
    public IntArrayParam hidden() {
        return hidden;
    }

    /** @return the iterations param */
    public IntParam iterations() {
        return iterations;
    }

    /** @return the batch size param */
    public IntParam batchSize() {
        return batchSize;
    }

    /** @return the learning rate param */
    public DoubleParam learningRate() {
        return learningRate;
    }

    /** @return the objective param */
    public Param<String> objective() {
        return objective;
    }

    /** @return the validation fraction param */
    public DoubleParam validationFraction() {
        return validationFraction;
    }

    /** @return the seed param */
    public LongParam seed() {
        return seed;
    }

    /** Numeric input columns. */
    public CnfFlow setInputCols(String[] v) {
        set(inputCols, v);
        return this;
    }

    /** Vector input column. */
    public CnfFlow setFeaturesCol(String v) {
        set(featuresCol, v);
        return this;
    }

    /** Context columns: the flow learns p(x | context). */
    public CnfFlow setContextCols(String[] v) {
        set(contextCols, v);
        return this;
    }

    /** Output column. */
    public CnfFlow setOutputCol(String v) {
        set(outputCol, v);
        return this;
    }

    /** Hidden layer widths. */
    public CnfFlow setHidden(int[] v) {
        set(hidden, v);
        return this;
    }

    /** Training iterations. */
    public CnfFlow setIterations(int v) {
        set(iterations, v);
        return this;
    }

    /** Rows per batch. */
    public CnfFlow setBatchSize(int v) {
        set(batchSize, v);
        return this;
    }

    /** Learning rate. */
    public CnfFlow setLearningRate(double v) {
        set(learningRate, v);
        return this;
    }

    /** {@code flow-matching} or {@code mle}. */
    public CnfFlow setObjective(String v) {
        set(objective, v);
        return this;
    }

    /** Share of rows held out for validation. */
    public CnfFlow setValidationFraction(double v) {
        set(validationFraction, v);
        return this;
    }

    /** Seed. */
    public CnfFlow setSeed(long v) {
        set(seed, v);
        return this;
    }

    @Override
    public CnfFlowModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        FlowColumns.Input input = FlowColumns.of(dataset, $(inputCols), $(featuresCol), -1);
        long s = (Long) $(seed);
        String name = $(objective);
        if (!name.equals(FlowMatching.NAME) && !name.equals("mle")) {
            throw new IllegalArgumentException("objective must be flow-matching or mle, got '" + name + "'");
        }
        TrainOptions.Builder b = TrainOptions.builder()
                .hidden($(hidden))
                .iterations((Integer) $(iterations))
                .batch((Integer) $(batchSize))
                .learningRate((Double) $(learningRate))
                .seed(s)
                .baselines(false);
        b = name.equals("mle")
                ? b.maximumLikelihood()
                : b.flowMatching(new FlowMatching(0, false, TimeSampling.UNIFORM));
        TrainOptions options = b.build();
        SparkTrainingData data = SparkTrainingData.of(
                input.frame(),
                input.columns(),
                List.of($(contextCols)),
                (Double) $(validationFraction),
                0.0,
                s,
                "the training data",
                MissingValues.FAIL,
                dataset.sparkSession().sparkContext().defaultParallelism());
        try {
            ContinuousNormalizingFlow flow = options.newFlow(input.columns().size(), data.contextDim());
            TrainingRun run = TrainingRun.fresh(
                    data,
                    flow,
                    options.config(),
                    input.columns(),
                    data.context(),
                    org.cnf4j.io.Provenance.of("CnfFlow.fit(" + data.describe() + ", " + options + ")", data, s));
            run.trainer()
                    .setBatchGradient(data.batchGradient(flow, run.trainer().objective()));
            run.prepare(false);
            TrainingResult r = run.train();
            ModelMetadata meta = run.metadata(r);
            Path local = Files.createTempFile("cnf-flow", ".zip");
            try {
                ModelFile.save(local, flow, meta);
                CnfFlowModel model = new CnfFlowModel(uid, Files.readAllBytes(local));
                copyValues(model, ParamMap.empty());
                return model.setParent(this);
            } finally {
                Files.deleteIfExists(local);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            data.unpersist();
        }
    }

    @Override
    public StructType transformSchema(StructType schema) {
        List<String> have = List.of(schema.fieldNames());
        for (String c : $(contextCols)) {
            if (!have.contains(c)) {
                throw new org.cnf4j.data.DataException("no context column '" + c + "'; the data have " + have);
            }
        }
        return CnfFlowModel.outputSchema(schema, $(inputCols), $(featuresCol), $(outputCol));
    }

    @Override
    public CnfFlow copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /** The reader of a saved estimator ({@code CnfFlow.load(path)}, or as a stage of a saved Pipeline). */
    public static MLReader<CnfFlow> read() {
        return new DefaultParamsReader<>();
    }

    /** Loads a saved estimator. */
    public static CnfFlow load(String path) {
        return read().load(path);
    }
}
