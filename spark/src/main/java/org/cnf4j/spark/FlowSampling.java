package org.cnf4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.cnf4j.data.DataException;
import org.cnf4j.io.LoadedModel;
import org.cnf4j.io.ModelFile;
import org.cnf4j.linalg.NativeArrays;
import org.cnf4j.nn.MatrixPrecision;
import org.cnf4j.sample.DensityModel;
import org.cnf4j.sample.Sampler;

/**
 * Samples from a cnf4j model on a Spark cluster: n rows (the model's columns, in the data's
 * units, plus {@code logp} on request). The samples are cut into chunks of {@code chunk} global
 * indices, [k chunk, (k + 1) chunk), each drawn and solved as {@link Sampler#chunk} does (sample i
 * from the seed's stream ("base", i)), and the chunks are spread over the partitions; so the
 * result is the same rows in the same order for any number of partitions or executors, and equal
 * to {@code cnf sample} with the same seed and {@code --chunk}.
 */
public final class FlowSampling {

    /**
     * Sampling settings.
     *
     * @param temperature scale of the base noise
     * @param withLogProb whether to add the column {@code logp}
     * @param chunk samples solved together
     * @param partitions partitions of the result; 0 for Spark's default parallelism
     * @param precision the network's matrix products in double or float (not stored in model files)
     */
    public record Options(double temperature, boolean withLogProb, int chunk, int partitions, MatrixPrecision precision)
            implements Serializable {
        /** Double precision. */
        public Options(double temperature, boolean withLogProb, int chunk, int partitions) {
            this(temperature, withLogProb, chunk, partitions, MatrixPrecision.DOUBLE);
        }

        /** Temperature 1, no log-densities, chunks of {@link Sampler#DEFAULT_CHUNK}, default partitions. */
        public static Options defaults() {
            return new Options(1.0, false, Sampler.DEFAULT_CHUNK, 0);
        }
    }

    private FlowSampling() {}

    /** {@link #sample(SparkSession, byte[], long, long, Options)} with {@link Options#defaults()}. */
    public static Dataset<Row> sample(SparkSession spark, byte[] modelFile, long n, long seed) {
        return sample(spark, modelFile, n, seed, Options.defaults());
    }

    /**
     * n samples, in index order.
     *
     * @throws org.cnf4j.io.ModelFileException for a corrupt model file (checked on the driver)
     * @throws IllegalArgumentException for n, temperature, chunk or partitions out of range
     */
    public static Dataset<Row> sample(SparkSession spark, byte[] modelFile, long n, long seed, Options options) {
        return sample(spark, modelFile, n, seed, options, null);
    }

    /**
     * n samples of a conditional model at one context (a value for every context column, by
     * name, as {@code cnf sample --context}), in index order; {@code context} null for an
     * unconditional model.
     *
     * @throws DataException for a missing or unknown context column or level, or a context given
     *     to an unconditional model (or none to a conditional one)
     */
    public static Dataset<Row> sample(
            SparkSession spark, byte[] modelFile, long n, long seed, Options options, Map<String, String> context) {
        if (n < 1) {
            throw new IllegalArgumentException("the number of samples must be positive, got " + n);
        }
        if (!(options.temperature() > 0)
                || Double.isInfinite(options.temperature())
                || options.chunk() < 1
                || options.partitions() < 0) {
            throw new IllegalArgumentException("temperature and chunk must be positive and partitions not negative");
        }
        LoadedModel model = ModelFile.load(modelFile, "the model file");
        double[] encoded = encode(model, context);
        StructType schema = new StructType();
        for (String c : model.metadata().columns()) {
            schema = schema.add(c, DataTypes.DoubleType, false);
        }
        if (options.withLogProb()) {
            schema = schema.add(FlowScoring.LOGP, DataTypes.DoubleType, false);
        }
        long chunks = (n + options.chunk() - 1) / options.chunk();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int partitions =
                (int) Math.min(chunks, options.partitions() > 0 ? options.partitions() : jsc.defaultParallelism());
        Broadcast<byte[]> shared = jsc.broadcast(modelFile);
        return spark.range(0, chunks, 1, partitions)
                .mapPartitions(new SamplePartition(shared, n, seed, options, encoded), Encoders.row(schema));
    }

