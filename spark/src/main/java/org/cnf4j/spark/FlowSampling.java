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

    private FlowSampling() {
    }

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
    public static Dataset<Row> sample(SparkSession spark, byte[] modelFile, long n, long seed, Options options,
            Map<String, String> context) {
        if (n < 1) {
            throw new IllegalArgumentException("the number of samples must be positive, got " + n);
        }
        if (!(options.temperature() > 0) || Double.isInfinite(options.temperature()) || options.chunk() < 1
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
        int partitions = (int) Math.min(chunks, options.partitions() > 0 ? options.partitions() : jsc.defaultParallelism());
        Broadcast<byte[]> shared = jsc.broadcast(modelFile);
        return spark.range(0, chunks, 1, partitions)
                .mapPartitions(new SamplePartition(shared, n, seed, options, encoded), Encoders.row(schema));
    }

    /** The encoded context of a conditional model, checked on the driver; null for an unconditional one. */
    private static double[] encode(LoadedModel model, Map<String, String> context) {
        List<org.cnf4j.data.ContextColumn> columns = model.metadata().context();
        if (columns.isEmpty() != (context == null || context.isEmpty())) {
            throw new DataException(columns.isEmpty() ? "the model is not conditional: it takes no context"
                    : "the model is conditional on " + columns.stream().map(org.cnf4j.data.ContextColumn::name).toList()
                            + ": give --context COLUMN=VALUE for each");
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
            Sampler sampler = new Sampler(DensityModel.of(loaded), context == null ? null
                    : org.cnf4j.sample.ContextSource.constant(context));
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
                    hasNext();
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
