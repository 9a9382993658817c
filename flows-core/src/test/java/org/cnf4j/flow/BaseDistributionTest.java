package org.cnf4j.flow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.cnf4j.linalg.NativeArrays;
import org.cnf4j.nn.MlpDynamics;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The base distributions: closed-form log-densities, gradients, draws, checks; a zero field's flow is its base. */
class BaseDistributionTest {

    /** log of the 2-D mixture's density from its covariances, inverted and determined by hand. */
    private static double closedForm(double[] z) {
        double[] w = {0.3, 0.7};
        double[][] mu = {{-1, 0.5}, {0.8, -0.2}};
        double[][][] l = {{{0.9, 0}, {0.3, 0.7}}, {{1.2, 0}, {-0.4, 0.8}}};
        double p = 0;
        for (int c = 0; c < 2; c++) {
            double a = l[c][0][0] * l[c][0][0];
            double b = l[c][0][0] * l[c][1][0];
            double d = l[c][1][0] * l[c][1][0] + l[c][1][1] * l[c][1][1];
            double det = a * d - b * b;
            double x = z[0] - mu[c][0];
            double y = z[1] - mu[c][1];
            double q = (d * x * x - 2 * b * x * y + a * y * y) / det;
            p += w[c] * Math.exp(-0.5 * q) / (2 * Math.PI * Math.sqrt(det));
        }
        return Math.log(p);
    }