    /**
     * One sample of a conditional model per row of {@code contexts}, at that row's context (its
     * context columns, read by name as {@link FlowScoring} reads them): the rows with the model's
     * columns appended, in the frame's order. Sample i (the frame's i-th row) is drawn from the
     * seed's stream ("base", i), as {@code cnf sample --context-file} draws it, so the values do not
     * depend on the partitioning beyond which samples share a solve (within the solver tolerance).
     *
     * @throws DataException for a model that is not conditional, a missing context column, a
     *     column name the samples would repeat; a row with a bad context fails the job naming it
     */
    public static Dataset<Row> sampleAt(Dataset<Row> contexts, byte[] modelFile, long seed, Options options) {
        if (!(options.temperature() > 0) || Double.isInfinite(options.temperature()) || options.chunk() < 1) {
            throw new IllegalArgumentException("temperature and chunk must be positive");
        }
        LoadedModel model = ModelFile.load(modelFile, "the model file");
        if (model.metadata().context().isEmpty()) {
            throw new DataException("the model is not conditional: sample it without contexts");
        }
        StructType schema = contexts.schema();
        int[] index = FlowScoring.contextIndex(schema, model.metadata().context());
        List<String> have = List.of(schema.fieldNames());
        StructType out = schema;
        List<String> added = new ArrayList<>(model.metadata().columns());
        if (options.withLogProb()) {
            added.add(FlowScoring.LOGP);
        }
        for (String c : added) {
            if (have.contains(c)) {
                throw new DataException("the contexts already have a column '" + c + "', which the samples add");
            }
            out = out.add(c, DataTypes.DoubleType, false);
        }
        Broadcast<byte[]> shared = JavaSparkContext.fromSparkContext(
                        contexts.sparkSession().sparkContext())
                .broadcast(modelFile);
        org.apache.spark.api.java.JavaRDD<Row> rows =
                contexts.javaRDD().zipWithIndex().mapPartitions(new SampleAtPartition(shared, index, seed, options));
        return contexts.sparkSession().createDataFrame(rows, out);
    }

    /** Draws the samples of a partition of (context row, index) pairs, a chunk at a time. */
    private static final class SampleAtPartition
            implements org.apache.spark.api.java.function.FlatMapFunction<Iterator<scala.Tuple2<Row, Long>>, Row> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<byte[]> model;
        private final int[] index;
        private final long seed;
        private final Options options;

        SampleAtPartition(Broadcast<byte[]> model, int[] index, long seed, Options options) {
            this.model = model;
            this.index = index;
            this.seed = seed;
            this.options = options;
        }

