package org.cnf4j.linalg;

/**
 * Matrix products of row-major heap arrays, {@code C[m, n] = A[m, k] B[k, n]} (C overwritten),
 * for the network's layers: the hidden products ([rows, 64] x [64, 64]), the thin first layer
 * ([rows, 2] x [2, 64]) and the narrow last layer ([rows, 64] x [64, 2]), with no JNI call and
 * no copies to native operands. On an AVX2 machine, inside 10,000-point evaluations, the thin and
 * narrow products ran 1.4-1.6 times faster than OpenBLAS 0.3.19's (which reach only 3-5 GFLOP/s
 * there) and the 64 x 64 ones about as fast (25 GFLOP/s in float, 10-12 in double; 1.4-1.6 times
 * OpenBLAS in a microbenchmark).
 *
 * <p>The order of operations is fixed, so results are bit-identical however the product runs:
 * an output of a wide product ({@code n >= 8}) is {@code fma(a[k-1], b[k-1], ... fma(a[0], b[0],
 * 0))}, one fused multiply-add per term in order of the inner index; an output of a narrow product
 * ({@code n < 8}) keeps 8 partial sums in double (16 in float), term q going to partial q mod 8
 * (mod 16) in that way, added up as {@code ((p0 + p1) + p2) + ... + p7} (... {@code + p15}). With {@code --add-modules jdk.incubator.vector} a Vector API
 * kernel computes them (tiles of 4 rows by 2 vectors of columns for wide products, 8 inner terms a
 * vector for narrow ones); otherwise, or with {@code -Dcnf4j.vector=false}, scalar loops do the
 * same operations.
 */
public final class HeapGemm {

    /** Partial sums of a narrow product's output in double; also the output width below which a product is narrow. */
    static final int PARTIALS = 8;
    /** Partial sums of a narrow product's output in float: whole vectors of up to 16 float lanes. */
    static final int FLOAT_PARTIALS = 16;
    /** Rows and columns of a tile of {@link #transpose}: 8 x 8 doubles, each side one 64-byte line. */
    private static final int TILE = 8;

    private HeapGemm() {}

    /** True when the Vector API kernels are available (the module is present and they passed their self-test). */
    public static boolean vectorized() {
        return Detection.VECTOR;
    }

    /** C = A B in double; A from aOff with row stride k, B from bOff with row stride n, C from cOff with stride n. */
    public static void multiply(double[] a, int aOff, double[] b, int bOff, double[] c, int cOff, int m, int n, int k) {
        if (KernelSelection.vector(KernelFamily.PRODUCTS_DOUBLE)) {
            VectorHeapGemm.multiply(a, aOff, b, bOff, c, cOff, m, n, k);
        } else {
            scalarMultiply(a, aOff, b, bOff, c, cOff, m, n, k);
        }
    }

    /** C = A B in float; as {@link #multiply(double[], int, double[], int, double[], int, int, int, int)}. */
    public static void multiply(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int n, int k) {
        if (KernelSelection.vector(KernelFamily.PRODUCTS_FLOAT)) {
            VectorHeapGemm.multiply(a, aOff, b, bOff, c, cOff, m, n, k);
        } else {
            scalarMultiply(a, aOff, b, bOff, c, cOff, m, n, k);
        }
    }

    /**
     * C = A^T B in double, A stored [k, m] from aOff (row stride m), B [k, n], C [m, n]: the X^T G
     * of a backward pass without transposing X. Every output is {@code fma(a[k-1], b[k-1], ...
     * fma(a[0], b[0], 0))}, one fused multiply-add per term in order of the inner index, whatever
     * the shape (narrow outputs included) and whichever path runs it.
     */
    public static void multiplyTransposedA(
            double[] a, int aOff, double[] b, int bOff, double[] c, int cOff, int m, int n, int k) {
        if (KernelSelection.vector(KernelFamily.PRODUCTS_DOUBLE)) {
            VectorHeapGemm.multiplyTransposedA(a, aOff, b, bOff, c, cOff, m, n, k);
        } else {
            scalarColumns(a, aOff, 1, m, b, bOff, c, cOff, m, n, k, 0, n);
        }
    }

