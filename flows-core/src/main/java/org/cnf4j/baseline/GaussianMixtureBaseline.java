package org.cnf4j.baseline;

import java.util.ArrayList;
import java.util.List;
import org.hipparchus.distribution.multivariate.MixtureMultivariateNormalDistribution;
import org.hipparchus.distribution.multivariate.MultivariateNormalDistribution;
import org.hipparchus.stat.fitting.MultivariateNormalMixtureExpectationMaximization;
import org.hipparchus.util.Pair;

/**
 * A mixture of full-covariance Gaussians fitted by Hipparchus'
 * {@link MultivariateNormalMixtureExpectationMaximization} (EM from its own initial mixture, up
 * to {@link #MAX_ITERATIONS} iterations or a change of the mean log-likelihood below 1e-5), scored by
 * log-sum-exp over the components' Cholesky log-densities. One component is the
 * {@link GaussianBaseline}.
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
     * The mixture of k components fitted to rows x [n][dim] (dim >= 2 for k >= 2, as Hipparchus
     * requires).
     *
     * @throws org.hipparchus.exception.MathRuntimeException when EM fails (e.g. a component's
     *     covariance becomes singular)
     */
    public static GaussianMixtureBaseline fit(double[][] x, int k) {
        if (k == 1) {
            return new GaussianMixtureBaseline(new double[] {0}, List.of(GaussianBaseline.fit(x)));
        }
        MultivariateNormalMixtureExpectationMaximization em = new MultivariateNormalMixtureExpectationMaximization(x);
        em.fit(MultivariateNormalMixtureExpectationMaximization.estimate(x, k), MAX_ITERATIONS, 1e-5);
        MixtureMultivariateNormalDistribution fitted = em.getFittedModel();
        List<Pair<Double, MultivariateNormalDistribution>> parts = fitted.getComponents();
        double[] logW = new double[parts.size()];
        List<GaussianBaseline> comps = new ArrayList<>();
        for (int c = 0; c < parts.size(); c++) {
            logW[c] = Math.log(parts.get(c).getFirst());
            MultivariateNormalDistribution g = parts.get(c).getSecond();
            comps.add(new GaussianBaseline(g.getMeans(), g.getCovariances().getData()));
        }
        return new GaussianMixtureBaseline(logW, comps);
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

    /** Mean negative log-density of the rows, nats. */
    public double meanNll(double[][] x) {
        double s = 0;
        for (double[] row : x) {
            s -= logDensity(row);
        }
        return s / x.length;
    }
}
