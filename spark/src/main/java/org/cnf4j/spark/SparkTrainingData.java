package org.cnf4j.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;
import org.cnf4j.data.ColumnChecks;
import org.cnf4j.data.ConditionalTable;
import org.cnf4j.data.ContextColumn;
import org.cnf4j.data.DataException;
import org.cnf4j.data.MissingValues;
import org.cnf4j.data.Standardizer;
import org.cnf4j.data.TableSplit;
import org.cnf4j.data.TrainingData;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.RandomStreams;
import org.cnf4j.io.ModelFile;
import org.cnf4j.io.ModelMetadata;
import org.cnf4j.train.Objective;
import org.cnf4j.train.ObjectiveResult;
import org.cnf4j.train.Trainer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import scala.Tuple2;

/**
 * A Spark data frame as training data that stays on the executors: the rows are numbered once
 * ({@code zipWithIndex}) and cached, split and batched by the same {@link TableSplit} as a table
 * in one JVM (so the same seed gives the same batches), and standardised by mean and standard
 * deviation aggregated over the training rows. The validation and test sets are collected to the
 * driver (keep their fractions small for large data). {@link #batchGradient} computes each
 * iteration's loss and gradient as MLlib trains its models: the parameters are broadcast, every
 * partition evaluates the share of the batch it holds ({@link Objective#evaluateRows}), and
 * {@code treeAggregate} adds the shares; the {@link Trainer} on the driver takes the Adam step,
 * validates and checkpoints as in {@code cnf train}. For flow matching the result equals the
 * single-JVM gradient of the same batch up to the order of additions; for maximum likelihood to
 * the solver tolerance. Dequantisation is not offered here.
 *
 * <p>For a conditional flow p(x | c) the rows are joint rows [x | c] as in one JVM
 * ({@link org.cnf4j.data.ConditionalTable}): the context columns (numbers, or text or few-valued
 * integers one-hot encoded over their levels, found from the frame's distinct values) follow the
 * data columns and are standardised with them.
 */
public final class SparkTrainingData implements TrainingData {

    private final String source;
    private final int dim;
    private final List<ContextColumn> context;
    private final JavaPairRDD<Long, double[]> rows;
    private String digest;
    private final TableSplit split;
    private final int[] train;
    private final Standardizer standardizer;
    private final INDArray validation;
    private final INDArray test;
    private final long seed;
    private final long droppedRows;

    private SparkTrainingData(
            String source,
            int dim,
            List<ContextColumn> context,
            JavaPairRDD<Long, double[]> rows,
            TableSplit split,
            Standardizer standardizer,
            INDArray validation,
            INDArray test,
            long seed,
            long droppedRows) {
        this.droppedRows = droppedRows;
        this.source = source;
        this.dim = dim;
        this.context = context;
        this.rows = rows;
        this.split = split;
        this.train = split.train();
        this.standardizer = standardizer;
        this.validation = validation;
        this.test = test;
        this.seed = seed;
    }

    /**
     * Reads the columns of {@code df} (numbers, each row finite), numbers and caches the rows, and
     * splits them.
     *
     * @param source a name for messages and reports
     * @throws DataException for a missing or non-numeric column, a null or non-finite value (when
     *     the rows are first counted), or too few rows
     */
    public static SparkTrainingData of(
            Dataset<Row> df,
            List<String> columns,
            double validationFraction,
            double testFraction,
            long seed,
            String source) {
        return of(df, columns, validationFraction, testFraction, seed, source, MissingValues.FAIL);
    }

    /**
     * {@link #of(Dataset, List, double, double, long, String)} with a policy for missing values
     * (null or NaN in a modelled column): {@link MissingValues#DROP_ROWS} leaves those rows out
     * (Spark's {@code na().drop}) before the rows are numbered, and {@link #droppedRows()} counts them.
     */
    public static SparkTrainingData of(
            Dataset<Row> df,
            List<String> columns,
            double validationFraction,
            double testFraction,
            long seed,
            String source,
            MissingValues missing) {
        return of(df, columns, validationFraction, testFraction, seed, source, missing, 0);
    }

    /**
     * {@link #of(Dataset, List, double, double, long, String, MissingValues)} with the cached rows
     * spread over at least {@code partitions} partitions (0: as read), after they are numbered in
     * the table's order, so the split and the batches do not depend on it; a small file read as one
     * partition is then worked on by every executor.
     */
    public static SparkTrainingData of(
            Dataset<Row> df,
            List<String> columns,
            double validationFraction,
            double testFraction,
            long seed,
            String source,
            MissingValues missing,
            int partitions) {
        return of(df, columns, List.of(), validationFraction, testFraction, seed, source, missing, partitions);
    }

