package org.cnf4j.sample;

import org.cnf4j.data.Standardizer;
import org.cnf4j.linalg.NativeArrays;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.EigenDecompositionSymmetric;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The plane of the first two principal components of data rows, found on the model's standardised
 * scale (so that a column's units do not decide its weight): a view of any number of columns in
 * two. Rows project to coordinates (PC1, PC2) in standard deviations; grid points of the plane
 * map back to rows in the data's units (through the rows' mean), for the model to score.
 */
public final class PrincipalPlane {

    private final Standardizer scale;
    private final int dim;
    /** The standardised rows' mean, [dim]. */
    private final double[] centre;
    /** The two unit directions on the standardised scale, [2][dim], by decreasing variance. */
    private final double[][] axes;
    /** The share of the standardised rows' variance along each axis. */
    private final double[] explained;
    /** The plane's origin in the data's units. */
    private final double[] origin;
    /** Unit steps along the two axes in the data's units. */
    private final double[][] dataSteps;

    private PrincipalPlane(Standardizer scale, double[] centre, double[][] axes, double[] explained) {
        this.scale = scale;
        this.dim = centre.length;
        this.centre = centre;
        this.axes = axes;
        this.explained = explained;
        double[] z = new double[3 * dim];
        for (int j = 0; j < dim; j++) {
            z[j] = centre[j];
            z[dim + j] = centre[j] + axes[0][j];
            z[2 * dim + j] = centre[j] + axes[1][j];
        }
        double[] x = NativeArrays.toArray(scale.inverse(Nd4j.create(z, new long[] {3, dim}, DataType.DOUBLE)));
        this.dataSteps = new double[2][dim];
        for (int j = 0; j < dim; j++) {
            dataSteps[0][j] = x[dim + j] - x[j];
            dataSteps[1][j] = x[2 * dim + j] - x[j];
        }
        this.origin = java.util.Arrays.copyOf(x, dim);
    }

    /**
     * Fits the plane to rows in the data's units.
     *
     * @param rows [n >= 2, dim >= 2] in the data's units
     * @param scale the model's standardiser of these columns ({@code dim} wide)
     */
    public static PrincipalPlane fit(INDArray rows, Standardizer scale) {
        int n = rows.rows();
        int d = rows.columns();
        if (n < 2 || d < 2) {
            throw new IllegalArgumentException(
                    "a principal plane needs at least 2 rows and 2 columns, got " + n + " x " + d);
        }
        double[] v = NativeArrays.toArray(
                scale.transform(rows.castTo(DataType.DOUBLE).dup('c')));
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                mean[j] += v[i * d + j] / n;
            }
        }
        double[][] cov = new double[d][d];
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < d; a++) {
                double da = v[i * d + a] - mean[a];
                for (int b = 0; b <= a; b++) {
                    cov[a][b] += da * (v[i * d + b] - mean[b]) / (n - 1);
                }
            }
        }
        double total = 0;
        for (int a = 0; a < d; a++) {
            total += cov[a][a];
            for (int b = 0; b < a; b++) {
                cov[b][a] = cov[a][b];
            }
        }
        EigenDecompositionSymmetric eig = new EigenDecompositionSymmetric(new Array2DRowRealMatrix(cov, false));
        double[] values = eig.getEigenvalues();
        Integer[] order = new Integer[d];
        for (int k = 0; k < d; k++) {
            order[k] = k;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(values[y], values[x]));
        double[][] axes = new double[2][];
        double[] explained = new double[2];
        for (int k = 0; k < 2; k++) {
            double[] e = eig.getEigenvector(order[k]).toArray();
            // a fixed sign: the largest loading positive, so that the picture does not flip between runs
            int big = 0;
            for (int j = 1; j < d; j++) {
                big = Math.abs(e[j]) > Math.abs(e[big]) ? j : big;
            }
            if (e[big] < 0) {
                for (int j = 0; j < d; j++) {
                    e[j] = -e[j];
                }
            }
            axes[k] = e;
            explained[k] = total > 0 ? Math.max(0, values[order[k]]) / total : 0;
        }
        return new PrincipalPlane(scale, mean, axes, explained);
    }

    /** Coordinates (PC1, PC2) of rows in the data's units: [n, 2], in standard deviations from the mean. */
    public INDArray project(INDArray rows) {
        int n = rows.rows();
        double[] v = NativeArrays.toArray(
                scale.transform(rows.castTo(DataType.DOUBLE).dup('c')));
        double[] out = new double[2 * n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 2; k++) {
                double s = 0;
                for (int j = 0; j < dim; j++) {
                    s += (v[i * dim + j] - centre[j]) * axes[k][j];
                }
                out[2 * i + k] = s;
            }
        }
        return Nd4j.create(out, new long[] {n, 2}, DataType.DOUBLE);
    }

    /**
     * The row in the data's units at plane coordinates (u, v): the mean plus u PC1 plus v PC2
     * (the standardiser is affine, so the plane maps to a plane).
     */
    public double[] point(double u, double v) {
        double[] row = new double[dim];
        for (int j = 0; j < dim; j++) {
            row[j] = origin[j] + u * dataSteps[0][j] + v * dataSteps[1][j];
        }
        return row;
    }

    /** The share of the standardised rows' variance along PC{@code k + 1} (k = 0, 1). */
    public double explained(int k) {
        return explained[k];
    }

    /** The loadings of PC{@code k + 1}: a unit vector over the columns, on the standardised scale. */
    public double[] axis(int k) {
        return axes[k].clone();
    }

    /** The data dimension. */
    public int dim() {
        return dim;
    }
}
