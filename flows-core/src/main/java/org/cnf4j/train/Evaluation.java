package org.cnf4j.train;

import java.util.Arrays;
import org.cnf4j.data.RowSource;
import org.cnf4j.data.Standardizer;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.LogProbResult;
import org.cnf4j.ode.SolverStats;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Log-densities of many rows, in chunks, reported in the data's original units. */
public final class Evaluation {

    /** Rows per solve when evaluating large sets. */
    public static final int CHUNK = 5000;

    private Evaluation() {}

    /** Per-row log-densities and the solver work. */
    public record Result(INDArray logProb, SolverStats stats) {
        /** Mean negative log-likelihood in nats. */
        public double meanNll() {
            return -logProb.meanNumber().doubleValue();
        }
    }

    /** Receives the log-densities (nats, original units) of rows [start, start + logp.length). */
    @FunctionalInterface
    public interface Sink {
        void accept(long start, double[] logp);
    }

    /**
     * The one scoring loop: log p of every row of {@code rows}, read in chunks of {@link #CHUNK}
     * (a chunk is one solve), so memory does not grow with the number of rows. The rows are in
     * original units (standardised here) or already in the flow's space; results are in original
     * units ({@code log p_flow(y)} plus the standardiser's log-Jacobian over the flow's own
     * columns, not a conditional flow's contexts), handed to {@code sink} chunk
     * by chunk, in order. A row's value depends on the rows that share its chunk only through the
     * adaptive step sizes, so to within the solver tolerance.
     *
     * @return the solver work of all chunks
     */
    public static SolverStats score(
            ContinuousNormalizingFlow flow,
            Standardizer standardizer,
            RowSource rows,
            boolean originalUnits,
            Sink sink) {
        SolverStats stats = SolverStats.ZERO;
        double logDet = standardizer.head(flow.dim()).logDetJacobian();
        int dim = rows.dim();
        double[] buffer = new double[CHUNK * dim];
        long start = 0;
        int got;
        while ((got = rows.read(buffer, CHUNK)) > 0) {
            INDArray chunk = Nd4j.create(
                    got == CHUNK ? buffer : Arrays.copyOf(buffer, got * dim), new long[] {got, dim}, DataType.DOUBLE);
            LogProbResult r = flow.logProb(originalUnits ? standardizer.transform(chunk) : chunk);
            double[] logp = r.logProb().data().asDouble();
            for (int i = 0; i < logp.length; i++) {
                logp[i] += logDet;
            }
            sink.accept(start, logp);
            stats = stats.plus(r.stats());
            start += got;
        }
        return stats;
    }

    /**
     * log p(x) in original units for rows already in the flow's (standardised) space:
     * {@code log p_flow(y) + standardizer.logDetJacobian()}.
     */
    public static Result logProbStandardized(ContinuousNormalizingFlow flow, Standardizer standardizer, INDArray y) {
        return collect(flow, standardizer, y, false);
    }

    private static Result collect(
            ContinuousNormalizingFlow flow, Standardizer standardizer, INDArray y, boolean originalUnits) {
        double[] out = new double[y.rows()];
        SolverStats stats = score(
                flow,
                standardizer,
                RowSource.of(y),
                originalUnits,
                (start, logp) -> System.arraycopy(logp, 0, out, (int) start, logp.length));
        return new Result(Nd4j.createFromArray(out), stats);
    }

    /** log p(x) in original units for rows in original units. */
    public static Result logProb(ContinuousNormalizingFlow flow, Standardizer standardizer, INDArray x) {
        return collect(flow, standardizer, x, true);
    }

    /** Bits per dimension of a mean NLL in nats for dim-dimensional data. */
    public static double bitsPerDim(double nllNats, int dim) {
        return nllNats / (dim * Math.log(2));
    }
}
