package org.cnf4j.baseline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Draws of the baselines follow their densities: moments of the Gaussian, component shares of the mixture. */
class BaselineSamplingTest {

    @Test
    void gaussianDrawsHaveItsMeanAndCovariance() {
        double[][] cov = {{4, 1.2}, {1.2, 1}};
        GaussianBaseline g = new GaussianBaseline(new double[] {1, -2}, cov);
        SplittableRandom r = new SplittableRandom(1);
        int n = 200_000;
        double[] m = new double[2];
        double[][] c = new double[2][2];
        double[][] x = new double[n][];
        for (int i = 0; i < n; i++) {
            x[i] = g.sample(r);
            m[0] += x[i][0] / n;
            m[1] += x[i][1] / n;
        }
        for (double[] row : x) {
            for (int a = 0; a < 2; a++) {
                for (int b = 0; b < 2; b++) {
                    c[a][b] += (row[a] - m[a]) * (row[b] - m[b]) / n;
                }
            }
        }
        // standard errors: sqrt(4 / n) = 0.0045 for the first mean, about 0.013 for cov[0][0]
        assertArrayEquals(new double[] {1, -2}, m, 0.02);
        assertArrayEquals(cov[0], c[0], 0.06);
        assertArrayEquals(cov[1], c[1], 0.03);
    }

    @Test
    void mixtureDrawsComeFromEachComponentByItsWeight() {
        GaussianBaseline left = new GaussianBaseline(new double[] {-10, 0}, new double[][] {{1, 0}, {0, 1}});
        GaussianBaseline right = new GaussianBaseline(new double[] {10, 0}, new double[][] {{1, 0}, {0, 1}});
        GaussianMixtureBaseline mix =
                GaussianMixtureBaseline.of(new double[] {Math.log(0.3), Math.log(0.7)}, List.of(left, right));
        SplittableRandom r = new SplittableRandom(2);
        int n = 100_000;
        int onTheRight = 0;
        for (int i = 0; i < n; i++) {
            onTheRight += mix.sample(r)[0] > 0 ? 1 : 0;
        }
        // binomial standard error sqrt(0.21 / n) = 0.0014
        assertEquals(0.7, onTheRight / (double) n, 0.006);
    }
}
