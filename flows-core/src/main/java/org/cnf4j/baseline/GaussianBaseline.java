package org.cnf4j.baseline;

import org.hipparchus.linear.CholeskyDecomposition;
import org.hipparchus.linear.MatrixUtils;
import org.hipparchus.linear.RealMatrix;
import org.hipparchus.stat.correlation.Covariance;

/**
 * A full-covariance Gaussian N(mu, Sigma): fitted by maximum likelihood (sample mean, covariance
 * divided by n) and scored by its log-density through a Cholesky factor, so rows far out give
 * finite log-densities instead of an underflowed 0.
 */
public final class GaussianBaseline {

    private static final double LOG_2PI = Math.log(2 * Math.PI);

    private final double[] mean;
    private final double[][] lower;
    private final double logDet;

    /**
     * A Gaussian with this mean and covariance.
     *
     * @throws org.hipparchus.exception.MathIllegalArgumentException when the covariance is not
     *     symmetric positive definite
     */
    public GaussianBaseline(double[] mean, double[][] covariance) {
        this.mean = mean.clone();
        CholeskyDecomposition chol = new CholeskyDecomposition(MatrixUtils.createRealMatrix(covariance), 1e-10, 1e-12);
        RealMatrix l = chol.getL();
        this.lower = l.getData();
        double s = 0;
        for (int i = 0; i < mean.length; i++) {
            s += 2 * Math.log(lower[i][i]);
        }
        this.logDet = s;
    }

    /** The maximum-likelihood Gaussian of the rows x [n][dim]. */
    public static GaussianBaseline fit(double[][] x) {
        int n = x.length;
        int d = x[0].length;
        double[] mu = new double[d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                mu[j] += row[j] / n;
            }
        }
        double[][] cov = new Covariance(x, false).getCovarianceMatrix().getData();
        return new GaussianBaseline(mu, cov);
    }

    /** One draw: mean + L z for z ~ N(0, I), L the covariance's Cholesky factor; [dim]. */
    public double[] sample(java.util.SplittableRandom random) {
        int d = mean.length;
        double[] z = new double[d];
        for (int j = 0; j < d; j++) {
            z[j] = random.nextGaussian();
        }
        double[] x = mean.clone();
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                x[i] += lower[i][j] * z[j];
            }
        }
        return x;
    }

    /** The mean [dim]. */
    public double[] mean() {
        return mean.clone();
    }

    /** The covariance's lower Cholesky factor [dim][dim] (a copy; zeros above the diagonal). */
    public double[][] lowerFactor() {
        int d = mean.length;
        double[][] out = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                out[i][j] = lower[i][j];
            }
        }
        return out;
    }

    /** log N(x; mu, Sigma) in nats. */
    public double logDensity(double[] x) {
        int d = mean.length;
        double[] y = new double[d];
        double q = 0;
        for (int i = 0; i < d; i++) {
            double s = x[i] - mean[i];
            for (int k = 0; k < i; k++) {
                s -= lower[i][k] * y[k];
            }
            y[i] = s / lower[i][i];
            q += y[i] * y[i];
        }
        return -0.5 * (q + logDet + d * LOG_2PI);
    }

    /** Mean negative log-density of the rows, nats. */
    public double meanNll(double[][] x) {
        double s = 0;
        for (double[] row : x) {
            s -= logDensity(row);
        }
        return s / x.length;
    }
}