    /** C = A^T B in float, as in double. */
    public static void multiplyTransposedA(
            float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int n, int k) {
        if (KernelSelection.vector(KernelFamily.PRODUCTS_FLOAT)) {
            VectorHeapGemm.multiplyTransposedA(a, aOff, b, bOff, c, cOff, m, n, k);
        } else {
            scalarColumns(a, aOff, 1, m, b, bOff, c, cOff, m, n, k, 0, n);
        }
    }

    /** The scalar loops of the double product: the reference order of operations. */
    public static void scalarMultiply(
            double[] a, int aOff, double[] b, int bOff, double[] c, int cOff, int m, int n, int k) {
        if (n >= PARTIALS) {
            scalarColumns(a, aOff, k, 1, b, bOff, c, cOff, m, n, k, 0, n);
            return;
        }
        double[] partial = new double[PARTIALS];
        for (int r = 0; r < m; r++) {
            for (int j = 0; j < n; j++) {
                java.util.Arrays.fill(partial, 0.0);
                c[cOff + r * n + j] = finishNarrow(a, aOff + r * k, b, bOff + j, n, k, 0, partial);
            }
        }
    }

    /**
     * Columns [j0, j1) of a wide product, in the reference order; A's element (r, q) at
     * {@code a[aOff + r * rs + q * cs]} (rs = k, cs = 1 for A itself; rs = 1, cs = m for A^T).
     */
    static void scalarColumns(
            double[] a,
            int aOff,
            int rs,
            int cs,
            double[] b,
            int bOff,
            double[] c,
            int cOff,
            int m,
            int n,
            int k,
            int j0,
            int j1) {
        for (int r = 0; r < m; r++) {
            int ar = aOff + r * rs;
            for (int j = j0; j < j1; j++) {
                double s = 0;
                for (int q = 0; q < k; q++) {
                    s = Math.fma(a[ar + q * cs], b[bOff + q * n + j], s);
                }
                c[cOff + r * n + j] = s;
            }
        }
    }

    /**
     * One output of a narrow product: terms q0 .. k - 1 of row {@code a[ar ..]} and column
     * {@code b[bc], b[bc + n], ...} added into their partial sums (term q into partial q mod 8),
     * then the partials summed in order.
     */
    static double finishNarrow(double[] a, int ar, double[] b, int bc, int n, int k, int q0, double[] partial) {
        for (int q = q0; q < k; q++) {
            partial[q % PARTIALS] = Math.fma(a[ar + q], b[bc + q * n], partial[q % PARTIALS]);
        }
        double s = partial[0];
        for (int p = 1; p < PARTIALS; p++) {
            s += partial[p];
        }
        return s;
    }

    /** The scalar loops of the float product: the reference order of operations. */
    public static void scalarMultiply(
            float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int n, int k) {
        if (n >= PARTIALS) {
            scalarColumns(a, aOff, k, 1, b, bOff, c, cOff, m, n, k, 0, n);
            return;
        }
        float[] partial = new float[FLOAT_PARTIALS];
        for (int r = 0; r < m; r++) {
            for (int j = 0; j < n; j++) {
                java.util.Arrays.fill(partial, 0f);
                c[cOff + r * n + j] = finishNarrow(a, aOff + r * k, b, bOff + j, n, k, 0, partial);
            }
        }
    }

