package org.cnf4j.spark;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.cnf4j.data.DataException;
import org.cnf4j.data.RowSource;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.io.LoadedModel;
import org.cnf4j.io.ModelFile;
import org.cnf4j.nn.MatrixPrecision;
import org.cnf4j.trace.TraceEstimator;
import org.cnf4j.train.Evaluation;

/**
 * Log-densities of the rows of a Spark data frame under a cnf4j model, as {@code cnf density}
 * computes them: the model file is broadcast once, each executor thread loads it once and reuses
 * it across partitions, and each partition is scored in chunks of {@link Evaluation#CHUNK} rows
 * (one solve each) from its first row, with the standardisation stored in the model. A row's
 * value depends on the rows sharing its chunk only through the adaptive step sizes (so within the
 * solver tolerance): with a Hutchinson trace a row's probes come from its own stream, keyed by the
 * seed and its values, never from its neighbours. So scoring is deterministic for a given
 * partitioning, and equals {@code cnf density --no-dequantize} bit for bit when the partitions
 * start where its chunks do (every 5,000 rows). Values are scored as given (no dequantisation
 * noise).
 */
public final class FlowScoring {

    /** The column of log-densities, nats, in the data's units. */
    public static final String LOGP = "logp";

    /** The optional column of negative log-likelihood in bits per dimension. */
    public static final String NLL_BITS = "nll_bits";

    /**
     * Scoring settings.
     *
     * @param seed seed of the Hutchinson probes (an exact trace ignores it)
     * @param nllBits whether to add the column {@link #NLL_BITS}
     * @param onBadRow what to do with a row holding a null, NaN or infinite value
     * @param precision the network's matrix products in double or float (not stored in model files)
     * @param trace the trace estimator by name ({@code exact}, {@code hutchinson},
     *     {@code rademacherx4}, ...; see {@link TraceEstimator#byName}); null for the one
     *     {@code cnf density} uses by default ({@link ContinuousNormalizingFlow#defaultEvaluationEstimator()}:
     *     exact where it costs at most 40 Hutchinson estimates), whatever estimator the model was
     *     trained with
     */
    public record Options(long seed, boolean nllBits, BadRowPolicy onBadRow, MatrixPrecision precision, String trace)
            implements Serializable {
        /** Checks the estimator's name. */
        public Options {
            if (trace != null) {
                TraceEstimator.byName(trace);
            }
        }

        /** The default trace estimator ({@code trace} null). */
        public Options(long seed, boolean nllBits, BadRowPolicy onBadRow, MatrixPrecision precision) {
            this(seed, nllBits, onBadRow, precision, null);
        }

        /** Double precision and the default trace estimator. */
        public Options(long seed, boolean nllBits, BadRowPolicy onBadRow) {
            this(seed, nllBits, onBadRow, MatrixPrecision.DOUBLE);
        }

        /** Seed 0, no bits column, failing on a bad row, double precision, the default trace estimator. */
        public static Options defaults() {
            return new Options(0, false, BadRowPolicy.FAIL);
        }
    }

    private FlowScoring() {}

    /** {@link #withLogProb(Dataset, byte[], List, Options)} with {@link Options#defaults()}. */
    public static Dataset<Row> withLogProb(Dataset<Row> df, byte[] modelFile, List<String> columns) {
        return withLogProb(df, modelFile, columns, Options.defaults());
    }