    @Test
    void mixtureLogDensityMatchesTheClosedForm() {
        GaussianMixtureBase m = TestMixtures.twoComponents();
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 50; i++) {
            double[] z = {3 * r.nextGaussian(), 3 * r.nextGaussian()};
            assertEquals(closedForm(z), m.logDensity(z, 0, 2), 1e-12);
        }
        // far out, where the densities underflow, log-sum-exp stays finite
        assertTrue(Double.isFinite(m.logDensity(new double[] {300, -400}, 0, 2)));
    }

    @Test
    void mixtureGradientMatchesCentralDifferences() {
        GaussianMixtureBase m = TestMixtures.twoComponents();
        SplittableRandom r = new SplittableRandom(2);
        double h = 1e-6;
        for (int i = 0; i < 20; i++) {
            double[] z = {2 * r.nextGaussian(), 2 * r.nextGaussian()};
            double[] g = new double[2];
            m.logDensityGradient(z, 0, 2, g);
            for (int j = 0; j < 2; j++) {
                double[] up = z.clone();
                double[] down = z.clone();
                up[j] += h;
                down[j] -= h;
                double fd = (m.logDensity(up, 0, 2) - m.logDensity(down, 0, 2)) / (2 * h);
                assertEquals(fd, g[j], 1e-7 * Math.max(1, Math.abs(fd)), "row " + i + ", column " + j);
            }
        }
    }

    @Test
    void standardNormalGradientAndDensityAreTheClosedForms() {
        double[] z = {0.3, -1.2, 2.0};
        double[] g = new double[3];
        StandardNormal.INSTANCE.logDensityGradient(z, 0, 3, g);
        assertArrayEquals(new double[] {-0.3, 1.2, -2.0}, g, 0.0);
        assertEquals(
                -0.5 * (0.09 + 1.44 + 4.0) - 1.5 * Math.log(2 * Math.PI),
                StandardNormal.INSTANCE.logDensity(z, 0, 3),
                1e-15);
    }

    @Test
    void mixtureDrawsHaveTheMixturesMeanAndCovariance() {
        GaussianMixtureBase m = TestMixtures.twoComponents();
        int n = 200_000;
        INDArray draws = m.draw(n, 2, new SplittableRandom(3));
        double[] v = NativeArrays.toArray(draws);
        double[] mean = new double[2];
        for (int i = 0; i < n; i++) {
            mean[0] += v[2 * i] / n;
            mean[1] += v[2 * i + 1] / n;
        }
        // E z = 0.3 (-1, 0.5) + 0.7 (0.8, -0.2) = (0.26, 0.01)
        double[] want = {0.26, 0.01};
        // Cov = sum w (Sigma + mu mu^T) - m m^T
        double[][] cov = new double[2][2];
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < 2; a++) {
                for (int b = 0; b < 2; b++) {
                    cov[a][b] += (v[2 * i + a] - mean[a]) * (v[2 * i + b] - mean[b]) / n;
                }
            }
        }
        double[][] sigma0 = {{0.81, 0.27}, {0.27, 0.58}};
        double[][] sigma1 = {{1.44, -0.48}, {-0.48, 0.80}};
        double[][] mu = {{-1, 0.5}, {0.8, -0.2}};
        for (int a = 0; a < 2; a++) {
            // 5 standard errors of a mean of n draws whose variance is below 2
            assertEquals(want[a], mean[a], 5 * Math.sqrt(2.0 / n), "mean " + a);
            for (int b = 0; b < 2; b++) {
                double c = 0.3 * (sigma0[a][b] + mu[0][a] * mu[0][b])
                        + 0.7 * (sigma1[a][b] + mu[1][a] * mu[1][b])
                        - want[a] * want[b];
                assertEquals(c, cov[a][b], 0.02, "covariance " + a + "," + b);
            }
        }
        // temperature 0: the components' means, in proportion to the weights
        double[] out = new double[2];
        int first = 0;
        SplittableRandom r = new SplittableRandom(4);
        for (int i = 0; i < 10_000; i++) {
            m.draw(r, 0.0, out, 0, 2);
            boolean isFirst = out[0] == -1 && out[1] == 0.5;
            assertTrue(isFirst || out[0] == 0.8 && out[1] == -0.2);
            first += isFirst ? 1 : 0;
        }
        assertEquals(0.3, first / 10_000.0, 5 * Math.sqrt(0.21 / 10_000));
    }

    @Test
    void standardNormalDrawsAreTheStreamsGaussiansInOrder() {
        double[] out = new double[6];
        SplittableRandom r = new SplittableRandom(5);
        StandardNormal.INSTANCE.draw(r, 1.0, out, 0, 3);
        StandardNormal.INSTANCE.draw(r, 1.0, out, 3, 3);
        SplittableRandom s = new SplittableRandom(5);
        for (double v : out) {
            assertEquals(s.nextGaussian(), v, 0.0);
        }
        assertArrayEquals(
                NativeArrays.toArray(ContinuousNormalizingFlow.standardNormal(4, 3, new SplittableRandom(6))),
                NativeArrays.toArray(StandardNormal.INSTANCE.draw(4, 3, new SplittableRandom(6))),
                0.0);
    }

    @Test
    void mixturesThatAreNotDistributionsAreRefused() {
        double[][] mu = {{0, 0}};
        double[][][] l = {{{1, 0}, {0, 1}}};
        assertThrows(
                IllegalArgumentException.class,
                () -> new GaussianMixtureBase(new double[] {Math.log(0.9)}, mu, l),
                "weights summing to 0.9");
        assertThrows(
                IllegalArgumentException.class,
                () -> new GaussianMixtureBase(new double[] {0}, mu, new double[][][] {{{1, 0.5}, {0, 1}}}),
                "not lower triangular");
        assertThrows(
                IllegalArgumentException.class,
                () -> new GaussianMixtureBase(new double[] {0}, mu, new double[][][] {{{1, 0}, {0, -1}}}),
                "a negative diagonal");
        assertThrows(
                IllegalArgumentException.class,
                () -> new GaussianMixtureBase(new double[] {0}, new double[][] {{0, Double.NaN}}, l),
                "a NaN mean");
        assertThrows(
                IllegalArgumentException.class,
                () -> new GaussianMixtureBase(new double[] {0, 0}, mu, l),
                "two weights, one component");
        ContinuousNormalizingFlow three =
                ContinuousNormalizingFlow.builder(3).hiddenDims(4).build();
        assertThrows(
                IllegalArgumentException.class,
                () -> three.setBase(TestMixtures.twoComponents()),
                "a 2-D mixture for a 3-D flow");
        ContinuousNormalizingFlow conditional =
                ContinuousNormalizingFlow.builder(2).hiddenDims(4).contextDim(1).build();
        assertThrows(
                IllegalArgumentException.class,
                () -> conditional.setBase(TestMixtures.twoComponents()),
                "a mixture for a conditional flow");
    }

    @Test
    void aFlowWithAZeroFieldIsItsBase() {
        ContinuousNormalizingFlow flow =
                ContinuousNormalizingFlow.builder(2).hiddenDims(8, 8).seed(7).build();
        flow.setBase(TestMixtures.twoComponents());
        ((MlpDynamics) flow.block(0)).zeroOutputLayer();
        INDArray x = ContinuousNormalizingFlow.standardNormal(20, 2, new SplittableRandom(8))
                .muli(2);
        assertArrayEquals(
                NativeArrays.toArray(flow.base().logDensity(x)),
                NativeArrays.toArray(flow.logProb(x).logProb()),
                1e-12);
        INDArray drawn = flow.sample(50, 9).value();
        INDArray base = flow.base().draw(50, 2, RandomStreams.stream(9, "base"));
        assertArrayEquals(NativeArrays.toArray(base), NativeArrays.toArray(drawn), 1e-12);
    }
}
