package org.cnf4j.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HeapGemmTest {

    /** m, n, k: hidden, thin first, narrow last layers, and odd remainders of rows, columns and terms. */
    private static final int[][] SHAPES = {
        {513, 64, 64},
        {300, 64, 2},
        {301, 2, 64},
        {7, 72, 13},
        {5, 3, 21},
        {9, 1, 5},
        {4, 40, 64},
        {3, 8, 1},
        {1, 17, 9},
        {64, 2, 300},
        {2, 64, 300}
    };

    @Test
    void theVectorKernelsAreUsedWhenTheirModuleIsPresent() {
        boolean present = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        boolean disabled = "false".equalsIgnoreCase(System.getProperty(Transcendentals.PROPERTY));
        assertEquals(present && !disabled, HeapGemm.vectorized());
    }

    @Test
    void doubleProductsAreBitForBitTheScalarLoopsAndMatchAPlainProduct() {
        SplittableRandom random = new SplittableRandom(11);
        for (int[] s : SHAPES) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            double[] a = gaussian(random, 3 + m * k);
            double[] b = gaussian(random, 5 + k * n);
            double[] c = new double[2 + m * n];
            double[] cs = new double[2 + m * n];
            c[0] = cs[0] = 42;
            HeapGemm.multiply(a, 3, b, 5, c, 2, m, n, k);
            HeapGemm.scalarMultiply(a, 3, b, 5, cs, 2, m, n, k);
            assertArrayEquals(cs, c, 0.0, "shape " + m + "x" + n + "x" + k);
            assertEquals(42, c[0], "writes only C");
            double[] plain = plainProduct(a, 3, b, 5, m, n, k);
            for (int i = 0; i < m * n; i++) {
                assertEquals(plain[i], c[2 + i], 1e-13 * k, "shape " + m + "x" + n + "x" + k + " at " + i);
            }
        }
    }

    @Test
    void floatProductsAreBitForBitTheScalarLoopsAndMatchADoubleProductToSinglePrecision() {
        SplittableRandom random = new SplittableRandom(12);
        for (int[] s : SHAPES) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            double[] a = gaussian(random, m * k);
            double[] b = gaussian(random, k * n);
            float[] af = new float[a.length];
            float[] bf = new float[b.length];
            for (int i = 0; i < a.length; i++) {
                a[i] = af[i] = (float) a[i];
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = bf[i] = (float) b[i];
            }
            float[] c = new float[m * n];
            float[] cs = new float[m * n];
            HeapGemm.multiply(af, 0, bf, 0, c, 0, m, n, k);
            HeapGemm.scalarMultiply(af, 0, bf, 0, cs, 0, m, n, k);
            assertArrayEquals(cs, c, 0f, "shape " + m + "x" + n + "x" + k);
            double[] plain = plainProduct(a, 0, b, 0, m, n, k);
            for (int i = 0; i < m * n; i++) {
                assertEquals(plain[i], c[i], 1e-6 * k, "shape " + m + "x" + n + "x" + k + " at " + i);
            }
        }
    }

    /** A^T B on the chosen path and on the scalar loops: every output the same fused multiply-add chain. */
    @Test
    void transposedProductsAreOneFusedMultiplyAddChainPerOutputInEveryShape() {
        SplittableRandom random = new SplittableRandom(13);
        for (int[] s : SHAPES) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            // A^T B with A stored [k, m]: X^T G of a backward pass (k rows, m and n columns)
            double[] a = gaussian(random, 3 + k * m);
            double[] b = gaussian(random, 5 + k * n);
            float[] af = new float[a.length];
            float[] bf = new float[b.length];
            for (int i = 0; i < a.length; i++) {
                af[i] = (float) a[i];
            }
            for (int i = 0; i < b.length; i++) {
                bf[i] = (float) b[i];
            }
            double[] c = new double[2 + m * n];
            float[] cf = new float[2 + m * n];
            c[0] = 42;
            cf[0] = 42;
            HeapGemm.multiplyTransposedA(a, 3, b, 5, c, 2, m, n, k);
            HeapGemm.multiplyTransposedA(af, 3, bf, 5, cf, 2, m, n, k);
            double[] cs = new double[2 + m * n];
            float[] cfs = new float[2 + m * n];
            HeapGemm.scalarColumns(a, 3, 1, m, b, 5, cs, 2, m, n, k, 0, n);
            HeapGemm.scalarColumns(af, 3, 1, m, bf, 5, cfs, 2, m, n, k, 0, n);
            assertEquals(42, c[0], "writes only C");
            assertEquals(42, cf[0], "writes only C");
            String shape = "shape " + m + "x" + n + "x" + k;
            for (int r = 0; r < m; r++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    float sumF = 0;
                    double plain = 0;
                    for (int q = 0; q < k; q++) {
                        sum = Math.fma(a[3 + q * m + r], b[5 + q * n + j], sum);
                        sumF = Math.fma(af[3 + q * m + r], bf[5 + q * n + j], sumF);
                        plain += a[3 + q * m + r] * b[5 + q * n + j];
                    }
                    assertEquals(sum, c[2 + r * n + j], 0.0, shape + " at " + r + ", " + j);
                    assertEquals(sumF, cf[2 + r * n + j], 0f, shape + " (float) at " + r + ", " + j);
                    assertEquals(sum, cs[2 + r * n + j], 0.0, shape + " (scalar) at " + r + ", " + j);
                    assertEquals(sumF, cfs[2 + r * n + j], 0f, shape + " (scalar, float) at " + r + ", " + j);
                    assertEquals(plain, sum, 1e-13 * k, shape + " at " + r + ", " + j);
                }
            }
        }
    }

    @Test
    void nonFiniteValuesPropagate() {
        double[] a = {1, Double.NaN, 2, 3};
        double[] b = new double[2 * 16];
        java.util.Arrays.fill(b, 1.0);
        double[] c = new double[2 * 16];
        HeapGemm.multiply(a, 0, b, 0, c, 0, 2, 16, 2);
        for (int j = 0; j < 16; j++) {
            assertEquals(Double.NaN, c[j]);
            assertEquals(5.0, c[16 + j]);
        }
    }

    private static double[] gaussian(SplittableRandom random, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            double u = random.nextDouble(1e-300, 1);
            x[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
        }
        return x;
    }

    private static double[] plainProduct(double[] a, int aOff, double[] b, int bOff, int m, int n, int k) {
        double[] c = new double[m * n];
        for (int r = 0; r < m; r++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int q = 0; q < k; q++) {
                    s += a[aOff + r * k + q] * b[bOff + q * n + j];
                }
                c[r * n + j] = s;
            }
        }
        return c;
    }
}
