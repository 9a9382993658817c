package org.cnf4j.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TraceEstimatorTest {

    /** e^T A u per row for one fixed matrix A [dim, dim]. */
    private static ProbeForm bilinear(INDArray a) {
        return (e, u) -> e.mul(u.mmul(a.transpose())).sum(1);
    }

    private static INDArray randomMatrix(int dim, long seed, boolean symmetric) {
        SplittableRandom r = new SplittableRandom(seed);
        INDArray a = Nd4j.create(DataType.DOUBLE, dim, dim);
        for (int i = 0; i < dim; i++) {
            for (int j = 0; j < dim; j++) {
                a.putScalar(i, j, r.nextDouble(-1, 1));
            }
        }
        return symmetric ? a.add(a.transpose()).mul(0.5) : a;
    }

    private static double trace(INDArray a) {
        double t = 0;
        for (int i = 0; i < a.rows(); i++) {
            t += a.getDouble(i, i);
        }
        return t;
    }

    @Test
    void exactIsExactForAnyMatrix() {
        for (int dim : new int[] {1, 2, 5, 17}) {
            INDArray a = randomMatrix(dim, dim, false);
            Probes p = TraceEstimator.exact().draw(3, dim, new SplittableRandom(1));
            assertEquals(dim, p.count());
            assertTrue(p.exact());
            INDArray est = p.estimate(bilinear(a));
            double trace = trace(a);
            for (int b = 0; b < 3; b++) {
                assertEquals(trace, est.getDouble(b), 1e-12);
            }
        }
    }

    /** Mean within 4 standard errors of tr(A); sample variance within 10% of the closed form. */
    private static void checkUnbiasedWithKnownVariance(TraceEstimator est, INDArray a, double variance) {
        int n = 20_000;
        Probes p = est.draw(n, a.rows(), new SplittableRandom(42));
        INDArray values = p.estimate(bilinear(a));
        double mean = values.meanNumber().doubleValue();
        double sampleVar = values.varNumber().doubleValue();
        double trace = trace(a);
        double se = Math.sqrt(variance / n);
        assertTrue(Math.abs(mean - trace) < 4 * se, est + ": mean " + mean + " vs trace " + trace + ", se " + se);
        assertEquals(variance, sampleVar, 0.1 * variance, est + " variance");
    }

    @Test
    void gaussianHutchinsonIsUnbiasedWithVarianceTwiceTheFrobeniusNorm() {
        INDArray a = randomMatrix(6, 7, true);
        double frob2 = a.mul(a).sumNumber().doubleValue();
        checkUnbiasedWithKnownVariance(TraceEstimator.hutchinson(), a, 2 * frob2);
    }

    @Test
    void rademacherHutchinsonIsUnbiasedWithVarianceOfTheOffDiagonal() {
        INDArray a = randomMatrix(6, 8, true);
        double off = 0;
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 6; j++) {
                if (i != j) {
                    off += a.getDouble(i, j) * a.getDouble(i, j);
                }
            }
        }
        checkUnbiasedWithKnownVariance(TraceEstimator.rademacher(), a, 2 * off);
    }

    @Test
    void noiseIsDrawnFromTheGivenSeed() {
        Probes a = TraceEstimator.hutchinson().draw(4, 3, new SplittableRandom(5));
        Probes b = TraceEstimator.hutchinson().draw(4, 3, new SplittableRandom(5));
        Probes c = TraceEstimator.hutchinson().draw(4, 3, new SplittableRandom(6));
        assertEquals(a.left(), b.left());
        assertFalse(a.left().equals(c.left()));
        INDArray r =
                TraceEstimator.rademacher().draw(50, 3, new SplittableRandom(1)).left();
        assertEquals(150, r.mul(r).sumNumber().doubleValue(), 1e-12);
    }

    @Test
    void namesAreParsed() {
        assertEquals("exact", TraceEstimator.byName("EXACT").name());
        assertEquals("hutchinson", TraceEstimator.byName("hutchinson").name());
        assertEquals("rademacher", TraceEstimator.byName("rademacher").name());
        assertThrows(IllegalArgumentException.class, () -> TraceEstimator.byName("skilling"));
        HutchinsonEstimator m = new HutchinsonEstimator(HutchinsonEstimator.Noise.GAUSSIAN, 4);
        assertEquals(0.25, m.draw(2, 2, new SplittableRandom(1)).weight(3));
    }

    @org.junit.jupiter.api.Test
    void namesWithProbeCountsRoundTrip() {
        for (TraceEstimator e : new TraceEstimator[] {
            TraceEstimator.exact(),
            TraceEstimator.hutchinson(),
            TraceEstimator.rademacher(),
            new HutchinsonEstimator(HutchinsonEstimator.Noise.GAUSSIAN, 4),
            new HutchinsonEstimator(HutchinsonEstimator.Noise.RADEMACHER, 12)
        }) {
            TraceEstimator back = TraceEstimator.byName(e.toString());
            org.junit.jupiter.api.Assertions.assertEquals(e.toString(), back.toString());
        }
        org.junit.jupiter.api.Assertions.assertEquals(
                4, ((HutchinsonEstimator) TraceEstimator.byName("Gaussianx4")).samples());
        for (String bad : new String[] {"exactx2", "hutchinsonx0", "sobol", "hutchinsonx99999999999"}) {
            org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalArgumentException.class, () -> TraceEstimator.byName(bad), bad);
        }
    }
}
