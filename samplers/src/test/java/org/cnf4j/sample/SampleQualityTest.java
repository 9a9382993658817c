package org.cnf4j.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.hipparchus.special.Erf;
import org.junit.jupiter.api.Test;

/** The sample-quality measures against closed forms and the permutation test's level. */
class SampleQualityTest {

    private static double[] gaussian(int n, double mean, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = mean + r.nextGaussian();
        }
        return v;
    }

    /** Energy distance of N(0, 1) and N(mu, 1): 2 E|N(mu, 2)| - 4 / sqrt(pi). */
    private static double closedForm(double mu) {
        double sigma = Math.sqrt(2);
        double phi = 0.5 * (1 + Erf.erf(-mu / sigma / Math.sqrt(2)));
        double absMean = sigma * Math.sqrt(2 / Math.PI) * Math.exp(-mu * mu / (2 * sigma * sigma)) + mu * (1 - 2 * phi);
        return 2 * absMean - 4 / Math.sqrt(Math.PI);
    }

    @Test
    void energyDistanceOfTwoGaussiansMatchesItsClosedForm() {
        for (double mu : new double[] {0, 0.5, 1, 2}) {
            // standard error about 0.017 at mu = 2 with 4,000 rows a set (less for smaller shifts)
            double estimate = SampleQuality.energyDistance(gaussian(4000, 0, 1), gaussian(4000, mu, 2), 1);
            assertEquals(closedForm(mu), estimate, 0.06, "mu = " + mu);
        }
    }

    @Test
    void thePermutationTestHoldsItsLevelAndHasPower() {
        int rejected = 0;
        int reps = 200;
        for (int k = 0; k < reps; k++) {
            SampleQuality.EnergyDistance t =
                    SampleQuality.energyTest(gaussian(30, 0, 3 * k), gaussian(30, 0, 3 * k + 1), 1, 99, k);
            if (t.pValue() <= 0.05) {
                rejected++;
            }
        }
        // Binomial(200, 0.05): mean 10, standard deviation 3.1
        assertTrue(rejected >= 2 && rejected <= 22, rejected + " of " + reps + " rejected at level 0.05");
        int detected = 0;
        for (int k = 0; k < 20; k++) {
            if (SampleQuality.energyTest(gaussian(30, 0, 5 * k), gaussian(30, 1.5, 5 * k + 1), 1, 99, k)
                            .pValue()
                    <= 0.05) {
                detected++;
            }
        }
        assertTrue(detected >= 17, detected + " of 20 shifts by 1.5 detected");
    }

    @Test
    void theClassifierTestIsAHalfForEqualSetsAndNearOneForDisjointOnes() {
        SampleQuality.ClassifierTest same =
                SampleQuality.classifierTest(gaussian(1000, 0, 1), gaussian(1000, 0, 2), 1, 7);
        assertEquals(0.5, same.accuracy(), 4 * same.standardError());
        assertEquals(1000, same.heldOut());
        SampleQuality.ClassifierTest apart =
                SampleQuality.classifierTest(gaussian(400, 0, 1), gaussian(400, 20, 2), 1, 7);
        assertEquals(1.0, apart.accuracy(), 0.0);
    }
}