    /**
     * The frame with a {@code logp} column appended (and {@code nll_bits} on request).
     *
     * @param modelFile the bytes of a cnf4j model file; checked here, on the driver
     * @param columns the frame's columns in the model's order; null or empty for the model's own
     *     column names
     * @throws org.cnf4j.io.ModelFileException for a corrupt model file
     * @throws DataException for a missing column, one that is not numeric, or a column count
     *     other than the model's dimension; a bad row fails the job (when the result is
     *     computed) with a DataException naming the column, unless {@code options.onBadRow()}
     *     says otherwise
     */
    public static Dataset<Row> withLogProb(Dataset<Row> df, byte[] modelFile, List<String> columns, Options options) {
        LoadedModel model = ModelFile.load(modelFile, "the model file");
        List<String> names =
                columns == null || columns.isEmpty() ? model.metadata().columns() : columns;
        int dim = model.flow().dim();
        if (names.size() != dim) {
            throw new DataException("the model has " + dim + " dimensions (columns "
                    + model.metadata().columns() + "), " + names.size() + " columns were given: " + names);
        }
        StructType schema = df.schema();
        List<String> have = List.of(schema.fieldNames());
        int[] index = new int[dim];
        for (int j = 0; j < dim; j++) {
            String c = names.get(j);
            if (!have.contains(c)) {
                throw new DataException("no column '" + c + "'; the data have " + have);
            }
            index[j] = schema.fieldIndex(c);
            StructField f = schema.fields()[index[j]];
            if (!(f.dataType() instanceof NumericType)) {
                throw new DataException(
                        "column '" + c + "' has type " + f.dataType().simpleString() + ", not a number");
            }
        }
        int[] contextIndex = contextIndex(schema, model.metadata().context());
        for (String added : options.nllBits() ? List.of(LOGP, NLL_BITS) : List.of(LOGP)) {
            if (have.contains(added)) {
                throw new DataException("the data already have a column '" + added + "'");
            }
        }
        StructType out = schema.add(LOGP, DataTypes.DoubleType, true);
        if (options.nllBits()) {
            out = out.add(NLL_BITS, DataTypes.DoubleType, true);
        }
        if (options.onBadRow() == BadRowPolicy.FAIL) {
            // a bad row found by a task would be retried to no avail: look for one first, on the driver
            List<String> numeric = new ArrayList<>(names);
            for (org.cnf4j.data.ContextColumn c : model.metadata().context()) {
                if (!c.categorical()) {
                    numeric.add(c.name());
                }
            }
            SparkIo.requireFinite(df, numeric, "", "; --on-bad-row skip or null scores the other rows");
        }
        Broadcast<byte[]> shared = JavaSparkContext.fromSparkContext(
                        df.sparkSession().sparkContext())
                .broadcast(modelFile);
        return df.mapPartitions(new ScorePartition(shared, index, contextIndex, names, options), Encoders.row(out));
    }

    /**
     * Checks the frame's context columns of a conditional model (present; numbers, or text for a
     * categorical one) and returns their indices in the schema.
     *
     * @throws DataException naming a missing column or one of the wrong type
     */
    static int[] contextIndex(StructType schema, List<org.cnf4j.data.ContextColumn> context) {
        List<String> have = List.of(schema.fieldNames());
        int[] index = new int[context.size()];
        for (int i = 0; i < context.size(); i++) {
            org.cnf4j.data.ContextColumn c = context.get(i);
            if (!have.contains(c.name())) {
                throw new DataException("no context column '" + c.name() + "' (the model is conditional on "
                        + context.stream()
                                .map(org.cnf4j.data.ContextColumn::name)
                                .toList() + "); the data have " + have);
            }
            index[i] = schema.fieldIndex(c.name());
            StructField f = schema.fields()[index[i]];
            boolean text = f.dataType() == DataTypes.StringType;
            if (!(f.dataType() instanceof NumericType) && !(text && c.categorical())) {
                throw new DataException("context column '" + c.name() + "' has type "
                        + f.dataType().simpleString()
                        + (c.categorical() ? ", not a number or text level" : ", not a number"));
            }
        }
        return index;
    }

    /**
     * Writes the encoded context of row r (its context columns at {@code index}) into
     * {@code out} from {@code at}; returns what is wrong (a null, an unknown level, a value that is
     * not finite), or null.
     */
    static String encodeContext(Row r, int[] index, List<org.cnf4j.data.ContextColumn> context, double[] out, int at) {
        for (int i = 0; i < index.length; i++) {
            org.cnf4j.data.ContextColumn c = context.get(i);
            if (r.isNullAt(index[i])) {
                return "context column '" + c.name() + "' is null";
            }
            Object cell = r.get(index[i]);
            double v;
            if (c.categorical()) {
                try {
                    v = c.code(String.valueOf(cell));
                } catch (IllegalArgumentException e) {
                    return e.getMessage();
                }
            } else {
                v = ((Number) cell).doubleValue();
                if (!Double.isFinite(v)) {
                    return "context column '" + c.name() + "' holds " + v + ", not a finite value";
                }
            }
            c.encode(v, out, at);
            at += c.width();
        }
        return null;
    }

