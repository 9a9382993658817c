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
            throw new IllegalArgumentException(
                    "the model takes " + cd + " context values, got " + (context == null ? 0 : context.length));
        }
        if (spec.anchor().length != d) {
            throw new IllegalArgumentException(
                    "the grid is for " + spec.anchor().length + " dimensions, the model has " + d);
        }
        return compute(model, spec, context, progress, (i, j, row) -> {
            System.arraycopy(spec.anchor(), 0, row, 0, d);
            row[spec.dimX()] = spec.x(i);
            row[spec.dimY()] = spec.y(j);
        });
    }

    /**
     * log p on a principal plane: cell (i, j) is the row at plane coordinates (x(i), y(j)) of a
     * 2-D {@code uv} grid (PC1 and PC2 in standard deviations from the mean); log p of those rows
     * in the data's units, a slice of the density along the plane.
     *
     * @param context the encoded context of a conditional model, or null
     */
    public static DensityGrid onPlane(
            DensityModel model, PrincipalPlane plane, GridSpec uv, double[] context, ProgressListener progress) {
        int d = model.dim();
        if (plane.dim() != d || uv.anchor().length != 2) {
            throw new IllegalArgumentException("a plane of " + plane.dim() + " columns and a 2-D grid are needed for a "
                    + d + "-dimensional model");
        }
        return compute(
                model,
                uv,
                context,
                progress,
                (i, j, row) -> System.arraycopy(plane.point(uv.x(i), uv.y(j)), 0, row, 0, d));
    }

    /** Writes the data row of grid cell (i, j) into {@code row[0..dim)}. */
    private interface CellRow {
        void fill(int i, int j, double[] row);
    }

    private static DensityGrid compute(
            DensityModel model, GridSpec spec, double[] context, ProgressListener progress, CellRow cellRow) {
        int d = model.dim();
        int cd = model.flow().contextDim();
        if ((context == null ? 0 : context.length) != cd) {
            throw new IllegalArgumentException(
                    "the model takes " + cd + " context values, got " + (context == null ? 0 : context.length));
        }
        int w = d + cd;
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
                double[] row = new double[d];
                for (int q = 0; q < m; q++) {
                    long cell = next + q;
                    cellRow.fill((int) (cell % r), (int) (cell / r), row);
                    System.arraycopy(row, 0, pts, q * w, d);
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