    /**
     * Training data of a conditional flow p(x | c): {@link #of(Dataset, List, double, double, long,
     * String, MissingValues, int)} with the context columns {@code contextNames} (numbers or text)
     * after the data columns; an empty list gives the unconditional data.
     *
     * @throws DataException also for a missing context column, one both data and context, one of
     *     one value, an unknown type, or (with {@link MissingValues#FAIL}) a null context cell
     */
    public static SparkTrainingData of(
            Dataset<Row> df,
            List<String> columns,
            List<String> contextNames,
            double validationFraction,
            double testFraction,
            long seed,
            String source,
            MissingValues missing,
            int partitions) {
        List<String> have = List.of(df.schema().fieldNames());
        int dim = columns.size();
        for (String c : contextNames) {
            if (!have.contains(c)) {
                throw new DataException(source + ": no context column '" + c + "'; the data have " + have);
            }
            if (columns.contains(c)) {
                throw new DataException(source + ": the column '" + c + "' is both a data column and a context column");
            }
            org.apache.spark.sql.types.DataType t =
                    df.schema().fields()[df.schema().fieldIndex(c)].dataType();
            if (!(t instanceof NumericType) && t != DataTypes.StringType) {
                throw new DataException(source + ": context column '" + c + "' has type " + t.simpleString()
                        + ", not a number or text");
            }
        }
        for (String c : columns) {
            if (!have.contains(c)) {
                throw new DataException(source + ": no column '" + c + "'; the data have " + have);
            }
            StructField f = df.schema().fields()[df.schema().fieldIndex(c)];
            if (!(f.dataType() instanceof NumericType)) {
                throw new DataException(
                        source + ": column '" + c + "' has type " + f.dataType().simpleString() + ", not a number");
            }
        }
        List<String> names = List.copyOf(columns);
        List<String> all = new ArrayList<>(names);
        all.addAll(contextNames);
        long before = -1;
        if (missing == MissingValues.DROP_ROWS) {
            before = df.count();
            df = df.na().drop(all.toArray(new String[0]));
        }
        String hint =
                missing == MissingValues.FAIL ? "; leave out rows with missing values with --missing drop-rows" : "";
        // a bad row found by a task would be retried to no avail: look for one first, on the driver
        List<String> numeric = new ArrayList<>();
        for (String c : all) {
            if (df.schema().fields()[df.schema().fieldIndex(c)].dataType() instanceof NumericType) {
                numeric.add(c);
            } else if (!df.select(c).where(df.col(c).isNull()).limit(1).isEmpty()) {
                throw new DataException(
                        source + ": context column '" + c + "' is null (a missing value) in a row" + hint);
            }
        }
        SparkIo.requireFinite(df, numeric, source, hint);
        List<ContextColumn> levels = contextColumns(df, contextNames, source);
        int width = dim + ConditionalTable.contextDim(levels);
        org.apache.spark.sql.Column[] selected = new org.apache.spark.sql.Column[all.size()];
        int[] contextIndex = new int[contextNames.size()];
        for (int j = 0; j < all.size(); j++) {
            selected[j] = df.col(all.get(j));
            if (j >= dim) {
                contextIndex[j - dim] = j;
            }
        }
        JavaRDD<double[]> values = df.select(selected).javaRDD().map(r -> {
            double[] v = new double[width];
            String wrong = FlowScoring.encodeContext(r, contextIndex, levels, v, dim);
            if (wrong != null) {
                throw new DataException(source + ": " + wrong);
            }
            for (int j = 0; j < dim; j++) {
                if (r.isNullAt(j)) {
                    throw new DataException(
                            source + ": column '" + names.get(j) + "' is null (a missing value) in a " + "row" + hint);
                }
                v[j] = ((Number) r.get(j)).doubleValue();
                if (!Double.isFinite(v[j])) {
                    throw new DataException(source + ": column '" + names.get(j) + "' holds " + v[j]
                            + ", not a finite value" + (Double.isNaN(v[j]) ? " (a missing value" + hint + ")" : ""));
                }
            }
            return v;
        });
        JavaPairRDD<Long, double[]> numbered = values.zipWithIndex().mapToPair(Tuple2::swap);
        if (partitions > numbered.getNumPartitions()) {
            numbered = numbered.repartition(partitions);
        }
        numbered = numbered.persist(StorageLevel.MEMORY_AND_DISK());
        long n = numbered.count();
        if (n > Integer.MAX_VALUE - 8) {
            throw new DataException(source + ": " + n + " rows; training takes at most " + (Integer.MAX_VALUE - 8));
        }
        TableSplit split = new TableSplit((int) n, validationFraction, testFraction, seed, source);
        JavaSparkContext jsc =
                JavaSparkContext.fromSparkContext(df.sparkSession().sparkContext());
        BitSet trainSet = new BitSet((int) n);
        for (int i : split.train()) {
            trainSet.set(i);
        }
        Broadcast<BitSet> isTrain = jsc.broadcast(trainSet);
        JavaRDD<double[]> trainRows =
                numbered.filter(t -> isTrain.value().get((int) (long) t._1())).values();
        Standardizer standardizer = fit(trainRows, width, split.trainingRows());
        checkColumns(trainRows, java.util.Arrays.copyOf(standardizer.mean(), dim), split.trainingRows(), names, source);
        List<ContextColumn> context = counted(trainRows, levels, dim);
        isTrain.destroy();
        INDArray validation = collect(jsc, numbered, split.validation(), width, standardizer);
        INDArray test = collect(jsc, numbered, split.test(), width, standardizer);
        return new SparkTrainingData(
                source,
                width,
                context,
                numbered,
                split,
                standardizer,
                validation,
                test,
                seed,
                before < 0 ? 0 : before - n);
    }

