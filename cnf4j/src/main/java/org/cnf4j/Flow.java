package org.cnf4j;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.cnf4j.data.ConditionalTable;
import org.cnf4j.data.ContextColumn;
import org.cnf4j.data.DataException;
import org.cnf4j.data.ToyDataset;
import org.cnf4j.data.TrainingData;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.io.Checkpoint;
import org.cnf4j.io.LoadedModel;
import org.cnf4j.io.ModelFile;
import org.cnf4j.io.ModelFileException;
import org.cnf4j.io.ModelMetadata;
import org.cnf4j.io.Provenance;
import org.cnf4j.io.TrainingSummary;
import org.cnf4j.linalg.NativeArrays;
import org.cnf4j.ode.OdeSolveException;
import org.cnf4j.sample.ContextSource;
import org.cnf4j.sample.DensityModel;
import org.cnf4j.sample.Sampler;
import org.cnf4j.settings.SettingCheck;
import org.cnf4j.train.Evaluation;
import org.cnf4j.train.TrainingException;
import org.cnf4j.train.TrainingListener;
import org.cnf4j.train.TrainingResult;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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
 * <p>A flow trained on a conditional table ({@link Table.ReadOptions#withContext}) models
 * p(x | c): it scores and samples with a context per row, given by column name as in
 * {@code cnf sample --context} ({@code Map.of("label", 3)}) or as rows of the context columns'
 * values:
 *
 * <pre>{@code
 * Table digits = Table.read(Path.of("digits8x8.csv"), Table.ReadOptions.defaults().withContext("label"));
 * Flow flow = Flow.train(digits, TrainOptions.builder().dequantize(true).build());
 * double[][] threes = flow.sample(16, Map.of("label", 3), 42);
 * double[] logp = flow.logDensity(new double[][] {threes[0]}, new Object[][] {{3}});  // log p(x | label = 3)
 * }</pre>
 *
 * <p>Thread-safe: scoring and sampling from many threads give the numbers one thread gives. The
 * calls of one {@code Flow} take turns (each holds the model while it evaluates; an evaluation
 * uses the cores through its workers); for calls that run side by side, give each thread its own
 * {@link #load}. {@link #model()} is the lower-level model for what this class does not cover;
 * it is shared, not copied, and not thread-safe: a caller that changes its settings holds it
 * ({@code synchronized (flow.model().flow())}).
 */
public final class Flow {

    private final ContinuousNormalizingFlow flow;
    private final ModelMetadata metadata;
    private final Checkpoint checkpoint;

    private Flow(ContinuousNormalizingFlow flow, ModelMetadata metadata, Checkpoint checkpoint) {
        this.flow = flow;
        this.metadata = metadata;
        this.checkpoint = checkpoint;
        synchronized (flow) {
            // evaluation as cnf density does it: exact trace where cheap, seed 0
            flow.setTraceEstimator(flow.defaultEvaluationEstimator());
            flow.setSeed(0);
        }
    }

    /**
     * {@link #train(Table, TrainOptions, TrainingListener)} with progress lines on standard error
     * ({@link org.cnf4j.train.ProgressLog}); give {@link TrainingListener#NONE} to print nothing.
     */
    public static Flow train(Table data, TrainOptions options) {
        return train(data, options, org.cnf4j.train.ProgressLog.toStandardError());
    }

    /**
     * Fits a flow to a table as {@code cnf train} does: the rows split into training, validation
     * and test by the options' seed, the run planned from the table and the options unless
     * iterations are given ({@link org.cnf4j.train.RunLength}: the same on any machine; a time
     * budget only caps it), the validated weights kept.
     *
     * @param listener told of every iteration and validation (for a progress display; {@link
     *     org.cnf4j.train.ProgressLog} prints lines), or null or {@link TrainingListener#NONE} for none
     * @throws TrainingException when training diverges (a non-finite loss, a failing solve)
     * @throws DataException when the table is too small to split
     */
    public static Flow train(Table data, TrainOptions options, TrainingListener listener) {
        return train(
                options.split(data.dataset(), ConditionalTable.contextDim(data.context())),
                data.columns(),
                data.context(),
                options,
                listener);
    }

    /**
     * Fits a flow to {@code data} as {@link #train(Table, TrainOptions, TrainingListener)} does,
     * validating on the caller's {@code validation} rows instead of a share of {@code data}: no
     * validation split is held out (the options' validation fraction is taken as 0; their test
     * fraction still holds out test rows, {@code testFraction(0)} for none). The validation rows
     * decide the kept checkpoint and the run's length as a split's would; below 200 of them, the
     * cross-validation folds cut the training rows only.
     *
     * @param validation rows with the same columns (and context columns and levels) as {@code data}
     * @param listener as for {@link #train(Table, TrainOptions, TrainingListener)}
     * @throws DataException when the validation table has other columns or context, or no rows
     * @throws TrainingException when training diverges
     */
    public static Flow train(Table data, Table validation, TrainOptions options, TrainingListener listener) {
        if (validation == null) {
            throw new IllegalArgumentException(
                    "validation rows are null; call train(data, options) to hold out a " + "validation split");
        }
        if (!validation.columns().equals(data.columns())) {
            throw new DataException("the validation rows have columns " + validation.columns() + ", the training rows "
                    + data.columns());
        }
        if (!sameContext(validation.context(), data.context())) {
            throw new DataException("the validation rows' context columns " + validation.context() + " differ from "
                    + "the training rows' " + data.context() + " (names and levels must match)");
        }
        TrainOptions noSplit = options.toBuilder().validationFraction(0).build();
        TrainingData split = noSplit.split(data.dataset(), ConditionalTable.contextDim(data.context()));
        ((org.cnf4j.data.TableTrainingData) split).validateOn(validation.dataset());
        return train(split, data.columns(), data.context(), noSplit, listener);
    }

    private static boolean sameContext(List<ContextColumn> a, List<ContextColumn> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).name().equals(b.get(i).name())
                    || !a.get(i).levels().equals(b.get(i).levels())) {
                return false;
            }
        }
        return true;
    }

    /** {@link #train(ToyDataset, TrainOptions, TrainingListener)} with progress lines on standard error. */
    public static Flow train(ToyDataset toy, TrainOptions options) {
        return train(toy, options, org.cnf4j.train.ProgressLog.toStandardError());
    }

    /**
     * Fits a flow to a toy generator (fresh samples every batch, held-out sets drawn from the
     * seed), as {@code cnf train --data NAME} does.
     *
     * @param listener told of every iteration and validation, or null
     * @throws TrainingException when training diverges
     */
    public static Flow train(ToyDataset toy, TrainOptions options, TrainingListener listener) {
        return train(options.split(toy), List.of("x", "y"), List.of(), options, listener);
    }

    private static Flow train(
            TrainingData data,
            List<String> columns,
            List<ContextColumn> context,
            TrainOptions options,
            TrainingListener listener) {
        int cd = ConditionalTable.contextDim(context);
        Provenance provenance =
                Provenance.of("Flow.train(" + data.describe() + ", " + options + ")", data, options.seed());
        ContinuousNormalizingFlow flow = options.newFlow(data.dim() - cd, cd);
        TrainingRun run = TrainingRun.fresh(
                data, flow, options.config(), columns, TrainingRun.counted(data, context, flow.dim()), provenance);
        // as cnf train: the base and the baselines first, then the run planned from the table and
        // the options (a time budget only caps it)
        run.prepare(options.baselines());
        run.plan(!options.iterationsPlanned());
        if (listener != null) {
            run.trainer().addListener(listener);
        }
        TrainingResult result = run.train();
        Checkpoint checkpoint = run.trainer().checkpoint();
        ModelMetadata metadata = run.metadata(result);
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

    /** The context columns of a conditional flow, in order; empty for an unconditional one. */
    public List<ContextColumn> context() {
        return metadata.context();
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
        INDArray x = matrix(rows);
        return x.rows() == 0 ? new double[0] : NativeArrays.toArray(logDensity(x));
    }

    /**
     * The mean log-likelihood of rows in the data's units, nats per row (minus the NLL that
     * {@code cnf density} prints): higher is better.
     *
     * @param rows {@code [n][dim]}, at least one
     * @throws DataException for no rows, a row of another length or a value that is not finite
     */
    public double score(double[][] rows) {
        double[] logp = logDensity(rows);
        if (logp.length == 0) {
            throw new DataException("no rows to score");
        }
        double sum = 0;
        for (double v : logp) {
            sum += v;
        }
        return sum / logp.length;
    }

    /**
     * Log-densities of rows in the data's units, nats.
     *
     * @param rows {@code [n, dim]}
     * @return {@code [n]}
     * @throws DataException for another shape or a value that is not finite
     */
    public INDArray logDensity(INDArray rows) {
        requireUnconditional("logDensity(rows, context)");
        return score(rows, null);
    }

    /**
     * Log-densities log p(x | c) of a conditional flow, in the data's units, nats.
     *
     * @param rows {@code [n][dim]}
     * @param context one row per data row, one value per context column ({@link #context()}): a
     *     number for a numeric column, a level for a categorical one (its text, or an integer as a
     *     number)
     * @throws DataException for rows of another length, an unknown level or a value that is not finite
     */
    public double[] logDensity(double[][] rows, Object[][] context) {
        INDArray x = matrix(rows);
        if (context == null) {
            throw new DataException("no contexts (null)");
        }
        return x.rows() == 0 ? new double[0] : NativeArrays.toArray(score(x, contextMatrix(context, rows.length)));
    }

    /**
     * Log-densities log p(x | c) of a conditional flow at one context for every row, in the data's
     * units, nats.
     *
     * @param context a value for every context column, by name (as {@link #sample(int, Map, long)})
     * @throws DataException for rows of another length, a missing or unknown column or level
     */
    public double[] logDensity(double[][] rows, Map<String, ?> context) {
        Object[] values = new Object[metadata.context().size()];
        for (int j = 0; j < values.length; j++) {
            String name = metadata.context().get(j).name();
            if (!context.containsKey(name)) {
                throw new DataException("no value for the context column '" + name + "'");
            }
            values[j] = context.get(name);
        }
        for (String k : context.keySet()) {
            if (metadata.context().stream().noneMatch(c -> c.name().equals(k))) {
                throw new DataException("'" + k + "' is not a context column; the flow's are "
                        + metadata.context().stream().map(ContextColumn::name).toList());
            }
        }
        Object[][] perRow = new Object[rows.length][];
        java.util.Arrays.fill(perRow, values);
        return logDensity(rows, perRow);
    }

    /**
     * n samples of a conditional flow at one context, in the data's units (as {@code cnf sample
     * --context column=value}).
     *
     * @param context a value for every context column, by name
     * @return {@code [n][dim]}
     * @throws DataException for a missing or unknown column or level
     */
    public double[][] sample(int n, Map<String, ?> context, long seed) {
        Sampler sampler = sampler(context);
        if (SettingCheck.atLeast("n", n, 0) == 0) {
            return new double[0][dim()];
        }
        synchronized (flow) {
            return rows(sampler.sample(n, seed).samples());
        }
    }

    /**
     * n samples of a conditional flow trained with context dropout, along the classifier-free
     * guided field with weight w (as {@code cnf sample --guidance w}); no log-densities exist for them.
     *
     * @return {@code [n][dim]}
     */
    public double[][] sampleGuided(int n, Map<String, ?> context, double w, long seed) {
        Sampler sampler = sampler(context).guidance(w);
        if (SettingCheck.atLeast("n", n, 0) == 0) {
            return new double[0][dim()];
        }
        synchronized (flow) {
            return rows(sampler.sample(n, seed).samples());
        }
    }

    private Sampler sampler(Map<String, ?> context) {
        if (metadata.context().isEmpty()) {
            throw new DataException("this flow is not conditional; sample(n, seed)");
        }
        Map<String, String> values = new java.util.LinkedHashMap<>();
        context.forEach((k, v) -> values.put(k, String.valueOf(v)));
        double[] c;
        try {
            c = ConditionalTable.encode(metadata.context(), values);
        } catch (IllegalArgumentException e) {
            throw new DataException(e.getMessage());
        }
        return new Sampler(new DensityModel(flow, metadata.standardizer()), ContextSource.constant(c));
    }

    /** The encoded contexts [n, contextDim] of per-row context values. */
    private INDArray contextMatrix(Object[][] context, int n) {
        List<ContextColumn> columns = metadata.context();
        if (columns.isEmpty()) {
            throw new DataException("this flow is not conditional; logDensity(rows)");
        }
        if (context.length != n) {
            throw new DataException(n + " rows but " + context.length + " contexts");
        }
        int cd = ConditionalTable.contextDim(columns);
        double[] out = new double[n * cd];
        for (int i = 0; i < n; i++) {
            if (context[i] == null || context[i].length != columns.size()) {
                throw new DataException("context row " + i + " has " + (context[i] == null ? 0 : context[i].length)
                        + " values, the flow's context "
                        + "columns are "
                        + columns.stream().map(ContextColumn::name).toList());
            }
            Map<String, String> values = new java.util.LinkedHashMap<>();
            for (int j = 0; j < columns.size(); j++) {
                values.put(columns.get(j).name(), String.valueOf(context[i][j]));
            }
            try {
                System.arraycopy(ConditionalTable.encode(columns, values), 0, out, i * cd, cd);
            } catch (IllegalArgumentException e) {
                throw new DataException("context row " + i + ": " + e.getMessage());
            }
        }
        return org.nd4j.linalg.factory.Nd4j.create(out, new long[] {n, cd}, DataType.DOUBLE);
    }

    private void requireUnconditional(String instead) {
        if (!metadata.context().isEmpty()) {
            throw new DataException("this flow is conditional on "
                    + metadata.context().stream().map(ContextColumn::name).toList() + "; give the contexts: "
                    + instead);
        }
    }

    /** Log-densities of rows (data units) with their encoded contexts (null when unconditional). */
    private INDArray score(INDArray rows, INDArray context) {
        if (rows.rank() != 2 || rows.columns() != dim()) {
            throw new DataException("expected rows of " + dim() + " values (columns " + columns() + "), got shape "
                    + java.util.Arrays.toString(rows.shape()));
        }
        if (rows.rows() == 0) {
            return Nd4j.zeros(DataType.DOUBLE, 0);
        }
        INDArray x = rows.castTo(DataType.DOUBLE).dup('c');
        Table.requireFinite(x, columns());
        INDArray input = context == null ? x : org.nd4j.linalg.factory.Nd4j.hstack(x, context);
        synchronized (flow) {
            return Evaluation.logProb(flow, metadata.standardizer(), input).logProb();
        }
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
        requireUnconditional("sample(n, context, seed)");
        if (SettingCheck.atLeast("n", n, 0) == 0) {
            return Nd4j.zeros(DataType.DOUBLE, 0, dim());
        }
        Sampler sampler = new Sampler(new DensityModel(flow, metadata.standardizer()));
        synchronized (flow) {
            return sampler.sample(n, seed).samples();
        }
    }

    /**
     * A reflowed copy of this flow ({@link Reflow}): trained on (noise, sample) pairs of this one
     * so that its paths are nearly straight; its {@link #reflowInfo()} names the fixed-step
     * sampler that samples it within {@link Reflow#MAX_DEVIATION} of the adaptive solver, and
     * {@link #sampleFixed} uses it. This flow is left as it was.
     *
     * @param listener told of every iteration and validation of each round, or null
     */
    public Flow reflow(Reflow.Options options, TrainingListener listener) {
        Reflow.Result r;
        synchronized (flow) {
            r = Reflow.run(
                    flow, metadata, "a flow in memory", options, listener, org.cnf4j.sample.ProgressListener.NONE);
        }
        return new Flow(r.flow(), r.metadata(), null);
    }

    /** Where a reflowed flow came from and its recommended sampler; null for a flow that was not reflowed. */
    public org.cnf4j.io.ReflowInfo reflowInfo() {
        return metadata.reflow();
    }

    /**
     * n samples by a fixed-step method (as {@code cnf sample --steps K --method M}): K steps per
     * block, K times the method's stages evaluations, no tolerance; for a reflowed flow, its
     * recommended sampler with {@code method} null and {@code steps} 0.
     *
     * @return {@code [n][dim]}
     */
    public double[][] sampleFixed(int n, long seed, org.cnf4j.ode.RungeKuttaMethod method, int steps) {
        requireUnconditional("sample(n, context, seed)");
        org.cnf4j.ode.RungeKuttaMethod m = method;
        int k = steps;
        if (m == null && k == 0) {
            if (metadata.reflow() == null) {
                throw new IllegalArgumentException("this flow was not reflowed: name a method and a number of steps");
            }
            m = metadata.reflow().method();
            k = metadata.reflow().steps();
        }
        org.cnf4j.flow.SolverConfig fixed = org.cnf4j.flow.SolverConfig.fixed(m, k);
        if (SettingCheck.atLeast("n", n, 0) == 0) {
            return new double[0][dim()];
        }
        synchronized (flow) {
            org.cnf4j.flow.SolverConfig adaptive = flow.solver();
            flow.setSolver(fixed);
            try {
                return rows(new Sampler(new DensityModel(flow, metadata.standardizer()))
                        .sample(n, seed)
                        .samples());
            } finally {
                flow.setSolver(adaptive);
            }
        }
    }

    /** The lower-level model: the network, its metadata and checkpoint (shared, not copied). */
    public LoadedModel model() {
        return new LoadedModel(flow, metadata, checkpoint);
    }

    @Override
    public String toString() {
        return "Flow[" + flow.block(0).describe() + ", " + flow.parameterCount() + " parameters, columns " + columns()
                + "]";
    }

    private INDArray matrix(double[][] rows) {
        return Table.matrix(rows, dim(), "; the flow has " + dim() + " dimensions (columns " + columns() + ")");
    }

    /** The rows of a matrix {@code [n, d]} as {@code double[n][d]}. */
    static double[][] rows(INDArray m) {
        if (m.rows() == 0) {
            return new double[0][m.columns()];
        }
        double[] v = NativeArrays.toArray(m.castTo(DataType.DOUBLE));
        int d = m.columns();
        double[][] out = new double[m.rows()][d];
        for (int i = 0; i < out.length; i++) {
            System.arraycopy(v, i * d, out[i], 0, d);
        }
        return out;
    }
}