        @Override
        public Iterator<Row> call(Iterator<scala.Tuple2<Row, Long>> input) {
            LoadedModel loaded = ExecutorModels.get(model, "the model file");
            loaded.flow().setMatrixPrecision(options.precision());
            List<org.cnf4j.data.ContextColumn> context = loaded.metadata().context();
            int cd = loaded.flow().contextDim();
            return new Iterator<>() {
                private Iterator<Row> current = List.<Row>of().iterator();

                @Override
                public boolean hasNext() {
                    while (!current.hasNext() && input.hasNext()) {
                        current = nextChunk();
                    }
                    return current.hasNext();
                }

                @Override
                public Row next() {
                    if (!hasNext()) {
                        throw new java.util.NoSuchElementException("no more samples in this partition");
                    }
                    return current.next();
                }

                /** The next run of consecutive indices (at most a chunk), drawn together. */
                private Iterator<Row> nextChunk() {
                    List<Row> rows = new ArrayList<>();
                    double[] encoded = new double[options.chunk() * cd];
                    long first = -1;
                    while (rows.size() < options.chunk() && input.hasNext()) {
                        scala.Tuple2<Row, Long> t = input.next();
                        if (first < 0) {
                            first = t._2();
                        }
                        String problem = FlowScoring.encodeContext(t._1(), index, context, encoded, rows.size() * cd);
                        if (problem != null) {
                            throw new DataException(problem + " (context row " + (t._2() + 1) + ")");
                        }
                        rows.add(t._1());
                    }
                    int m = rows.size();
                    double[] mine = java.util.Arrays.copyOf(encoded, m * cd);
                    Sampler sampler = new Sampler(DensityModel.of(loaded), (from, count) -> mine);
                    Sampler.Chunk c = sampler.chunk(first, m, seed, options.temperature(), options.withLogProb());
                    double[] x = NativeArrays.toArray(c.samples());
                    double[] logp = c.logProb() == null ? null : NativeArrays.toArray(c.logProb());
                    int dim = x.length / m;
                    List<Row> out = new ArrayList<>(m);
                    for (int i = 0; i < m; i++) {
                        Row r = rows.get(i);
                        Object[] cells = new Object[r.length() + dim + (logp == null ? 0 : 1)];
                        for (int j = 0; j < r.length(); j++) {
                            cells[j] = r.get(j);
                        }
                        for (int j = 0; j < dim; j++) {
                            cells[r.length() + j] = x[i * dim + j];
                        }
                        if (logp != null) {
                            cells[r.length() + dim] = logp[i];
                        }
                        out.add(RowFactory.create(cells));
                    }
                    return out.iterator();
                }
            };
        }
    }

    /** The encoded context of a conditional model, checked on the driver; null for an unconditional one. */
    private static double[] encode(LoadedModel model, Map<String, String> context) {
        List<org.cnf4j.data.ContextColumn> columns = model.metadata().context();
        if (columns.isEmpty() != (context == null || context.isEmpty())) {
            throw new DataException(
                    columns.isEmpty()
                            ? "the model is not conditional: it takes no context"
                            : "the model is conditional on "
                                    + columns.stream()
                                            .map(org.cnf4j.data.ContextColumn::name)
                                            .toList() + ": give --context COLUMN=VALUE for each");
        }
        if (columns.isEmpty()) {
            return null;
        }
        try {
            return org.cnf4j.data.ConditionalTable.encode(columns, context);
        } catch (IllegalArgumentException e) {
            throw new DataException(e.getMessage());
        }
    }

    /** Draws the chunks whose indices a partition holds. */
    private static final class SamplePartition implements MapPartitionsFunction<Long, Row> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<byte[]> model;
        private final long n;
        private final long seed;
        private final Options options;
        private final double[] context;

        SamplePartition(Broadcast<byte[]> model, long n, long seed, Options options, double[] context) {
            this.model = model;
            this.n = n;
            this.seed = seed;
            this.options = options;
            this.context = context;
        }

        @Override
        public Iterator<Row> call(Iterator<Long> chunkIds) {
            LoadedModel loaded = ExecutorModels.get(model, "the model file");
            loaded.flow().setMatrixPrecision(options.precision());
            Sampler sampler = new Sampler(
                    DensityModel.of(loaded), context == null ? null : org.cnf4j.sample.ContextSource.constant(context));
            return new Iterator<>() {
                private Iterator<Row> current = List.<Row>of().iterator();

                @Override
                public boolean hasNext() {
                    while (!current.hasNext() && chunkIds.hasNext()) {
                        current = draw(chunkIds.next());
                    }
                    return current.hasNext();
                }

                @Override
                public Row next() {
                    if (!hasNext()) {
                        throw new java.util.NoSuchElementException("no more samples in this partition");
                    }
                    return current.next();
                }

                private Iterator<Row> draw(long k) {
                    long first = k * options.chunk();
                    int m = (int) Math.min(options.chunk(), n - first);
                    Sampler.Chunk c = sampler.chunk(first, m, seed, options.temperature(), options.withLogProb());
                    double[] x = NativeArrays.toArray(c.samples());
                    double[] logp = c.logProb() == null ? null : NativeArrays.toArray(c.logProb());
                    int dim = x.length / m;
                    List<Row> rows = new ArrayList<>(m);
                    for (int i = 0; i < m; i++) {
                        Object[] cells = new Object[dim + (logp == null ? 0 : 1)];
                        for (int j = 0; j < dim; j++) {
                            cells[j] = x[i * dim + j];
                        }
                        if (logp != null) {
                            cells[dim] = logp[i];
                        }
                        rows.add(RowFactory.create(cells));
                    }
                    return rows.iterator();
                }
            };
        }
    }
}
