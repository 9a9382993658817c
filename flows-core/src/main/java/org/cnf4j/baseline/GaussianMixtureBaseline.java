package org.cnf4j.baseline;

import java.util.List;

/**
 * A mixture of full-covariance Gaussians fitted by {@link GaussianMixtureEm} (EM from Hipparchus'
 * initial mixture, up to {@link #MAX_ITERATIONS} iterations or a change of the mean log-likelihood
 * below 1e-5), scored by log-sum-exp over the components' Cholesky log-densities. One component is
 * the {@link GaussianBaseline}.
 */
public final class GaussianMixtureBaseline {

    /** EM iterations at most. */
    public static final int MAX_ITERATIONS = 200;

    private final double[] logWeights;
    private final List<GaussianBaseline> components;

    private GaussianMixtureBaseline(double[] logWeights, List<GaussianBaseline> components) {
        this.logWeights = logWeights;
        this.components = components;
    }

    /**
     * The mixture of k components fitted to rows x [n][dim] (dim >= 2 for k >= 2) by {@link
     * GaussianMixtureEm}.
     *
     * @throws org.hipparchus.exception.MathRuntimeException when EM fails (a component loses its
     *     rows or its covariance is not positive definite)
     */
    public static GaussianMixtureBaseline fit(double[][] x, int k) {
        if (k == 1) {
            return new GaussianMixtureBaseline(new double[] {0}, List.of(GaussianBaseline.fit(x)));
        }
        return GaussianMixtureEm.fit(x, k, MAX_ITERATIONS);
    }

    /** A mixture of these components with these log-weights. */
    static GaussianMixtureBaseline of(double[] logWeights, List<GaussianBaseline> components) {
        return new GaussianMixtureBaseline(logWeights.clone(), List.copyOf(components));
    }

    /** The log-weight of component c. */
    double logWeight(int c) {
        return logWeights[c];
    }

    /** Component c. */
    GaussianBaseline component(int c) {
        return components.get(c);
    }

    /** Number of components. */
    public int components() {
        return components.size();
    }

    /** log p(x) in nats. */
    public double logDensity(double[] x) {
        double[] terms = new double[components.size()];
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < terms.length; c++) {
            terms[c] = logWeights[c] + components.get(c).logDensity(x);
            max = Math.max(max, terms[c]);
        }
        double s = 0;
        for (double t : terms) {
            s += Math.exp(t - max);
        }
        return max + Math.log(s);
    }

    /** One draw: a component by its weight, then a draw of that Gaussian; [dim]. */
    public double[] sample(java.util.SplittableRandom random) {
        int c = org.cnf4j.flow.GaussianMixtureBase.component(logWeights, random.nextDouble());
        return components.get(c).sample(random);
    }

    /** This mixture as a flow's base distribution (the same weights, means and Cholesky factors). */
    public org.cnf4j.flow.GaussianMixtureBase toBaseDistribution() {
        int k = components.size();
        double[][] means = new double[k][];
        double[][][] lower = new double[k][][];
        for (int c = 0; c < k; c++) {
            means[c] = components.get(c).mean();
            lower[c] = components.get(c).lowerFactor();
        }
        return new org.cnf4j.flow.GaussianMixtureBase(logWeights, means, lower);
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
