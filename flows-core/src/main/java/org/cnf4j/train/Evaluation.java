package org.cnf4j.train;

import org.cnf4j.data.Standardizer;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.LogProbResult;
import org.cnf4j.ode.SolverStats;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Log-densities of many rows, in chunks, reported in the data's original units. */
public final class Evaluation {

    /** Rows per solve when evaluating large sets. */
    public static final int CHUNK = 5000;

    private Evaluation() {
    }

    /** Per-row log-densities and the solver work. */
    public record Result(INDArray logProb, SolverStats stats) {
        /** Mean negative log-likelihood in nats. */
        public double meanNll() {
            return -logProb.meanNumber().doubleValue();
        }
    }

    /**
     * log p(x) in original units for rows already in the flow's (standardised) space:
     * {@code log p_flow(y) + standardizer.logDetJacobian()}.
     */
    public static Result logProbStandardized(ContinuousNormalizingFlow flow, Standardizer standardizer, INDArray y) {
        long n = y.rows();
        INDArray out = Nd4j.create(DataType.DOUBLE, n);
        SolverStats stats = SolverStats.ZERO;
        for (long start = 0; start < n; start += CHUNK) {
            long end = Math.min(n, start + CHUNK);
            INDArray chunk = y.get(NDArrayIndex.interval(start, end), NDArrayIndex.all());
            LogProbResult r = flow.logProb(chunk);
            out.get(NDArrayIndex.interval(start, end)).assign(r.logProb());
            stats = stats.plus(r.stats());
        }
        out.addi(standardizer.logDetJacobian());
        return new Result(out, stats);
    }

    /** log p(x) in original units for rows in original units. */
    public static Result logProb(ContinuousNormalizingFlow flow, Standardizer standardizer, INDArray x) {
        return logProbStandardized(flow, standardizer, standardizer.transform(x));
    }

    /** Bits per dimension of a mean NLL in nats for dim-dimensional data. */
    public static double bitsPerDim(double nllNats, int dim) {
        return nllNats / (dim * Math.log(2));
    }
}
