package org.cnf4j.spark;

import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.cnf4j.data.DataException;

/**
 * The mean negative log-likelihood (nats per row) of the log-density column a {@link CnfFlowModel}
 * added (default {@code logp}): lower is better, so {@code CrossValidator} and
 * {@code TrainValidationSplit} choose the flow that fits held-out rows best. A row whose log-density
 * is null (a bad row scored with {@code onBadRow = null}) is an error, not a row left out.
 */
public final class CnfNllEvaluator extends Evaluator implements DefaultParamsWritable {

    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> logpCol;

    /** An evaluator with a random uid. */
    public CnfNllEvaluator() {
        this(Identifiable$.MODULE$.randomUID("cnfNllEvaluator"));
    }

    /** An evaluator with this uid. */
    public CnfNllEvaluator(String uid) {
        this.uid = uid;
        logpCol = new Param<>(this, "logpCol", "column of log p, nats");
        setDefault(logpCol, FlowScoring.LOGP);
    }

    @Override
    public String uid() {
        return uid;
    }

    /** @return the log-density column param */
    public Param<String> logpCol() {
        return logpCol;
    }

    /** The log-density column. */
    public CnfNllEvaluator setLogpCol(String v) {
        set(logpCol, v);
        return this;
    }

    @Override
    public double evaluate(Dataset<?> dataset) {
        String col = $(logpCol);
        if (!java.util.List.of(dataset.schema().fieldNames()).contains(col)) {
            throw new DataException(
                    "no log-density column '" + col + "'; transform the rows with a CnfFlowModel first");
        }
        Row r = dataset.agg(
                        functions.avg(functions.col(col)),
                        functions.count(functions.lit(1)),
                        functions.count(functions.col(col)))
                .head();
        if (r.getLong(1) == 0) {
            throw new DataException("no rows to evaluate");
        }
        if (r.getLong(1) != r.getLong(2)) {
            throw new DataException((r.getLong(1) - r.getLong(2)) + " rows have no log-density (null)");
        }
        return -r.getDouble(0);
    }

    @Override
    public boolean isLargerBetter() {
        return false;
    }

    @Override
    public CnfNllEvaluator copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /** The reader of a saved evaluator. */
    public static MLReader<CnfNllEvaluator> read() {
        return new DefaultParamsReader<>();
    }
}
