package org.cnf4j.sample;

import org.cnf4j.data.RowSource;
import org.cnf4j.ode.SolverStats;
import org.cnf4j.train.Evaluation;

/**
 * log p on a regular 2-D grid (or a 2-D slice of a higher-dimensional model), in the data's
 * units: {@code logProb[j][i]} is the value at the cell centre (x(i), y(j)).
 *
 * @param spec the grid
 * @param logProb [resolution][resolution] log-densities in nats, row j = y(j)
 * @param stats solver work
 */
public record DensityGrid(GridSpec spec, double[][] logProb, SolverStats stats) {

    /** Evaluates log p at every cell centre, reporting progress in cells. */
    public static DensityGrid compute(DensityModel model, GridSpec spec, ProgressListener progress) {
        return compute(model, spec, null, progress);
    }

    /**
     * Evaluates log p(x | c) of a conditional model at every cell centre for one context c (its
     * encoded values in the data's units, as {@link ContextSource} gives them); {@code context}
     * null for an unconditional model.
     */
    public static DensityGrid compute(DensityModel model, GridSpec spec, double[] context, ProgressListener progress) {
        int d = model.dim();
        int cd = model.flow().contextDim();
        if ((context == null ? 0 : context.length) != cd) {
            throw new IllegalArgumentException("the model takes " + cd + " context values, got "
                    + (context == null ? 0 : context.length));
        }
        int w = d + cd;
        if (spec.anchor().length != d) {
            throw new IllegalArgumentException("the grid is for " + spec.anchor().length + " dimensions, the model has " + d);
        }
        int r = spec.resolution();
        long cells = (long) r * r;
        double[][] out = new double[r][r];
        RowSource centres = new RowSource() {
            private long next;

            @Override
            public int dim() {
                return w;
            }

            @Override
            public int read(double[] pts, int maxRows) {
                int m = (int) Math.min(maxRows, cells - next);
                for (int q = 0; q < m; q++) {
                    long cell = next + q;
                    System.arraycopy(spec.anchor(), 0, pts, q * w, d);
                    pts[q * w + spec.dimX()] = spec.x((int) (cell % r));
                    pts[q * w + spec.dimY()] = spec.y((int) (cell / r));
                    if (cd > 0) {
                        System.arraycopy(context, 0, pts, q * w + d, cd);
                    }
                }
                next += m;
                return m;
            }
        };
        SolverStats stats = Evaluation.score(model.flow(), model.standardizer(), centres, true, (start, logp) -> {
            for (int q = 0; q < logp.length; q++) {
                long cell = start + q;
                out[(int) (cell / r)][(int) (cell % r)] = logp[q];
            }
            progress.progress(start + logp.length, cells);
        });
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
