package org.cnf4j.flow;

/** Gaussian mixtures with known parameters for the tests of other packages. */
public final class TestMixtures {

    private TestMixtures() {}

    /** Weights 0.3 and 0.7, means (-1, 0.5) and (0.8, -0.2), correlated factors: a 2-D mixture. */
    public static GaussianMixtureBase twoComponents() {
        return new GaussianMixtureBase(
                new double[] {Math.log(0.3), Math.log(0.7)}, new double[][] {{-1, 0.5}, {0.8, -0.2}}, new double[][][] {
                    {{0.9, 0}, {0.3, 0.7}}, {{1.2, 0}, {-0.4, 0.8}}
                });
    }
}
