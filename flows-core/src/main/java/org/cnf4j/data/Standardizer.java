package org.cnf4j.data;

import org.cnf4j.linalg.NativeArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-column affine standardisation {@code y = (x - mean) / std}, fitted on training data and
 * stored with the model, so that the flow sees standardised data while log-densities are
 * reported in the original units: {@code log p_x(x) = log p_y(y) - sum_j log std_j}. Immutable.
 */
public final class Standardizer {

    private final double[] mean;
    private final double[] std;

    /** @param mean per-column mean @param std per-column scale, positive */
    public Standardizer(double[] mean, double[] std) {
        if (mean.length != std.length) {
            throw new IllegalArgumentException("mean and std differ in length");
        }
        for (double s : std) {
            if (!(s > 0) || Double.isInfinite(s)) {
                throw new IllegalArgumentException("standard deviations must be positive and finite");
            }
        }
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /** The identity for dim columns. */
    public static Standardizer identity(int dim) {
        double[] s = new double[dim];
        java.util.Arrays.fill(s, 1.0);
        return new Standardizer(new double[dim], s);
    }

    /**
     * The standard deviation of column j from deviations divided by the largest, so that no square
     * overflows or underflows; 1 for a column constant to within rounding (the column checks
     * refuse such a column for training).
     */
    private static double scaledDeviation(double[] v, int n, int d, int j, double mean) {
        double largest = 0;
        double magnitude = 0;
        for (int i = 0; i < n; i++) {
            largest = Math.max(largest, Math.abs(v[i * d + j] - mean));
            magnitude = Math.max(magnitude, Math.abs(v[i * d + j]));
        }
        if (!(largest > 0) || !Double.isFinite(largest)) {
            return 1.0;
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double e = (v[i * d + j] - mean) / largest;
            sum += e * e / n;
        }
        double sd = largest * Math.sqrt(sum);
        return sd > 1e-12 * magnitude && Double.isFinite(sd) ? sd : 1.0;
    }

    /** Column means and standard deviations of the data (a constant column gets std 1). */
    public static Standardizer fit(INDArray x) {
        int d = x.columns();
        int n = x.rows();
        double[] v = NativeArrays.toArray(x.castTo(DataType.DOUBLE).dup('c'));
        double[] m = new double[d];
        double[] s = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                m[j] += v[i * d + j] / n;
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double e = v[i * d + j] - m[j];
                s[j] += e * e / n;
            }
        }
        for (int j = 0; j < d; j++) {
            if (Double.isFinite(s[j]) && s[j] > 1e-24) {
                s[j] = Math.sqrt(s[j]);
            } else {
                // squares that overflow (values near 1e300) or underflow (near 1e-300): the same
                // deviation, computed from deviations scaled by the largest one
                s[j] = scaledDeviation(v, n, d, j, m[j]);
            }
        }
        return new Standardizer(m, s);
    }

    /** Column means. */
    public double[] mean() {
        return mean.clone();
    }

    /** Column scales. */
    public double[] std() {
        return std.clone();
    }

    /** Number of columns. */
    public int dim() {
        return mean.length;
    }

    /**
     * The standardiser of the first {@code columns} columns: of the data x of joint rows [x | c]
     * (a conditional flow's density is over x only); itself when that is all of them.
     */
    public Standardizer head(int columns) {
        if (columns == mean.length) {
            return this;
        }
        return new Standardizer(java.util.Arrays.copyOf(mean, columns), java.util.Arrays.copyOf(std, columns));
    }

    /** The standardiser of the columns from {@code from} on: of the contexts c of joint rows [x | c]. */
    public Standardizer tail(int from) {
        return new Standardizer(
                java.util.Arrays.copyOfRange(mean, from, mean.length),
                java.util.Arrays.copyOfRange(std, from, std.length));
    }

    /** True when it changes nothing. */
    public boolean isIdentity() {
        for (int j = 0; j < mean.length; j++) {
            if (mean[j] != 0 || std[j] != 1) {
                return false;
            }
        }
        return true;
    }

    /** (x - mean) / std as a new [n, dim] DOUBLE array. */
    public INDArray transform(INDArray x) {
        return apply(x, false);
    }

    /** y * std + mean as a new [n, dim] DOUBLE array. */
    public INDArray inverse(INDArray y) {
        return apply(y, true);
    }

    /** {@code -sum_j log std_j}: add it to log p(y) to get log p(x). */
    public double logDetJacobian() {
        double s = 0;
        for (double v : std) {
            s -= Math.log(v);
        }
        return s;
    }

    private INDArray apply(INDArray x, boolean inverse) {
        int d = x.columns();
        if (d != mean.length) {
            throw new IllegalArgumentException("data have " + d + " columns, the standardiser " + mean.length);
        }
        double[] v = NativeArrays.toArray(x.castTo(DataType.DOUBLE).dup('c'));
        for (int i = 0; i < v.length; i++) {
            int j = i % d;
            v[i] = inverse ? v[i] * std[j] + mean[j] : (v[i] - mean[j]) / std[j];
        }
        return Nd4j.create(v, x.shape(), DataType.DOUBLE);
    }
}
