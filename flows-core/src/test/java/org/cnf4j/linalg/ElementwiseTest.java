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
                    assertEquals(
                            Double.doubleToRawLongBits(want[i]),
                            Double.doubleToRawLongBits(g[i]),
                            "probes " + probes + ", block " + block + ", index " + i);
                }
            }
        }
    }

    /**
     * The float step back through tanh, on the chosen path and the scalar loop, against the chain
     * rule written out with tanh'' = -2 tanh tanh' (bit for bit: the same float operations in order).
     */
    @Test
    void floatTanhBackwardFollowsTheChainRuleWithTanhsSecondDerivative() {
        SplittableRandom r = new SplittableRandom(8);
        for (int probes : new int[] {0, 1, 2}) {
            for (int block : new int[] {64, 37, 3}) {
                float[] g = floats(random(r, block * (1 + probes)));
                float[] h = new float[block];
                float[] d1 = new float[block];
                for (int i = 0; i < block; i++) {
                    h[i] = (float) Math.tanh(r.nextDouble(-3, 3));
                    d1[i] = 1f - h[i] * h[i];
                }
                float[] a = floats(random(r, block * (1 + probes)));
                float[] want = g.clone();
                for (int i = 0; i < block; i++) {
                    float d2 = -2f * h[i] * d1[i];
                    float gi = g[i] * d1[i];
                    for (int k = 1; k <= probes; k++) {
                        gi = gi + g[k * block + i] * d2 * a[k * block + i];
                        want[k * block + i] = g[k * block + i] * d1[i];
                    }
                    want[i] = gi;
                }
                float[] scalar = g.clone();
                Elementwise.tanhBackward(g, d1, h, a, block, probes);
                Elementwise.scalarTanhBackward(scalar, d1, h, a, block, probes, 0);
                String where = "probes " + probes + ", block " + block;
                assertArrayEquals(want, g, 0f, where);
                assertArrayEquals(want, scalar, 0f, where + " (scalar)");
            }
        }
    }

    /**
     * The concatsquash kernels of the per-row-time path, on the scalar path and (with the module)
     * the Vector API path, against the row-by-row loops they replace, bit for bit; widths with and
     * without a scalar tail (the last layer has 2 outputs).
     */
    @Test
    void rowTimeGateKernelsMatchTheRowByRowLoops() {
        SplittableRandom r = new SplittableRandom(8);
        boolean vector = HeapGemm.vectorized();
        for (int n : new int[] {64, 2, 13}) {
            int m = 37;
            int t0 = 3;
            double[] t = random(r, m + t0);
            double[] p = random(r, 3 * n + 5);
            double[] g = random(r, m * n);
            double[] a = random(r, m * n);
            double[] s = new double[m * n];
            for (int i = 0; i < s.length; i++) {
                s[i] = r.nextDouble();
            }
            // the sums, as the layer added them row by row
            double[][] want = new double[4][n];
            for (int row = 0; row < m; row++) {
                double tr = t[t0 + row];
                for (int j = 0; j < n; j++) {
                    int i = row * n + j;
                    double sBar = g[i] * (a[i] + p[5 + j]) * s[i] * (1 - s[i]);
                    want[0][j] += g[i] * s[i];
                    want[1][j] += sBar * tr;
                    want[2][j] += sBar;
                    want[3][j] += g[i] * tr;
                }
            }
            double[] wantScaled = new double[m * n];
            double[] wantGamma = new double[m * n];
            double[] wantBeta = new double[m * n];
            for (int row = 0; row < m; row++) {
                for (int j = 0; j < n; j++) {
                    int i = row * n + j;
                    wantScaled[i] = p[n + j] * (0.5 * t[t0 + row]);
                    wantGamma[i] = 0.5 + 0.5 * s[i];
                    wantBeta[i] = p[5 + j] * wantGamma[i] + p[2 * n + j] * t[t0 + row];
                }
            }
            for (int path = 0; path < (vector ? 2 : 1); path++) {
                double[][] sums = new double[4][n];
                double[] scaled = new double[m * n];
                double[] gamma = s.clone();
                double[] beta = new double[m * n];
                if (path == 0) {
                    Elementwise.scalarGateGradientSums(
                            g, a, s, p, 5, t, t0, m, n, sums[0], sums[1], sums[2], sums[3], 0);
                    for (int row = 0; row < m; row++) {
                        Elementwise.scalarTimesRowTimes(p, n, 0.5 * t[t0 + row], row * n, n, scaled, 0);
                        Elementwise.scalarSigmoidGates(gamma, p, 5, p, 2 * n, t[t0 + row], row * n, n, beta, 0);
                    }
                } else {
                    VectorElementwise.gateGradientSums(g, a, s, p, 5, t, t0, m, n, sums[0], sums[1], sums[2], sums[3]);
                    VectorElementwise.timesRowTimes(p, n, t, t0, 0.5, m, n, scaled);
                    VectorElementwise.sigmoidGates(gamma, p, 5, p, 2 * n, t, t0, m, n, beta);
                }
                String where = (path == 0 ? "scalar" : "vector") + ", width " + n;
                for (int k = 0; k < 4; k++) {
                    assertArrayEquals(want[k], sums[k], 0.0, where + ", sum " + k);
                }
                assertArrayEquals(wantScaled, scaled, 0.0, where + ", scaled times");
                assertArrayEquals(wantGamma, gamma, 0.0, where + ", gamma");
                assertArrayEquals(wantBeta, beta, 0.0, where + ", beta");
            }
        }
    }
}