    /**
     * Columns [j0, j1) of a wide product, in the reference order; A's element (r, q) at
     * {@code a[aOff + r * rs + q * cs]} (rs = k, cs = 1 for A itself; rs = 1, cs = m for A^T).
     */
    static void scalarColumns(
            float[] a,
            int aOff,
            int rs,
            int cs,
            float[] b,
            int bOff,
            float[] c,
            int cOff,
            int m,
            int n,
            int k,
            int j0,
            int j1) {
        for (int r = 0; r < m; r++) {
            int ar = aOff + r * rs;
            for (int j = j0; j < j1; j++) {
                float s = 0;
                for (int q = 0; q < k; q++) {
                    s = Math.fma(a[ar + q * cs], b[bOff + q * n + j], s);
                }
                c[cOff + r * n + j] = s;
            }
        }
    }

    /**
     * One output of a narrow product: terms q0 .. k - 1 of row {@code a[ar ..]} and column
     * {@code b[bc], b[bc + n], ...} added into their partial sums (term q into partial q mod 16),
     * then the partials summed in order.
     */
    static float finishNarrow(float[] a, int ar, float[] b, int bc, int n, int k, int q0, float[] partial) {
        for (int q = q0; q < k; q++) {
            partial[q % FLOAT_PARTIALS] = Math.fma(a[ar + q], b[bc + q * n], partial[q % FLOAT_PARTIALS]);
        }
        float s = partial[0];
        for (int p = 1; p < FLOAT_PARTIALS; p++) {
            s += partial[p];
        }
        return s;
    }

    /**
     * {@code out[j * rows + i] = src[off + i * cols + j]}: the transpose of a [rows, cols] block into
     * [cols, rows], for the operands of X^T G and G W^T; in 8 x 8 tiles so that reads and writes both
     * stay within a few cache lines.
     */
    public static void transpose(double[] src, int off, int rows, int cols, double[] out) {
        transpose(src, off, rows, cols, out, 0);
    }

    /** The same transpose written from {@code out[outOff]}. */
    public static void transpose(double[] src, int off, int rows, int cols, double[] out, int outOff) {
        for (int i0 = 0; i0 < rows; i0 += TILE) {
            int i1 = Math.min(rows, i0 + TILE);
            for (int j0 = 0; j0 < cols; j0 += TILE) {
                int j1 = Math.min(cols, j0 + TILE);
                for (int j = j0; j < j1; j++) {
                    int o = outOff + j * rows;
                    for (int i = i0; i < i1; i++) {
                        out[o + i] = src[off + i * cols + j];
                    }
                }
            }
        }
    }

    /** {@link #transpose(double[], int, int, int, double[])} of floats. */
    public static void transpose(float[] src, int off, int rows, int cols, float[] out) {
        transpose(src, off, rows, cols, out, 0);
    }

    /** The same transpose written from {@code out[outOff]}. */
    public static void transpose(float[] src, int off, int rows, int cols, float[] out, int outOff) {
        for (int i0 = 0; i0 < rows; i0 += TILE) {
            int i1 = Math.min(rows, i0 + TILE);
            for (int j0 = 0; j0 < cols; j0 += TILE) {
                int j1 = Math.min(cols, j0 + TILE);
                for (int j = j0; j < j1; j++) {
                    int o = outOff + j * rows;
                    for (int i = i0; i < i1; i++) {
                        out[o + i] = src[off + i * cols + j];
                    }
                }
            }
        }
    }

    /** {@code out[i] = (float) src[i]} for i in [0, n): a double operand rounded for the float products. */
    public static void round(double[] src, float[] out, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = (float) src[i];
        }
    }

    /** {@code out[off + i] = src[i]} for i in [0, n): a float product's result widened to double. */
    public static void widen(float[] src, double[] out, int off, int n) {
        for (int i = 0; i < n; i++) {
            out[off + i] = src[i];
        }
    }

    /** Decided on the first call of {@link #vectorized()}: the self-test loads and runs the Vector API. */
    private static final class Detection {
        static final boolean VECTOR = detect();
    }

    private static boolean detect() {
        if (!Transcendentals.vectorModuleEnabled()) {
            return false;
        }
        try {
            return VectorHeapGemm.selfTest();
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }
}
