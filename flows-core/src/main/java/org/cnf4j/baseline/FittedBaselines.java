package org.cnf4j.baseline;

import java.util.SplittableRandom;
import org.cnf4j.io.BaselineSummary;

/**
 * The two baselines of an unconditional flow as fitted (on the flow's standardised scale), with
 * their scores: what {@link Baselines#fitted} found, kept so that their samples can be compared
 * with the flow's.
 *
 * @param gaussian the full-covariance Gaussian
 * @param mixture the Gaussian mixture chosen on the validation rows
 * @param summary their test NLLs in the data's units and the mixture's component count
 */
public record FittedBaselines(GaussianBaseline gaussian, GaussianMixtureBaseline mixture, BaselineSummary summary) {

    /** n draws of the Gaussian, [n][dim], on the flow's standardised scale. */
    public double[][] gaussianSamples(int n, long seed) {
        return draws(n, seed, gaussian::sample);
    }

    /** n draws of the mixture, [n][dim], on the flow's standardised scale. */
    public double[][] mixtureSamples(int n, long seed) {
        return draws(n, seed, mixture::sample);
    }

    private static double[][] draws(int n, long seed, java.util.function.Function<SplittableRandom, double[]> draw) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            out[i] = draw.apply(r);
        }
        return out;
    }
}
