package org.cnf4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.cnf4j.io.ReflowInfo;
import org.cnf4j.linalg.NativeArrays;
import org.cnf4j.ode.RungeKuttaMethod;
import org.cnf4j.train.FlowMatching;
import org.cnf4j.train.TimeSampling;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reflow on a Gaussian-to-Gaussian problem, whose optimal map is straight: after one round the
 * paths are straight (one Euler step lands where the adaptive solver does) and one-step samples
 * have the target's mean and covariance; the same seed gives the same model.
 */
class ReflowTest {

    static final double[] MEAN = {3, -1};
    /** Target covariance [[4, 1.2], [1.2, 1]]: x = MEAN + L e with L its Cholesky factor. */
    static final double[][] L = {{2, 0}, {0.6, 0.8}};

    static Flow original;
    static Flow reflowed;

    @BeforeAll
    static void trainAndReflow() {
        SplittableRandom r = new SplittableRandom(11);
        double[][] rows = new double[1500][];
        for (int i = 0; i < rows.length; i++) {
            double e0 = r.nextGaussian();
            double e1 = r.nextGaussian();
            rows[i] = new double[] {MEAN[0] + L[0][0] * e0, MEAN[1] + L[1][0] * e0 + L[1][1] * e1};
        }
        // independent coupling: curved paths for reflow to straighten
        TrainOptions options = TrainOptions.builder()
                .hidden(16, 16)
                .iterations(800)
                .baselines(false)
                .flowMatching(new FlowMatching(0, false, TimeSampling.UNIFORM))
                .seed(2)
                .build();
        original = Flow.train(Table.of(rows, "a", "b"), options);
        reflowed = original.reflow(new Reflow.Options(6000, 1, 800, 256, 2e-3, 5), null);
    }

    /** RMS distance per dimension of one Euler step's samples from the adaptive solver's, in data units over the scale. */
    private static double oneStepDeviation(Flow flow) {
        double[][] adaptive = flow.sample(500, 9);
        double[][] oneStep = flow.sampleFixed(500, 9, RungeKuttaMethod.EULER, 1);
        double sq = 0;
        for (int i = 0; i < adaptive.length; i++) {
            for (int j = 0; j < 2; j++) {
                double d = (adaptive[i][j] - oneStep[i][j]) / L[j][j];
                sq += d * d;
            }
        }
        return Math.sqrt(sq / (2.0 * adaptive.length));
    }

    @Test
    void reflowStraightensThePaths() {
        double before = oneStepDeviation(original);
        double after = oneStepDeviation(reflowed);
        assertTrue(after < 0.1, "one Euler step after reflow is within 0.1 standard deviations: " + after);
        assertTrue(after < 0.5 * before, "reflow at least halves the one-step deviation: " + before + " -> " + after);
        ReflowInfo info = reflowed.reflowInfo();
        assertTrue(info.maxDeviation() <= Reflow.MAX_DEVIATION, info.toString());
        assertTrue(info.evaluations() <= 4, "a straight field needs few evaluations: " + info.describeSampler());
        assertEquals(original.columns(), reflowed.columns());
    }

    static double[][] moments(double[][] x) {
        double[] m = new double[2];
        for (double[] row : x) {
            m[0] += row[0] / x.length;
            m[1] += row[1] / x.length;
        }
        double[][] c = new double[2][2];
        for (double[] row : x) {
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 2; j++) {
                    c[i][j] += (row[i] - m[i]) * (row[j] - m[j]) / (x.length - 1);
                }
            }
        }
        return new double[][] {m, c[0], c[1]};
    }

    @Test
    void oneStepSamplesHaveTheMeanAndCovarianceOfTheReflowedModel() {
        // reflow keeps the model's distribution: its one-step samples match the original model's
        // adaptive ones (8,000 draws each), while one step of the original does not
        double[][] target = moments(original.sample(8000, 4));
        double[][] oneStep = moments(reflowed.sampleFixed(8000, 4, RungeKuttaMethod.EULER, 1));
        double[][] originalOneStep = moments(original.sampleFixed(8000, 4, RungeKuttaMethod.EULER, 1));
        assertEquals(target[0][0], oneStep[0][0], 0.06);
        assertEquals(target[0][1], oneStep[0][1], 0.04);
        assertEquals(target[1][0], oneStep[1][0], 0.3);
        assertEquals(target[1][1], oneStep[1][1], 0.12);
        assertEquals(target[2][1], oneStep[2][1], 0.08);
        assertTrue(
                Math.abs(originalOneStep[1][0] - target[1][0]) > 2 * Math.abs(oneStep[1][0] - target[1][0]),
                "one step of the original is further off: " + originalOneStep[1][0] + " against " + oneStep[1][0]
                        + ", target " + target[1][0]);
        // and the model is near the Gaussian it was trained on: mean (3, -1), covariance [[4, 1.2], [1.2, 1]]
        assertEquals(3, oneStep[0][0], 0.15);
        assertEquals(-1, oneStep[0][1], 0.1);
        assertEquals(4, oneStep[1][0], 0.6);
        assertEquals(1.2, oneStep[1][1], 0.5);
        assertEquals(1, oneStep[2][1], 0.3);
    }

    @Test
    void theSameSeedGivesTheSameReflowedModel() {
        Reflow.Options small = new Reflow.Options(500, 1, 30, 64, 1e-3, 8);
        Flow a = original.reflow(small, null);
        Flow b = original.reflow(small, null);
        assertArrayEquals(
                NativeArrays.toArray(a.model().flow().parameters()),
                NativeArrays.toArray(b.model().flow().parameters()),
                0.0);
        assertEquals(a.reflowInfo(), b.reflowInfo());
        Flow other = original.reflow(small.withSeed(9), null);
        assertTrue(NativeArrays.toArray(other.model().flow().parameters())[0]
                != NativeArrays.toArray(a.model().flow().parameters())[0]);
    }
}