    /**
     * The context columns of a frame, categorical or numeric by the rules of one JVM
     * ({@link ConditionalTable#contextColumns}), from at most {@value ConditionalTable#MAX_LEVELS} + 1
     * distinct values of each.
     */
    private static List<ContextColumn> contextColumns(Dataset<Row> df, List<String> names, String source) {
        List<List<String>> cells = new ArrayList<>();
        for (String c : names) {
            List<String> distinct = new ArrayList<>();
            for (Row r : df.select(c)
                    .distinct()
                    .limit(ConditionalTable.MAX_LEVELS + 1)
                    .collectAsList()) {
                if (!r.isNullAt(0)) {
                    distinct.add(String.valueOf(r.get(0)));
                }
            }
            cells.add(distinct);
        }
        return ConditionalTable.contextColumns(source, names, cells);
    }

    /** The context columns with the training rows of each level of the categorical ones. */
    private static List<ContextColumn> counted(JavaRDD<double[]> trainRows, List<ContextColumn> context, int dim) {
        int cd = ConditionalTable.contextDim(context);
        if (context.stream().noneMatch(ContextColumn::categorical)) {
            return context;
        }
        long[] counts = trainRows.treeAggregate(
                new long[cd],
                (acc, v) -> {
                    for (int k = 0; k < cd; k++) {
                        if (v[dim + k] > 0) {
                            acc[k]++;
                        }
                    }
                    return acc;
                },
                (a, b) -> {
                    for (int k = 0; k < cd; k++) {
                        a[k] += b[k];
                    }
                    return a;
                });
        List<ContextColumn> out = new ArrayList<>();
        int at = 0;
        for (ContextColumn c : context) {
            if (c.categorical()) {
                out.add(c.withCounts(java.util.Arrays.stream(counts, at, at + c.width())
                        .boxed()
                        .toList()));
            } else {
                out.add(c);
            }
            at += c.width();
        }
        return out;
    }

    /** Rows left out for a missing value ({@link MissingValues#DROP_ROWS}); 0 otherwise. */
    public long droppedRows() {
        return droppedRows;
    }

    /** Mean and standard deviation of the training rows, as {@link Standardizer#fit} computes them. */
    private static Standardizer fit(JavaRDD<double[]> trainRows, int dim, int n) {
        double[] mean = trainRows.treeAggregate(
                new double[dim],
                (acc, v) -> {
                    for (int j = 0; j < dim; j++) {
                        acc[j] += v[j] / n;
                    }
                    return acc;
                },
                SparkTrainingData::add);
        double[] var = trainRows.treeAggregate(
                new double[dim],
                (acc, v) -> {
                    for (int j = 0; j < dim; j++) {
                        double e = v[j] - mean[j];
                        acc[j] += e * e / n;
                    }
                    return acc;
                },
                SparkTrainingData::add);
        double[] std = new double[dim];
        for (int j = 0; j < dim; j++) {
            std[j] = var[j] > 1e-24 ? Math.sqrt(var[j]) : 1.0;
        }
        return new Standardizer(mean, std);
    }

