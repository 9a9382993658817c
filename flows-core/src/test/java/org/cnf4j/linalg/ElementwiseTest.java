package org.cnf4j.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The elementwise kernels against plain loops, bit for bit, on lengths with and without a scalar tail. */
class ElementwiseTest {

    private static double[] random(SplittableRandom r, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextDouble(-3, 3);
        }
        return x;
    }

    @Test
    void multiplyIsTheElementwiseProductAtTheGivenOffsets() {
        SplittableRandom r = new SplittableRandom(4);
        for (int n : new int[] {0, 5, 64, 203}) {
            double[] a = random(r, n + 7);
            double[] b = random(r, n + 3);
            double[] out = random(r, n + 11);
            double[] want = out.clone();
            for (int i = 0; i < n; i++) {
                want[11 + i] = a[7 + i] * b[3 + i];
            }
            Elementwise.multiply(a, 7, b, 3, out, 11, n);
            assertArrayEquals(want, out, 0.0, "n = " + n);
        }
    }

    @Test
    void floatMultiplyIsTheElementwiseProductAtTheGivenOffsets() {
        SplittableRandom r = new SplittableRandom(6);
        for (int n : new int[] {0, 5, 64, 203}) {
            float[] a = floats(random(r, n + 7));
            float[] b = floats(random(r, n + 3));
            float[] out = floats(random(r, n + 11));
            float[] want = out.clone();
            for (int i = 0; i < n; i++) {
                want[11 + i] = a[7 + i] * b[3 + i];
            }
            Elementwise.multiply(a, 7, b, 3, out, 11, n);
            assertArrayEquals(want, out, 0f, "n = " + n);
        }
    }

    private static float[] floats(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        return f;
    }

    @Test
    void activationBackwardFollowsTheChainRuleThroughEveryTangentBlock() {
        SplittableRandom r = new SplittableRandom(5);
        for (int probes : new int[] {0, 1, 2}) {
            for (int block : new int[] {64, 37}) {
                double[] g = random(r, block * (1 + probes));
                double[] d1 = random(r, block);
                double[] d2 = random(r, block);
                double[] a = random(r, block * (1 + probes));
                double[] want = g.clone();
                for (int i = 0; i < block; i++) {
                    want[i] = g[i] * d1[i];
                }
                for (int k = 1; k <= probes; k++) {
                    for (int i = 0; i < block; i++) {
                        want[i] += g[k * block + i] * d2[i] * a[k * block + i];
                        want[k * block + i] = g[k * block + i] * d1[i];
                    }
                }
                Elementwise.activationBackward(g, d1, d2, a, block, probes);
                for (int i = 0; i < g.length; i++) {
                    assertEquals(Double.doubleToRawLongBits(want[i]), Double.doubleToRawLongBits(g[i]),
                            "probes " + probes + ", block " + block + ", index " + i);
                }
            }
        }
    }
}
