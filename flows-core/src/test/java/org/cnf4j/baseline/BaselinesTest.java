package org.cnf4j.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.cnf4j.data.ToyDataset;
import org.cnf4j.data.ToyTrainingData;
import org.cnf4j.io.BaselineSummary;
import org.junit.jupiter.api.Test;

class BaselinesTest {

    @Test
    void gaussianBaselineIsTheClosedFormNll() {
        SplittableRandom r = new SplittableRandom(1);
        double[][] x = new double[500][3];
        for (double[] row : x) {
            double a = r.nextGaussian();
            row[0] = 1 + 2 * a;
            row[1] = -1 + 0.5 * a + r.nextGaussian();
            row[2] = r.nextGaussian() * 0.3;
        }
        GaussianBaseline g = GaussianBaseline.fit(x);
        // the maximum-likelihood Gaussian's mean NLL on its own data is (d/2)(1 + log 2 pi) + (1/2) log det S
        double[][] s = new double[3][3];
        double[] mu = g.mean();
        for (double[] row : x) {
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    s[i][j] += (row[i] - mu[i]) * (row[j] - mu[j]) / x.length;
                }
            }
        }
        double det = s[0][0] * (s[1][1] * s[2][2] - s[1][2] * s[2][1])
                - s[0][1] * (s[1][0] * s[2][2] - s[1][2] * s[2][0])
                + s[0][2] * (s[1][0] * s[2][1] - s[1][1] * s[2][0]);
        double want = 1.5 * (1 + Math.log(2 * Math.PI)) + 0.5 * Math.log(det);
        assertEquals(want, g.meanNll(x), 1e-10);
        // and one point against the textbook density
        double[] p = {0.3, -0.2, 0.1};
        double[][] inv = org.hipparchus.linear.MatrixUtils.inverse(
                        org.hipparchus.linear.MatrixUtils.createRealMatrix(s))
                .getData();
        double q = 0;
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                q += (p[i] - mu[i]) * inv[i][j] * (p[j] - mu[j]);
            }
        }
        assertEquals(-0.5 * q - 1.5 * Math.log(2 * Math.PI) - 0.5 * Math.log(det), g.logDensity(p), 1e-10);
    }

    @Test
    void mixtureRecoversAKnownThreeComponentMixture() {
        double[][] means = {{-4, 0}, {3, 3}, {3, -3}};
        double[] weights = {0.5, 0.3, 0.2};
        double[] sd = {0.7, 1.0, 0.5};
        SplittableRandom r = new SplittableRandom(2);
        double[][] train = draw(r, 3000, means, weights, sd);
        double[][] test = draw(r, 2000, means, weights, sd);
        GaussianMixtureBaseline m = GaussianMixtureBaseline.fit(train, 3);
        double trueNll = 0;
        for (double[] x : test) {
            double p = 0;
            for (int c = 0; c < 3; c++) {
                double dx = x[0] - means[c][0];
                double dy = x[1] - means[c][1];
                p += weights[c]
                        * Math.exp(-0.5 * (dx * dx + dy * dy) / (sd[c] * sd[c]))
                        / (2 * Math.PI * sd[c] * sd[c]);
            }
            trueNll -= Math.log(p) / test.length;
        }
        // the fitted mixture's test NLL within 0.05 nats of the true mixture's (sampling error of
        // 3,000 rows is about 0.01)
        assertEquals(trueNll, m.meanNll(test), 0.05);
        assertTrue(GaussianMixtureBaseline.fit(train, 1).meanNll(test) > trueNll + 0.5, "one Gaussian is far worse");
    }

    private static double[][] draw(SplittableRandom r, int n, double[][] means, double[] weights, double[] sd) {
        double[][] x = new double[n][2];
        for (double[] row : x) {
            double u = r.nextDouble();
            int c = u < weights[0] ? 0 : u < weights[0] + weights[1] ? 1 : 2;
            row[0] = means[c][0] + sd[c] * r.nextGaussian();
            row[1] = means[c][1] + sd[c] * r.nextGaussian();
        }
        return x;
    }

    @Test
    void theMixtureSearchIsBoundedByTheTablesShapeNotByAClock() {
        // 2 columns: 2..10 components cost 54 x rows x 4 units; 1-D rows: one component
        assertEquals(Baselines.MAX_COMPONENTS, Baselines.mostComponents(4800, 2, Baselines.MIXTURE_WORK));
        assertEquals(1, Baselines.mostComponents(4800, 1, Baselines.MIXTURE_WORK));
        // 10 columns of 4,800 rows: all of them (54 units of 480,000)
        assertEquals(Baselines.MAX_COMPONENTS, Baselines.mostComponents(4800, 10, Baselines.MIXTURE_WORK));
        // 30 columns of 5,000 rows: 2 + 3 + 4 = 9 units of 4.5e6 fit in 5e7, 2..5 (14) do not
        assertEquals(4, Baselines.mostComponents(5000, 30, Baselines.MIXTURE_WORK));
        assertEquals(2, Baselines.mostComponents(5000, 64, Baselines.MIXTURE_WORK));
        // 100 columns of 5,000 rows: not even 2 components fit; no bound: all of them
        assertEquals(1, Baselines.mostComponents(5000, 100, Baselines.MIXTURE_WORK));
        assertEquals(Baselines.MAX_COMPONENTS, Baselines.mostComponents(5000, 100, 0));
        ToyTrainingData data = new ToyTrainingData(ToyDataset.EIGHT_GAUSSIANS, 0, 1000, 2000);
        double[][] train = data.trainingSample(Baselines.MAX_TRAINING_ROWS).toDoubleMatrix();
        double[][] validation = data.validation().toDoubleMatrix();
        assertEquals(1, Baselines.bestMixture(train, validation, 1).components());
        assertEquals(
                Baselines.bestMixture(train, validation).components(),
                Baselines.bestMixture(train, validation, Baselines.MAX_COMPONENTS)
                        .components());
    }

    @Test
    void baselinesOfAToySetPickSeveralComponents() {
        BaselineSummary s = Baselines.fit(new ToyTrainingData(ToyDataset.EIGHT_GAUSSIANS, 0, 1000, 2000));
        assertTrue(s.mixtureComponents() >= 6, "8gaussians needs many components, got " + s.mixtureComponents());
        assertTrue(s.mixtureTestNll() < s.gaussianTestNll() - 0.5, s.toString());
    }
}
