package org.cnf4j.spark;

import java.util.HashMap;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;
import org.cnf4j.data.DataException;
import org.cnf4j.io.LoadedModel;
import org.cnf4j.io.ModelFile;
import org.cnf4j.train.Evaluation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The SQL function {@code cnf_logp(model_name, array(col, ...))}: log p in nats of one row's values
 * (the model's columns, in its order, in the data's units) under a model registered by name with
 * {@link #register}, broadcast once and loaded once per executor thread. It scores row by row (one
 * density solve each), which is convenient in a query; {@link FlowScoring} scores whole partitions
 * in chunks, many times faster. A null or non-finite value gives null.
 *
 * <pre>{@code
 * CnfSql.register(spark, "geyser", Files.readAllBytes(Path.of("geyser.zip")));
 * spark.sql("SELECT *, cnf_logp('geyser', array(eruptions, waiting)) AS logp FROM eruptions");
 * }</pre>
 */
public final class CnfSql {

    /** The SQL function's name. */
    public static final String FUNCTION = "cnf_logp";

    private static final Map<SparkSession, Map<String, Broadcast<byte[]>>> MODELS = new java.util.WeakHashMap<>();

    private CnfSql() {}

    /**
     * Registers (or replaces) a model under a name for {@code cnf_logp} in this session.
     *
     * @throws org.cnf4j.io.ModelFileException for a corrupt model file, checked here on the driver
     */
    public static synchronized void register(SparkSession spark, String name, byte[] modelFile) {
        if (!ModelFile.load(modelFile, "the model file '" + name + "'")
                .metadata()
                .context()
                .isEmpty()) {
            throw new DataException(FUNCTION + " scores unconditional models; score a conditional one with its context "
                    + "columns through FlowScoring (cnf-spark density)");
        }
        Broadcast<byte[]> shared =
                JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(modelFile);
        Map<String, Broadcast<byte[]>> models = MODELS.computeIfAbsent(spark, s -> new HashMap<>());
        models.put(name, shared);
        Map<String, Broadcast<byte[]>> snapshot = new HashMap<>(models);
        spark.udf()
                .register(
                        FUNCTION,
                        (UDF2<String, scala.collection.Seq<Object>, Double>)
                                (model, values) -> logp(snapshot, model, values),
                        DataTypes.DoubleType);
    }

    /** log p of one row under the named model; null for a null or non-finite value. */
    private static Double logp(
            Map<String, Broadcast<byte[]>> models, String name, scala.collection.Seq<Object> values) {
        Broadcast<byte[]> b = models.get(name);
        if (b == null) {
            throw new DataException(FUNCTION + ": no model named '" + name + "'; registered: " + models.keySet());
        }
        LoadedModel m = ExecutorModels.get(b, "the model file '" + name + "'");
        int dim = m.flow().dim();
        if (values == null) {
            return null;
        }
        if (values.size() != dim) {
            throw new DataException(FUNCTION + ": the model '" + name + "' takes " + dim + " values (columns "
                    + m.metadata().columns() + "), got " + values.size());
        }
        double[] row = new double[dim];
        for (int j = 0; j < dim; j++) {
            Object v = values.apply(j);
            if (v == null) {
                return null;
            }
            row[j] = ((Number) v).doubleValue();
            if (!Double.isFinite(row[j])) {
                return null;
            }
        }
        return Evaluation.logProb(
                        m.flow(), m.metadata().standardizer(), Nd4j.create(row, new long[] {1, dim}, DataType.DOUBLE))
                .logProb()
                .getDouble(0);
    }
}
