package org.cnf4j.flow;

import java.util.random.RandomGenerator;

/**
 * A mixture of K full-covariance Gaussians as a flow's base distribution, in the flow's
 * (standardised) space: log-weights [K], means [K][dim] and the covariances' lower Cholesky
 * factors [K][dim][dim]. Its log-density is a log-sum-exp over the components, each scored
 * through its factor (dim^2 / 2 multiply-adds a row and component); its gradient is the
 * responsibility-weighted sum of -Sigma_k^-1 (z - mu_k). A draw picks a component by its weight
 * (one uniform), then mu_k + temperature L_k e with e ~ N(0, I) (dim Gaussians).
 */
public final class GaussianMixtureBase implements BaseDistribution {

    private static final double LOG_2PI = Math.log(2 * Math.PI);
    /** How far the weights may sum from 1 (a file's rounding), relative. */
    private static final double WEIGHT_TOLERANCE = 1e-9;

    private final int dim;
    private final double[] logWeights;
    private final double[][] means;
    private final double[][][] lower;
    private final double[] logDet;

    /**
     * A mixture with these parameters (copied).
     *
     * @param logWeights [K] natural logarithms of weights that sum to 1
     * @param means [K][dim]
     * @param lower [K][dim][dim] lower-triangular factors L_k with L_k L_k^T = Sigma_k and a
     *     positive diagonal
     * @throws IllegalArgumentException for shapes that do not agree, weights that do not sum to 1,
     *     a non-finite value, a positive entry above a diagonal or a diagonal that is not positive
     */
    public GaussianMixtureBase(double[] logWeights, double[][] means, double[][][] lower) {
        int k = logWeights.length;
        if (k == 0 || means.length != k || lower.length != k) {
            throw new IllegalArgumentException(
                    "a mixture needs as many log-weights, means and factors, at least one; got " + logWeights.length
                            + ", " + means.length + " and " + lower.length);
        }
        this.dim = means[0].length;
        if (dim == 0) {
            throw new IllegalArgumentException("a mixture's components need at least one dimension");
        }
        double total = 0;
        for (double w : logWeights) {
            if (!(w <= 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("log-weights must be finite and at most 0, got " + w);
            }
            total += Math.exp(w);
        }
        if (Math.abs(total - 1) > WEIGHT_TOLERANCE) {
            throw new IllegalArgumentException("the weights must sum to 1, they sum to " + total);
        }
        this.logWeights = logWeights.clone();
        this.means = new double[k][];
        this.lower = new double[k][dim][];
        this.logDet = new double[k];
        for (int c = 0; c < k; c++) {
            if (means[c].length != dim || lower[c].length != dim) {
                throw new IllegalArgumentException(
                        "component " + c + " has " + means[c].length + " means and a factor of " + lower[c].length
                                + " rows; component 0 has " + dim + " dimensions");
            }
            this.means[c] = finite(means[c].clone(), "means");
            for (int i = 0; i < dim; i++) {
                if (lower[c][i].length != dim) {
                    throw new IllegalArgumentException("component " + c + "'s factor row " + i + " has "
                            + lower[c][i].length + " values, not " + dim);
                }
                this.lower[c][i] = finite(lower[c][i].clone(), "factor");
                for (int j = i + 1; j < dim; j++) {
                    if (this.lower[c][i][j] != 0) {
                        throw new IllegalArgumentException("component " + c + "'s factor is not lower triangular (row "
                                + i + ", column " + j + ")");
                    }
                }
                if (!(this.lower[c][i][i] > 0)) {
                    throw new IllegalArgumentException("component " + c + "'s factor has a diagonal entry "
                            + this.lower[c][i][i] + " at " + i + "; it must be positive");
                }
                logDet[c] += 2 * Math.log(this.lower[c][i][i]);
            }
        }
    }

    private static double[] finite(double[] v, String what) {
        for (double x : v) {
            if (!Double.isFinite(x)) {
                throw new IllegalArgumentException("the mixture's " + what + " must be finite, got " + x);
            }
        }
        return v;
    }

    /** The number of components K. */
    public int components() {
        return logWeights.length;
    }

    /** The dimension. */
    public int dim() {
        return dim;
    }

    /** The log-weights [K] (a copy). */
    public double[] logWeights() {
        return logWeights.clone();
    }

    /** The means [K][dim] (a copy). */
    public double[][] means() {
        double[][] out = new double[means.length][];
        for (int c = 0; c < out.length; c++) {
            out[c] = means[c].clone();
        }
        return out;
    }

    /** The covariances' lower Cholesky factors [K][dim][dim] (a copy). */
    public double[][][] lowerFactors() {
        double[][][] out = new double[lower.length][dim][];
        for (int c = 0; c < out.length; c++) {
            for (int i = 0; i < dim; i++) {
                out[c][i] = lower[c][i].clone();
            }
        }
        return out;
    }

    /**
     * Component c's whitened residual y = L_c^-1 (z - mu_c) into {@code y} [dim]; returns
     * log w_c + log N(z; mu_c, Sigma_c).
     */
    private double whiten(int c, double[] z, int offset, double[] y) {
        double[][] l = lower[c];
        double[] mu = means[c];
        double q = 0;
        for (int i = 0; i < dim; i++) {
            double s = z[offset + i] - mu[i];
            double[] row = l[i];
            for (int j = 0; j < i; j++) {
                s -= row[j] * y[j];
            }
            y[i] = s / row[i];
            q += y[i] * y[i];
        }
        return logWeights[c] - 0.5 * (q + logDet[c] + dim * LOG_2PI);
    }

    private void checkDim(int d) {
        if (d != dim) {
            throw new IllegalArgumentException("the base mixture has " + dim + " dimensions, the rows " + d);
        }
    }

    @Override
    public double logDensity(double[] z, int offset, int d) {
        checkDim(d);
        double[] y = new double[dim];
        int k = logWeights.length;
        double[] terms = new double[k];
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
            terms[c] = whiten(c, z, offset, y);
            max = Math.max(max, terms[c]);
        }
        double s = 0;
        for (double t : terms) {
            s += Math.exp(t - max);
        }
        return max + Math.log(s);
    }