    /** Scores one partition a chunk at a time, lazily, keeping the rows' order. */
    private static final class ScorePartition implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<byte[]> model;
        private final int[] index;
        private final int[] contextIndex;
        private final List<String> names;
        private final Options options;

        ScorePartition(Broadcast<byte[]> model, int[] index, int[] contextIndex, List<String> names, Options options) {
            this.model = model;
            this.index = index;
            this.contextIndex = contextIndex;
            this.names = names;
            this.options = options;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> input) {
            LoadedModel m = ExecutorModels.get(model, "the model file");
            m.flow().setSeed(options.seed());
            m.flow().setMatrixPrecision(options.precision());
            m.flow()
                    .setTraceEstimator(
                            options.trace() == null
                                    ? m.flow().defaultEvaluationEstimator()
                                    : TraceEstimator.byName(options.trace()));
            int dim = index.length;
            List<org.cnf4j.data.ContextColumn> context = m.metadata().context();
            int width = m.flow().inputColumns();
            double bitsPerNat = 1.0 / (dim * Math.log(2));
            return new Iterator<>() {
                private final ArrayDeque<Row> ready = new ArrayDeque<>();
                private final double[] values = new double[Evaluation.CHUNK * width];
                private long seen;

                @Override
                public boolean hasNext() {
                    while (ready.isEmpty() && input.hasNext()) {
                        scoreNextChunk();
                    }
                    return !ready.isEmpty();
                }

                @Override
                public Row next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return ready.poll();
                }

                private void scoreNextChunk() {
                    List<Row> rows = new ArrayList<>();
                    List<Boolean> good = new ArrayList<>();
                    int n = 0;
                    while (n < Evaluation.CHUNK && input.hasNext()) {
                        Row r = input.next();
                        seen++;
                        String problem = read(r, n);
                        if (problem == null) {
                            n++;
                            rows.add(r);
                            good.add(true);
                        } else if (options.onBadRow() == BadRowPolicy.NULL) {
                            rows.add(r);
                            good.add(false);
                        } else if (options.onBadRow() == BadRowPolicy.FAIL) {
                            throw new DataException(problem + " (row " + seen + " of its partition); --on-bad-row "
                                    + "skip or null scores the other rows");
                        }
                    }
                    double[] logp = new double[n];
                    if (n > 0) {
                        int count = n;
                        Evaluation.score(
                                m.flow(),
                                m.metadata().standardizer(),
                                new RowSource() {
                                    private boolean done;

                                    @Override
                                    public int dim() {
                                        return width;
                                    }

                                    @Override
                                    public int read(double[] out, int maxRows) {
                                        if (done) {
                                            return 0;
                                        }
                                        done = true;
                                        System.arraycopy(values, 0, out, 0, count * width);
                                        return count;
                                    }
                                },
                                true,
                                (start, chunk) -> System.arraycopy(chunk, 0, logp, (int) start, chunk.length));
                    }
                    for (int i = 0, k = 0; i < rows.size(); i++) {
                        Double v = good.get(i) ? logp[k++] : null;
                        ready.add(append(rows.get(i), v, v == null ? null : -v * bitsPerNat));
                    }
                }

                /** Copies the model columns of r into row slot n; returns what is wrong, or null. */
                private String read(Row r, int n) {
                    for (int j = 0; j < dim; j++) {
                        if (r.isNullAt(index[j])) {
                            return "column '" + names.get(j) + "' is null";
                        }
                        double v = ((Number) r.get(index[j])).doubleValue();
                        if (!Double.isFinite(v)) {
                            return "column '" + names.get(j) + "' holds " + v + ", not a finite value";
                        }
                        values[n * width + j] = v;
                    }
                    return encodeContext(r, contextIndex, context, values, n * width + dim);
                }

                private Row append(Row r, Double logp, Double bits) {
                    int width = r.length();
                    Object[] cells = new Object[width + (options.nllBits() ? 2 : 1)];
                    for (int i = 0; i < width; i++) {
                        cells[i] = r.get(i);
                    }
                    cells[width] = logp;
                    if (options.nllBits()) {
                        cells[width + 1] = bits;
                    }
                    return RowFactory.create(cells);
                }
            };
        }
    }
}
