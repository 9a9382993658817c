package org.cnf4j;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.cnf4j.baseline.Baselines;
import org.cnf4j.data.DataException;
import org.cnf4j.data.ToyDataset;
import org.cnf4j.data.TrainingData;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.io.Checkpoint;
import org.cnf4j.io.LoadedModel;
import org.cnf4j.io.ModelFile;
import org.cnf4j.io.ModelFileException;
import org.cnf4j.io.ModelMetadata;
import org.cnf4j.io.TrainingSummary;
import org.cnf4j.linalg.NativeArrays;
import org.cnf4j.ode.OdeSolveException;
import org.cnf4j.sample.DensityModel;
import org.cnf4j.sample.Sampler;
import org.cnf4j.train.Evaluation;
import org.cnf4j.train.Trainer;
import org.cnf4j.train.TrainingException;
import org.cnf4j.train.TrainingListener;
import org.cnf4j.train.TrainingResult;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A continuous normalizing flow ready to use: train one, load one, score rows, draw samples, save
 * it. It works in the data's units: the standardisation learnt in training is applied inside, and
 * values go in and come out as {@code double[rows][columns]} (or ND4J matrices
 * {@code [rows, columns]}). Scoring and sampling give what {@code cnf density} and
 * {@code cnf sample} give for the same model and seed.
 *
 * <pre>{@code
 * Flow flow = Flow.train(Table.read(Path.of("geyser.csv")), TrainOptions.defaults());
 * double[] logp = flow.logDensity(new double[][] {{3.6, 79}});  // nats
 * double[][] samples = flow.sample(1000, 42);
 * flow.save(Path.of("geyser.zip"));
 * }</pre>
 *
 * <p>Not thread-safe: give each thread its own {@link #load}. {@link #model()} is the
 * lower-level model for what this class does not cover.
 */
public final class Flow {

    private final ContinuousNormalizingFlow flow;
    private final ModelMetadata metadata;
    private final Checkpoint checkpoint;

    private Flow(ContinuousNormalizingFlow flow, ModelMetadata metadata, Checkpoint checkpoint) {
        this.flow = flow;
        this.metadata = metadata;
        this.checkpoint = checkpoint;
        // evaluation as cnf density does it: exact trace where cheap, seed 0
        flow.setTraceEstimator(flow.defaultEvaluationEstimator());
        flow.setSeed(0);
    }

    /** {@link #train(Table, TrainOptions, TrainingListener)} without a listener. */
    public static Flow train(Table data, TrainOptions options) {
        return train(data, options, null);
    }

    /**
     * Fits a flow to a table as {@code cnf train} does: the rows split into training, validation
     * and test by the options' seed, the run planned for the time budget unless iterations are
     * given, the validated weights kept.
     *
     * @param listener told of every iteration and validation (for a progress display), or null
     * @throws TrainingException when training diverges (a non-finite loss, a failing solve)
     * @throws DataException when the table is too small to split
     */
    public static Flow train(Table data, TrainOptions options, TrainingListener listener) {
        return train(options.split(data.dataset()), data.columns(), options, listener);
    }

    /** {@link #train(ToyDataset, TrainOptions, TrainingListener)} without a listener. */
    public static Flow train(ToyDataset toy, TrainOptions options) {
        return train(toy, options, null);
    }

    /**
     * Fits a flow to a toy generator (fresh samples every batch, held-out sets drawn from the
     * seed), as {@code cnf train --data NAME} does.
     *
     * @param listener told of every iteration and validation, or null
     * @throws TrainingException when training diverges
     */
    public static Flow train(ToyDataset toy, TrainOptions options, TrainingListener listener) {
        return train(options.split(toy), List.of("x", "y"), options, listener);
    }

    private static Flow train(TrainingData data, List<String> columns, TrainOptions options,
            TrainingListener listener) {
        ContinuousNormalizingFlow flow = options.newFlow(data.dim());
        Trainer trainer = new Trainer(flow, data, options.config());
        Double budget = options.timeBudgetSeconds();
        if (budget != null) {
            trainer.planForBudget(budget);
        }
        if (options.baselines()) {
            trainer.setBaselines(Baselines.fit(data));
        }
        if (listener != null) {
            trainer.addListener(listener);
        }
        TrainingResult result = trainer.train();
        Checkpoint checkpoint = trainer.checkpoint();
        ModelMetadata metadata = new ModelMetadata(data.standardizer(), data.dequantized(), data.describe(), columns,
                null).withTraining(result.summary());
        return new Flow(flow, metadata, checkpoint);
    }

    /**
     * Loads a model file written by {@link #save}, {@code cnf train} or {@code cnf import-ffjord}.
     *
     * @throws ModelFileException for a missing, truncated or corrupt file, or one of a newer format
     */
    public static Flow load(Path file) {
        LoadedModel m = ModelFile.load(file);
        return new Flow(m.flow(), m.metadata(), m.checkpoint());
    }

    /** A flow around a model of the lower-level API (its settings are changed for evaluation). */
    public static Flow of(LoadedModel model) {
        return new Flow(model.flow(), model.metadata(), model.checkpoint());
    }

    /**
     * Writes the model file (through a temporary file, so a failed write leaves no partial file),
     * with the training summary and, after training, the checkpoint {@code cnf train --resume}
     * continues from.
     *
     * @throws java.io.UncheckedIOException when the file cannot be written
     */
    public void save(Path file) {
        ModelFile.save(file, flow, metadata, checkpoint);
    }

    /** Dimensions (columns) of the data. */
    public int dim() {
        return flow.dim();
    }

    /** The data's column names, in order. */
    public List<String> columns() {
        return metadata.columns();
    }

    /** The training summary (iterations, kept validation NLL, test NLL, baselines), or null. */
    public TrainingSummary summary() {
        return metadata.training();
    }

    /**
     * Log-densities of rows in the data's units, nats, one per row (as {@code cnf density
     * --no-dequantize}).
     *
     * @param rows {@code [n][dim]}
     * @throws DataException for a row of another length or a value that is not finite
     * @throws OdeSolveException when a solve fails (a diverging field)
     */
    public double[] logDensity(double[][] rows) {
        return NativeArrays.toArray(logDensity(matrix(rows)));
    }

    /**
     * Log-densities of rows in the data's units, nats.
     *
     * @param rows {@code [n, dim]}
     * @return {@code [n]}
     * @throws DataException for another shape or a value that is not finite
     */
    public INDArray logDensity(INDArray rows) {
        if (rows.rank() != 2 || rows.columns() != dim()) {
            throw new DataException("expected rows of " + dim() + " values (columns " + columns() + "), got shape "
                    + java.util.Arrays.toString(rows.shape()));
        }
        INDArray x = rows.castTo(DataType.DOUBLE).dup('c');
        Table.requireFinite(x, columns());
        return Evaluation.logProb(flow, metadata.standardizer(), x).logProb();
    }

    /**
     * n samples in the data's units, sample i from the seed's stream (as {@code cnf sample}).
     *
     * @return {@code [n][dim]}
     */
    public double[][] sample(int n, long seed) {
        return rows(sampleArray(n, seed));
    }

    /**
     * n samples in the data's units, as an ND4J matrix.
     *
     * @return {@code [n, dim]}
     */
    public INDArray sampleArray(int n, long seed) {
        return new Sampler(new DensityModel(flow, metadata.standardizer())).sample(n, seed).samples();
    }

    /** The lower-level model: the network, its metadata and checkpoint (shared, not copied). */
    public LoadedModel model() {
        return new LoadedModel(flow, metadata, checkpoint);
    }

    @Override
    public String toString() {
        return "Flow[" + flow.block(0).describe() + ", " + flow.parameterCount() + " parameters, columns "
                + columns() + "]";
    }

    private INDArray matrix(double[][] rows) {
        Objects.requireNonNull(rows, "rows");
        return Table.matrix(rows, dim(), "; the flow has " + dim() + " dimensions (columns " + columns() + ")");
    }

    /** The rows of a matrix {@code [n, d]} as {@code double[n][d]}. */
    static double[][] rows(INDArray m) {
        double[] v = NativeArrays.toArray(m.castTo(DataType.DOUBLE));
        int d = (int) m.columns();
        double[][] out = new double[(int) m.rows()][d];
        for (int i = 0; i < out.length; i++) {
            System.arraycopy(v, i * d, out[i], 0, d);
        }
        return out;
    }
}