    /**
     * Refuses constant and linearly dependent columns of the training rows, as a single JVM's
     * training does ({@link ColumnChecks}), from their minima, maxima and covariance.
     */
    private static void checkColumns(
            JavaRDD<double[]> trainRows, double[] mean, int n, List<String> names, String source) {
        int dim = mean.length; // the data columns lead each row; the context is not checked
        // [min (dim), max (dim), covariance (dim * dim)]
        double[] zero = new double[2 * dim + dim * dim];
        java.util.Arrays.fill(zero, 0, dim, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(zero, dim, 2 * dim, Double.NEGATIVE_INFINITY);
        double[] stats = trainRows.treeAggregate(
                zero,
                (acc, v) -> {
                    for (int i = 0; i < dim; i++) {
                        acc[i] = Math.min(acc[i], v[i]);
                        acc[dim + i] = Math.max(acc[dim + i], v[i]);
                        double a = v[i] - mean[i];
                        for (int j = 0; j <= i; j++) {
                            acc[2 * dim + i * dim + j] += a * (v[j] - mean[j]) / n;
                        }
                    }
                    return acc;
                },
                (a, b) -> {
                    for (int i = 0; i < dim; i++) {
                        a[i] = Math.min(a[i], b[i]);
                        a[dim + i] = Math.max(a[dim + i], b[dim + i]);
                    }
                    for (int k = 2 * dim; k < a.length; k++) {
                        a[k] += b[k];
                    }
                    return a;
                });
        ColumnChecks.check(
                java.util.Arrays.copyOfRange(stats, 0, dim),
                java.util.Arrays.copyOfRange(stats, dim, 2 * dim),
                java.util.Arrays.copyOfRange(stats, 2 * dim, stats.length),
                names,
                source);
    }

    private static double[] add(double[] a, double[] b) {
        for (int j = 0; j < a.length; j++) {
            a[j] += b[j];
        }
        return a;
    }

    /** The rows of the given indices, in that order, standardised, on the driver. */
    private static INDArray collect(
            JavaSparkContext jsc, JavaPairRDD<Long, double[]> rows, int[] indices, int dim, Standardizer standardizer) {
        if (indices.length == 0) {
            return Nd4j.create(DataType.DOUBLE, 0, dim);
        }
        Map<Long, Integer> order = new HashMap<>();
        for (int i = 0; i < indices.length; i++) {
            order.put((long) indices[i], i);
        }
        Broadcast<Map<Long, Integer>> wanted = jsc.broadcast(order);
        List<Tuple2<Long, double[]>> got =
                rows.filter(t -> wanted.value().containsKey(t._1())).collect();
        double[] out = new double[indices.length * dim];
        for (Tuple2<Long, double[]> t : got) {
            System.arraycopy(t._2(), 0, out, order.get(t._1()) * dim, dim);
        }
        wanted.destroy();
        return standardizer.transform(Nd4j.create(out, new long[] {indices.length, dim}, DataType.DOUBLE));
    }

    /**
     * The batch gradient to give the trainer ({@link Trainer#setBatchGradient}): the flow's
     * architecture and base are broadcast once, at the first batch, its parameters every iteration.
     *
     * <p>Flow matching's shares are exact; maximum likelihood's shares are each solved on their own
     * (their own adaptive steps and, with Hutchinson's estimator, their own probes from the
     * iteration's stream), so the sum agrees with the single-JVM gradient to the solver tolerance
     * (and is unbiased for Hutchinson's).
     *
     * @throws IllegalArgumentException for flow matching with OT coupling (it pairs a whole batch
     *     in one place)
     */
    public Trainer.BatchGradient batchGradient(ContinuousNormalizingFlow flow, Objective objective) {
        ObjectiveRecipe recipe = ObjectiveRecipe.of(objective);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(rows.context());
        double[] mean = standardizer.mean();
        double[] std = standardizer.std();
        // broadcast at the first batch, once the trainer has set the flow's base (its mixture)
        List<Broadcast<byte[]>> held = new ArrayList<>(1);
        return (current, obj, iteration, batchSize, noise) -> {
            if (held.isEmpty()) {
                held.add(jsc.broadcast(modelBytes(current, context)));
            }
            Broadcast<byte[]> architecture = held.get(0);
            int[] positions = split.batchPositions(iteration, batchSize);
            Map<Long, List<Integer>> slots = new HashMap<>();
            for (int slot = 0; slot < batchSize; slot++) {
                slots.computeIfAbsent((long) train[positions[slot]], k -> new ArrayList<>())
                        .add(slot);
            }
            Broadcast<double[]> parameters =
                    jsc.broadcast(current.parameters().data().asDouble());
            Share zero = new Share(current.parameterCount());
            Share total = rows.mapPartitions(new ShareOfBatch(
                            architecture, parameters, slots, batchSize, seed, iteration, recipe, mean, std))
                    .treeAggregate(zero, Share::plus, Share::plus);
            parameters.destroy();
            return new ObjectiveResult(
                    total.loss,
                    total.nll,
                    total.kinetic,
                    total.jacobian,
                    Nd4j.createFromArray(total.gradient),
                    total.forward,
                    total.backward);
        };
    }

    private static byte[] modelBytes(ContinuousNormalizingFlow flow, List<ContextColumn> context) {
        try {
            Path tmp = Files.createTempFile("cnf4j-architecture", ".zip");
            try {
                ModelMetadata none = ModelMetadata.none(flow.dim());
                if (flow.contextDim() > 0) {
                    List<String> cols = new ArrayList<>(none.columns());
                    none = new ModelMetadata(
                            Standardizer.identity(flow.dim() + flow.contextDim()), false, "none", cols, null, context);
                }
                ModelFile.save(tmp, flow, none);
                return Files.readAllBytes(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A partition's share of a batch's loss and gradient (sums of the batch means' terms). */
    static final class Share implements Serializable {
        private static final long serialVersionUID = 1L;
        double loss;
        double nll;
        double kinetic;
        double jacobian;
        final double[] gradient;
        int forward;
        int backward;

        Share(long parameters) {
            gradient = new double[(int) parameters];
        }

        Share plus(Share o) {
            loss += o.loss;
            nll += o.nll;
            kinetic += o.kinetic;
            jacobian += o.jacobian;
            for (int i = 0; i < gradient.length; i++) {
                gradient[i] += o.gradient[i];
            }
            forward += o.forward;
            backward += o.backward;
            return this;
        }
    }

    private record CachedObjective(long architecture, ObjectiveRecipe recipe, Objective objective) {}

    private static final ThreadLocal<CachedObjective> OBJECTIVES = new ThreadLocal<>();

    /** The objective of a recipe for the calling executor thread, built once (it keeps solver caches). */
    private static Objective objectiveFor(long architecture, ObjectiveRecipe recipe) {
        CachedObjective c = OBJECTIVES.get();
        if (c == null || c.architecture() != architecture || !c.recipe().equals(recipe)) {
            c = new CachedObjective(architecture, recipe, recipe.build());
            OBJECTIVES.set(c);
        }
        return c.objective();
    }

    /** Evaluates the batch rows one partition holds. */
    private static final class ShareOfBatch
            implements org.apache.spark.api.java.function.FlatMapFunction<Iterator<Tuple2<Long, double[]>>, Share> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<byte[]> architecture;
        private final Broadcast<double[]> parameters;
        private final Map<Long, List<Integer>> slots;
        private final int batchSize;
        private final long seed;
        private final long iteration;
        private final ObjectiveRecipe recipe;
        private final double[] mean;
        private final double[] std;

        ShareOfBatch(
                Broadcast<byte[]> architecture,
                Broadcast<double[]> parameters,
                Map<Long, List<Integer>> slots,
                int batchSize,
                long seed,
                long iteration,
                ObjectiveRecipe recipe,
                double[] mean,
                double[] std) {
            this.architecture = architecture;
            this.parameters = parameters;
            this.slots = slots;
            this.batchSize = batchSize;
            this.seed = seed;
            this.iteration = iteration;
            this.recipe = recipe;
            this.mean = mean;
            this.std = std;
        }

        @Override
        public Iterator<Share> call(Iterator<Tuple2<Long, double[]>> partition) throws Exception {
            List<int[]> found = new ArrayList<>();
            List<double[]> values = new ArrayList<>();
            while (partition.hasNext()) {
                Tuple2<Long, double[]> t = partition.next();
                List<Integer> s = slots.get(t._1());
                if (s != null) {
                    for (int slot : s) {
                        found.add(new int[] {slot, values.size()});
                    }
                    values.add(t._2());
                }
            }
            ContinuousNormalizingFlow flow =
                    ExecutorModels.get(architecture, "the model").flow();
            Share share = new Share(flow.parameterCount());
            if (found.isEmpty()) {
                return List.of(share).iterator();
            }
            found.sort((a, b) -> Integer.compare(a[0], b[0]));
            int dim = mean.length;
            int m = found.size();
            int[] positions = new int[m];
            double[] x = new double[m * dim];
            for (int i = 0; i < m; i++) {
                positions[i] = found.get(i)[0];
                System.arraycopy(values.get(found.get(i)[1]), 0, x, i * dim, dim);
            }
            flow.parameters().assign(Nd4j.createFromArray(parameters.value()));
            Objective objective = objectiveFor(architecture.id(), recipe);
            RandomGenerator noise = RandomStreams.stream(seed, "noise-" + iteration);
            ObjectiveResult r = objective.evaluateRows(
                    flow,
                    new Standardizer(mean, std).transform(Nd4j.create(x, new long[] {m, dim}, DataType.DOUBLE)),
                    positions,
                    batchSize,
                    noise);
            share.loss = r.loss();
            share.nll = r.nll();
            share.kinetic = r.kinetic();
            share.jacobian = r.jacobian();
            double[] g = r.parameterGradient().data().asDouble();
            System.arraycopy(g, 0, share.gradient, 0, g.length);
            share.forward = r.forwardEvaluations();
            share.backward = r.backwardEvaluations();
            return List.of(share).iterator();
        }
    }

    /** The joint row width: data columns plus context values. */
    @Override
    public int dim() {
        return dim;
    }

    /** The context columns (with the training rows of each level), empty for unconditional data. */
    public List<ContextColumn> context() {
        return context;
    }

    /** Context values per row. */
    public int contextDim() {
        return ConditionalTable.contextDim(context);
    }

    /**
     * The training rows of the first {@code max} batch positions of iteration 0 (as a table's
     * {@code trainingSample} takes them), collected to the driver and standardised: what the
     * baselines and the flow's base mixture are fitted to.
     */
    @Override
    public INDArray trainingSample(int max) {
        int n = Math.min(max, train.length);
        int[] positions = split.batchPositions(0, n);
        int[] indices = new int[n];
        for (int i = 0; i < n; i++) {
            indices[i] = train[positions[i]];
        }
        return collect(JavaSparkContext.fromSparkContext(rows.context()), rows, indices, dim, standardizer);
    }

    /** Not available: the batches of a Spark data set are evaluated where they are ({@link #batchGradient}). */
    @Override
    public INDArray batch(long iteration, int size) {
        throw new UnsupportedOperationException(
                "the batches of " + source + " stay on the executors; give the " + "trainer batchGradient(...)");
    }

    @Override
    public INDArray validation() {
        return validation;
    }

    @Override
    public INDArray test() {
        return test;
    }

    @Override
    public Standardizer standardizer() {
        return standardizer;
    }

    @Override
    public long trainingRows() {
        return split.trainingRows();
    }

    @Override
    public boolean dequantized() {
        return false;
    }

    /**
     * A digest of the rows by position, computed on the executors in one pass: two 64-bit sums of
     * a hash of each row's index and values' bits (order-free to add, so any partitioning gives the
     * same), and the count. Not SHA-256 as a local table's, so it is compared only with a digest of
     * its own kind.
     */
    @Override
    public String contentDigest() {
        if (digest == null) {
            int w = dim;
            long[] sums = rows.treeAggregate(
                    new long[3],
                    (acc, t) -> {
                        acc[0] += rowHash(t._1(), t._2(), 0x9E3779B97F4A7C15L);
                        acc[1] += rowHash(t._1(), t._2(), 0xC2B2AE3D27D4EB4FL);
                        acc[2]++;
                        return acc;
                    },
                    (a, b) -> {
                        a[0] += b[0];
                        a[1] += b[1];
                        a[2] += b[2];
                        return a;
                    });
            digest = String.format(java.util.Locale.ROOT, "rowsum:%016x%016x:%d:%d", sums[0], sums[1], sums[2], w);
        }
        return digest;
    }

    private static long rowHash(long index, double[] v, long seed) {
        long h = mix(seed ^ index);
        for (double x : v) {
            h = mix(h ^ Double.doubleToLongBits(x));
        }
        return h;
    }

    /** SplitMix64's finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public String describe() {
        return source + " (Spark: " + (split.trainingRows() + validation.rows() + test.rows()) + " rows x " + dim
                + " columns: " + split.trainingRows() + " train, " + validation.rows() + " validation, " + test.rows()
                + " test)";
    }

    /** Partitions the cached rows are spread over. */
    public int partitions() {
        return rows.getNumPartitions();
    }

    /** Releases the cached rows. */
    public void unpersist() {
        rows.unpersist(false);
    }
}