    @Override
    public void logDensityGradient(double[] z, int offset, int d, double[] gradient) {
        checkDim(d);
        int k = logWeights.length;
        double[][] y = new double[k][dim];
        double[] terms = new double[k];
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
            terms[c] = whiten(c, z, offset, y[c]);
            max = Math.max(max, terms[c]);
        }
        double s = 0;
        for (int c = 0; c < k; c++) {
            terms[c] = Math.exp(terms[c] - max);
            s += terms[c];
        }
        for (int j = 0; j < dim; j++) {
            gradient[offset + j] = 0;
        }
        double[] u = new double[dim];
        for (int c = 0; c < k; c++) {
            // Sigma_c^-1 (z - mu_c) = L_c^-T y_c, by back substitution
            double[][] l = lower[c];
            for (int i = dim - 1; i >= 0; i--) {
                double v = y[c][i];
                for (int j = i + 1; j < dim; j++) {
                    v -= l[j][i] * u[j];
                }
                u[i] = v / l[i][i];
            }
            double r = terms[c] / s;
            for (int j = 0; j < dim; j++) {
                gradient[offset + j] -= r * u[j];
            }
        }
    }

    @Override
    public void draw(RandomGenerator random, double temperature, double[] out, int offset, int d) {
        checkDim(d);
        int c = component(logWeights, random.nextDouble());
        for (int j = 0; j < dim; j++) {
            out[offset + j] = random.nextGaussian();
        }
        // mu + temperature * L e in place, last row first: row i reads e[0..i], not yet overwritten
        double[][] l = lower[c];
        for (int i = dim - 1; i >= 0; i--) {
            double s = 0;
            for (int j = 0; j <= i; j++) {
                s += l[i][j] * out[offset + j];
            }
            out[offset + i] = means[c][i] + temperature * s;
        }
    }

    /**
     * The component a uniform draw {@code u} in [0, 1) picks: the first whose cumulative weight
     * exceeds u (the last when rounding leaves u above their sum).
     *
     * @param logWeights [K] natural logarithms of the weights
     */
    public static int component(double[] logWeights, double u) {
        int c = 0;
        double cumulative = Math.exp(logWeights[0]);
        while (c + 1 < logWeights.length && u >= cumulative) {
            c++;
            cumulative += Math.exp(logWeights[c]);
        }
        return c;
    }

    @Override
    public String describe() {
        return logWeights.length == 1
                ? "a full-covariance Gaussian"
                : "a mixture of " + logWeights.length + " full-covariance Gaussians";
    }

    @Override
    public String toString() {
        return describe();
    }
}
