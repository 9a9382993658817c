package org.cnf4j.sample;

import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.LogProbResult;
import org.cnf4j.linalg.NativeArrays;
import org.cnf4j.ode.SolverStats;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * log p on a regular 2-D grid (or a 2-D slice of a higher-dimensional model), in the data's
 * units: {@code logProb[j][i]} is the value at the cell centre (x(i), y(j)).
 *
 * @param spec the grid
 * @param logProb [resolution][resolution] log-densities in nats, row j = y(j)
 * @param stats solver work
 */
public record DensityGrid(GridSpec spec, double[][] logProb, SolverStats stats) {

    /** Rows solved together. */
    static final int CHUNK = 5000;

    /** Evaluates log p at every cell centre, reporting progress in cells. */
    public static DensityGrid compute(DensityModel model, GridSpec spec, ProgressListener progress) {
        int d = model.dim();
        if (spec.anchor().length != d) {
            throw new IllegalArgumentException("the grid is for " + spec.anchor().length + " dimensions, the model has " + d);
        }
        int r = spec.resolution();
        long cells = (long) r * r;
        double[][] out = new double[r][r];
        ContinuousNormalizingFlow flow = model.flow();
        double logDet = model.standardizer().logDetJacobian();
        SolverStats stats = SolverStats.ZERO;
        for (long start = 0; start < cells; start += CHUNK) {
            int m = (int) Math.min(CHUNK, cells - start);
            double[] pts = new double[m * d];
            for (int q = 0; q < m; q++) {
                long cell = start + q;
                int i = (int) (cell % r);
                int j = (int) (cell / r);
                System.arraycopy(spec.anchor(), 0, pts, q * d, d);
                pts[q * d + spec.dimX()] = spec.x(i);
                pts[q * d + spec.dimY()] = spec.y(j);
            }
            INDArray x = Nd4j.create(pts, new long[] {m, d}, DataType.DOUBLE);
            LogProbResult lp = flow.logProb(model.standardizer().transform(x));
            double[] v = NativeArrays.toArray(lp.logProb());
            for (int q = 0; q < m; q++) {
                long cell = start + q;
                out[(int) (cell / r)][(int) (cell % r)] = v[q] + logDet;
            }
            stats = stats.plus(lp.stats());
            progress.progress(start + m, cells);
        }
        return new DensityGrid(spec, out, stats);
    }

    /** The largest log-density on the grid. */
    public double max() {
        double m = Double.NEGATIVE_INFINITY;
        for (double[] row : logProb) {
            for (double v : row) {
                m = Math.max(m, v);
            }
        }
        return m;
    }
}
