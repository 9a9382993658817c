package org.cnf4j.linalg;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API (incubator) kernels of {@link HeapGemm}: wide products in tiles of 4 rows by 2
 * vectors of columns of the CPU's preferred width (so 8 accumulators and one fused multiply-add
 * per output and inner index, in order), narrow products with 8 partial sums per output in double
 * (16 in float) held in vectors of that same width. Only loaded when the module
 * {@code jdk.incubator.vector} is present.
 *
 * <p>Every kernel uses the one species per element type of {@link VectorLanes}. With JDK 17, a
 * second species of the same element type in the JVM (a 256-bit narrow kernel beside 512-bit wide
 * ones on an AVX-512 CPU) leaves the Vector API's shared methods with two receiver types at their
 * call sites; C2 then no longer compiles those calls to vector instructions, and every kernel of
 * that element type falls back to the library's Java code (allocating on every operation).
 */
final class VectorHeapGemm {

    private static final VectorSpecies<Double> DOUBLES = VectorLanes.DOUBLES;
    private static final VectorSpecies<Float> FLOATS = VectorLanes.FLOATS;

    /** Each thread's buffers for the narrow products, so that a call allocates nothing once warm. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Rows of A a panel: 4 tiles of 4 rows (16 rows of 64 doubles: 8 KB). */
    private static final int PANEL = 16;

    private VectorHeapGemm() {}

    /** C = A B in double; see {@link HeapGemm}. */
    static void multiply(double[] a, int aOff, double[] b, int bOff, double[] c, int cOff, int m, int n, int k) {
        if (n < HeapGemm.PARTIALS) {
            narrow(a, aOff, b, bOff, c, cOff, m, n, k);
            return;
        }
        wide(a, aOff, k, 1, b, bOff, c, cOff, m, n, k);
    }

    /**
     * C = A^T B in double, A stored [k, m]; see {@link HeapGemm#multiplyTransposedA}. With fewer than
     * {@value HeapGemm#PARTIALS} columns, C^T = B^T A is the wide product (B transposed first, the
     * result transposed back: both small), with the same operations per output.
     */
    static void multiplyTransposedA(
            double[] a, int aOff, double[] b, int bOff, double[] c, int cOff, int m, int n, int k) {
        if (n >= HeapGemm.PARTIALS) {
            wide(a, aOff, 1, m, b, bOff, c, cOff, m, n, k);
            return;
        }
        if (m < HeapGemm.PARTIALS) {
            HeapGemm.scalarColumns(a, aOff, 1, m, b, bOff, c, cOff, m, n, k, 0, n);
            return;
        }
        Scratch scratch = SCRATCH.get();
        double[] bt = scratch.doubles(n * k);
        double[] ct = scratch.doubleResults(n * m);
        HeapGemm.transpose(b, bOff, k, n, bt);
        wide(bt, 0, k, 1, a, aOff, ct, 0, n, m, k);
        HeapGemm.transpose(ct, 0, n, m, c, cOff);
    }

    /**
     * C = A B for n >= lanes, A's element (r, q) at {@code a[aOff + r * rs + q * cs]}: row panels
     * outside, column blocks inside, so that a panel's rows stay in L1 across its column blocks, and
     * B (64 x 64: 16 KB in float, 32 KB in double) stays there too.
     */
    private static void wide(
            double[] a, int aOff, int rs, int cs, double[] b, int bOff, double[] c, int cOff, int m, int n, int k) {
        int lanes = DOUBLES.length();
        for (int r0 = 0; r0 < m; r0 += PANEL) {
            int rows = Math.min(PANEL, m - r0);
            int ar = aOff + r0 * rs;
            int cr = cOff + r0 * n;
            int j = 0;
            for (; j + 2 * lanes <= n; j += 2 * lanes) {
                twoVectorColumns(a, ar, rs, cs, b, bOff, c, cr, rows, n, k, j);
            }
            for (; j + lanes <= n; j += lanes) {
                oneVectorColumns(a, ar, rs, cs, b, bOff, c, cr, rows, n, k, j);
            }
            if (j < n) {
                HeapGemm.scalarColumns(a, ar, rs, cs, b, bOff, c, cr, rows, n, k, j, n);
            }
        }
    }

    /** Columns [j, j + 2 lanes) of a wide product, 4 rows at a time. */
    private static void twoVectorColumns(
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
            int j) {
        int lanes = DOUBLES.length();
        int r = 0;
        for (; r + 4 <= m; r += 4) {
            DoubleVector c00 = DoubleVector.zero(DOUBLES);
            DoubleVector c01 = DoubleVector.zero(DOUBLES);
            DoubleVector c10 = DoubleVector.zero(DOUBLES);
            DoubleVector c11 = DoubleVector.zero(DOUBLES);
            DoubleVector c20 = DoubleVector.zero(DOUBLES);
            DoubleVector c21 = DoubleVector.zero(DOUBLES);
            DoubleVector c30 = DoubleVector.zero(DOUBLES);
            DoubleVector c31 = DoubleVector.zero(DOUBLES);
            int a0 = aOff + r * rs;
            for (int q = 0, bq = bOff + j; q < k; q++, bq += n) {
                DoubleVector b0 = DoubleVector.fromArray(DOUBLES, b, bq);
                DoubleVector b1 = DoubleVector.fromArray(DOUBLES, b, bq + lanes);
                DoubleVector x = DoubleVector.broadcast(DOUBLES, a[a0 + q * cs]);
                c00 = x.fma(b0, c00);
                c01 = x.fma(b1, c01);
                x = DoubleVector.broadcast(DOUBLES, a[a0 + rs + q * cs]);
                c10 = x.fma(b0, c10);
                c11 = x.fma(b1, c11);
                x = DoubleVector.broadcast(DOUBLES, a[a0 + 2 * rs + q * cs]);
                c20 = x.fma(b0, c20);
                c21 = x.fma(b1, c21);
                x = DoubleVector.broadcast(DOUBLES, a[a0 + 3 * rs + q * cs]);
                c30 = x.fma(b0, c30);
                c31 = x.fma(b1, c31);
            }
            int o = cOff + r * n + j;
            c00.intoArray(c, o);
            c01.intoArray(c, o + lanes);
            o += n;
            c10.intoArray(c, o);
            c11.intoArray(c, o + lanes);
            o += n;
            c20.intoArray(c, o);
            c21.intoArray(c, o + lanes);
            o += n;
            c30.intoArray(c, o);
            c31.intoArray(c, o + lanes);
        }
        for (; r < m; r++) {
            DoubleVector c00 = DoubleVector.zero(DOUBLES);
            DoubleVector c01 = DoubleVector.zero(DOUBLES);
            int a0 = aOff + r * rs;
            for (int q = 0, bq = bOff + j; q < k; q++, bq += n) {
                DoubleVector x = DoubleVector.broadcast(DOUBLES, a[a0 + q * cs]);
                c00 = x.fma(DoubleVector.fromArray(DOUBLES, b, bq), c00);
                c01 = x.fma(DoubleVector.fromArray(DOUBLES, b, bq + lanes), c01);
            }
            int o = cOff + r * n + j;
            c00.intoArray(c, o);
            c01.intoArray(c, o + lanes);
        }
    }

    /** Columns [j, j + lanes) of a wide product, 4 rows at a time. */
    private static void oneVectorColumns(
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
            int j) {
        int r = 0;
        for (; r + 4 <= m; r += 4) {
            DoubleVector c0 = DoubleVector.zero(DOUBLES);
            DoubleVector c1 = DoubleVector.zero(DOUBLES);
            DoubleVector c2 = DoubleVector.zero(DOUBLES);
            DoubleVector c3 = DoubleVector.zero(DOUBLES);
            int a0 = aOff + r * rs;
            for (int q = 0, bq = bOff + j; q < k; q++, bq += n) {
                DoubleVector b0 = DoubleVector.fromArray(DOUBLES, b, bq);
                c0 = DoubleVector.broadcast(DOUBLES, a[a0 + q * cs]).fma(b0, c0);
                c1 = DoubleVector.broadcast(DOUBLES, a[a0 + rs + q * cs]).fma(b0, c1);
                c2 = DoubleVector.broadcast(DOUBLES, a[a0 + 2 * rs + q * cs]).fma(b0, c2);
                c3 = DoubleVector.broadcast(DOUBLES, a[a0 + 3 * rs + q * cs]).fma(b0, c3);
            }
            int o = cOff + r * n + j;
            c0.intoArray(c, o);
            c1.intoArray(c, o + n);
            c2.intoArray(c, o + 2 * n);
            c3.intoArray(c, o + 3 * n);
        }
        for (; r < m; r++) {
            DoubleVector c0 = DoubleVector.zero(DOUBLES);
            int a0 = aOff + r * rs;
            for (int q = 0, bq = bOff + j; q < k; q++, bq += n) {
                c0 = DoubleVector.broadcast(DOUBLES, a[a0 + q * cs]).fma(DoubleVector.fromArray(DOUBLES, b, bq), c0);
            }
            c0.intoArray(c, cOff + r * n + j);
        }
    }

    /** C = A B in float; see {@link HeapGemm}. */
    static void multiply(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int n, int k) {
        if (n < HeapGemm.PARTIALS) {
            narrow(a, aOff, b, bOff, c, cOff, m, n, k);
            return;
        }
        wide(a, aOff, k, 1, b, bOff, c, cOff, m, n, k);
    }

    /**
     * C = A^T B in float, A stored [k, m]; see {@link HeapGemm#multiplyTransposedA}. With fewer than
     * {@value HeapGemm#PARTIALS} columns, C^T = B^T A is the wide product (B transposed first, the
     * result transposed back: both small), with the same operations per output.
     */
    static void multiplyTransposedA(
            float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int n, int k) {
        if (n >= HeapGemm.PARTIALS) {
            wide(a, aOff, 1, m, b, bOff, c, cOff, m, n, k);
            return;
        }
        if (m < HeapGemm.PARTIALS) {
            HeapGemm.scalarColumns(a, aOff, 1, m, b, bOff, c, cOff, m, n, k, 0, n);
            return;
        }
        Scratch scratch = SCRATCH.get();
        float[] bt = scratch.floats(n * k);
        float[] ct = scratch.floatResults(n * m);
        HeapGemm.transpose(b, bOff, k, n, bt);
        wide(bt, 0, k, 1, a, aOff, ct, 0, n, m, k);
        HeapGemm.transpose(ct, 0, n, m, c, cOff);
    }

    /**
     * C = A B for n >= lanes, A's element (r, q) at {@code a[aOff + r * rs + q * cs]}: row panels
     * outside, column blocks inside, so that a panel's rows stay in L1 across its column blocks, and
     * B (64 x 64: 16 KB in float, 32 KB in double) stays there too.
     */
    private static void wide(
            float[] a, int aOff, int rs, int cs, float[] b, int bOff, float[] c, int cOff, int m, int n, int k) {
        int lanes = FLOATS.length();
        for (int r0 = 0; r0 < m; r0 += PANEL) {
            int rows = Math.min(PANEL, m - r0);
            int ar = aOff + r0 * rs;
            int cr = cOff + r0 * n;
            int j = 0;
            for (; j + 2 * lanes <= n; j += 2 * lanes) {
                twoVectorColumns(a, ar, rs, cs, b, bOff, c, cr, rows, n, k, j);
            }
            for (; j + lanes <= n; j += lanes) {
                oneVectorColumns(a, ar, rs, cs, b, bOff, c, cr, rows, n, k, j);
            }
            if (j < n) {
                HeapGemm.scalarColumns(a, ar, rs, cs, b, bOff, c, cr, rows, n, k, j, n);
            }
        }
    }

    /** Columns [j, j + 2 lanes) of a wide product, 4 rows at a time. */
    private static void twoVectorColumns(
            float[] a, int aOff, int rs, int cs, float[] b, int bOff, float[] c, int cOff, int m, int n, int k, int j) {
        int lanes = FLOATS.length();
        int r = 0;
        for (; r + 4 <= m; r += 4) {
            FloatVector c00 = FloatVector.zero(FLOATS);
            FloatVector c01 = FloatVector.zero(FLOATS);
            FloatVector c10 = FloatVector.zero(FLOATS);
            FloatVector c11 = FloatVector.zero(FLOATS);
            FloatVector c20 = FloatVector.zero(FLOATS);
            FloatVector c21 = FloatVector.zero(FLOATS);
            FloatVector c30 = FloatVector.zero(FLOATS);
            FloatVector c31 = FloatVector.zero(FLOATS);
            int a0 = aOff + r * rs;
            for (int q = 0, bq = bOff + j; q < k; q++, bq += n) {
                FloatVector b0 = FloatVector.fromArray(FLOATS, b, bq);
                FloatVector b1 = FloatVector.fromArray(FLOATS, b, bq + lanes);
                FloatVector x = FloatVector.broadcast(FLOATS, a[a0 + q * cs]);
                c00 = x.fma(b0, c00);
                c01 = x.fma(b1, c01);
                x = FloatVector.broadcast(FLOATS, a[a0 + rs + q * cs]);
                c10 = x.fma(b0, c10);
                c11 = x.fma(b1, c11);
                x = FloatVector.broadcast(FLOATS, a[a0 + 2 * rs + q * cs]);
                c20 = x.fma(b0, c20);
                c21 = x.fma(b1, c21);
                x = FloatVector.broadcast(FLOATS, a[a0 + 3 * rs + q * cs]);
                c30 = x.fma(b0, c30);
                c31 = x.fma(b1, c31);
            }
            int o = cOff + r * n + j;
            c00.intoArray(c, o);
            c01.intoArray(c, o + lanes);
            o += n;
            c10.intoArray(c, o);
            c11.intoArray(c, o + lanes);
            o += n;
            c20.intoArray(c, o);
            c21.intoArray(c, o + lanes);
            o += n;
            c30.intoArray(c, o);
            c31.intoArray(c, o + lanes);
        }
        for (; r < m; r++) {
            FloatVector c00 = FloatVector.zero(FLOATS);
            FloatVector c01 = FloatVector.zero(FLOATS);
            int a0 = aOff + r * rs;
            for (int q = 0, bq = bOff + j; q < k; q++, bq += n) {
                FloatVector x = FloatVector.broadcast(FLOATS, a[a0 + q * cs]);
                c00 = x.fma(FloatVector.fromArray(FLOATS, b, bq), c00);
                c01 = x.fma(FloatVector.fromArray(FLOATS, b, bq + lanes), c01);
            }
            int o = cOff + r * n + j;
            c00.intoArray(c, o);
            c01.intoArray(c, o + lanes);
        }
    }

    /** Columns [j, j + lanes) of a wide product, 4 rows at a time. */
    private static void oneVectorColumns(
            float[] a, int aOff, int rs, int cs, float[] b, int bOff, float[] c, int cOff, int m, int n, int k, int j) {
        int r = 0;
        for (; r + 4 <= m; r += 4) {
            FloatVector c0 = FloatVector.zero(FLOATS);
            FloatVector c1 = FloatVector.zero(FLOATS);
            FloatVector c2 = FloatVector.zero(FLOATS);
            FloatVector c3 = FloatVector.zero(FLOATS);
            int a0 = aOff + r * rs;
            for (int q = 0, bq = bOff + j; q < k; q++, bq += n) {
                FloatVector b0 = FloatVector.fromArray(FLOATS, b, bq);
                c0 = FloatVector.broadcast(FLOATS, a[a0 + q * cs]).fma(b0, c0);
                c1 = FloatVector.broadcast(FLOATS, a[a0 + rs + q * cs]).fma(b0, c1);
                c2 = FloatVector.broadcast(FLOATS, a[a0 + 2 * rs + q * cs]).fma(b0, c2);
                c3 = FloatVector.broadcast(FLOATS, a[a0 + 3 * rs + q * cs]).fma(b0, c3);
            }
            int o = cOff + r * n + j;
            c0.intoArray(c, o);
            c1.intoArray(c, o + n);
            c2.intoArray(c, o + 2 * n);
            c3.intoArray(c, o + 3 * n);
        }
        for (; r < m; r++) {
            FloatVector c0 = FloatVector.zero(FLOATS);
            int a0 = aOff + r * rs;
            for (int q = 0, bq = bOff + j; q < k; q++, bq += n) {
                c0 = FloatVector.broadcast(FLOATS, a[a0 + q * cs]).fma(FloatVector.fromArray(FLOATS, b, bq), c0);
            }
            c0.intoArray(c, cOff + r * n + j);
        }
    }

    /**
     * A narrow product (n &lt; 8) in double: per output, the {@value HeapGemm#PARTIALS} partial sums
     * over the terms in whole groups of 8 are held in 8 / lanes vectors of the one species every
     * kernel uses, the rest is finished by {@link HeapGemm#finishNarrow}. B is transposed first so
     * that a column's terms are contiguous.
     */
    private static void narrow(double[] a, int aOff, double[] b, int bOff, double[] c, int cOff, int m, int n, int k) {
        Scratch scratch = SCRATCH.get();
        double[] bt = scratch.doubles(n * k);
        for (int q = 0; q < k; q++) {
            for (int j = 0; j < n; j++) {
                bt[j * k + q] = b[bOff + q * n + j];
            }
        }
        int lanes = DOUBLES.length();
        if (lanes > HeapGemm.PARTIALS) {
            HeapGemm.scalarMultiply(a, aOff, b, bOff, c, cOff, m, n, k);
            return;
        }
        int whole = k - k % HeapGemm.PARTIALS;
        double[] partial = scratch.partial;
        for (int r = 0; r < m; r++) {
            int ar = aOff + r * k;
            for (int j = 0; j < n; j++) {
                int bj = j * k;
                // partials p .. p + lanes - 1: term q + p + i of each group into partial p + i
                for (int p = 0; p < HeapGemm.PARTIALS; p += lanes) {
                    DoubleVector s = DoubleVector.zero(DOUBLES);
                    for (int q = p; q < whole; q += HeapGemm.PARTIALS) {
                        s = DoubleVector.fromArray(DOUBLES, a, ar + q)
                                .fma(DoubleVector.fromArray(DOUBLES, bt, bj + q), s);
                    }
                    s.intoArray(partial, p);
                }
                c[cOff + r * n + j] = HeapGemm.finishNarrow(a, ar, b, bOff + j, n, k, whole, partial);
            }
        }
    }

    /**
     * A narrow product (n &lt; 8) in float: as in double, with {@value HeapGemm#FLOAT_PARTIALS}
     * partial sums (so that they fill whole vectors of up to 16 float lanes).
     */
    private static void narrow(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int n, int k) {
        Scratch scratch = SCRATCH.get();
        float[] bt = scratch.floats(n * k);
        for (int q = 0; q < k; q++) {
            for (int j = 0; j < n; j++) {
                bt[j * k + q] = b[bOff + q * n + j];
            }
        }
        int lanes = FLOATS.length();
        if (lanes > HeapGemm.FLOAT_PARTIALS) {
            HeapGemm.scalarMultiply(a, aOff, b, bOff, c, cOff, m, n, k);
            return;
        }
        int whole = k - k % HeapGemm.FLOAT_PARTIALS;
        float[] partial = scratch.partialFloats;
        for (int r = 0; r < m; r++) {
            int ar = aOff + r * k;
            for (int j = 0; j < n; j++) {
                int bj = j * k;
                for (int p = 0; p < HeapGemm.FLOAT_PARTIALS; p += lanes) {
                    FloatVector s = FloatVector.zero(FLOATS);
                    for (int q = p; q < whole; q += HeapGemm.FLOAT_PARTIALS) {
                        s = FloatVector.fromArray(FLOATS, a, ar + q).fma(FloatVector.fromArray(FLOATS, bt, bj + q), s);
                    }
                    s.intoArray(partial, p);
                }
                c[cOff + r * n + j] = HeapGemm.finishNarrow(a, ar, b, bOff + j, n, k, whole, partial);
            }
        }
    }

    /** Checks every kernel shape against the scalar loops before the kernels are trusted. */
    static boolean selfTest() {
        java.util.Random random = new java.util.Random(7);
        int[][] shapes = {{9, 72, 13}, {6, 3, 21}, {5, 2, 16}, {3, 19, 2}, {19, 2, 23}, {17, 40, 9}};
        for (int[] s : shapes) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            double[] a = new double[m * k + 1];
            double[] b = new double[k * n + 2];
            for (int i = 0; i < a.length; i++) {
                a[i] = random.nextGaussian();
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = random.nextGaussian();
            }
            float[] af = new float[a.length];
            float[] bf = new float[b.length];
            for (int i = 0; i < a.length; i++) {
                af[i] = (float) a[i];
            }
            for (int i = 0; i < b.length; i++) {
                bf[i] = (float) b[i];
            }
            double[] c = new double[m * n];
            double[] cs = new double[m * n];
            multiply(a, 1, b, 2, c, 0, m, n, k);
            HeapGemm.scalarMultiply(a, 1, b, 2, cs, 0, m, n, k);
            float[] cf = new float[m * n];
            float[] cfs = new float[m * n];
            multiply(af, 1, bf, 2, cf, 0, m, n, k);
            HeapGemm.scalarMultiply(af, 1, bf, 2, cfs, 0, m, n, k);
            if (!java.util.Arrays.equals(c, cs) || !java.util.Arrays.equals(cf, cfs)) {
                return false;
            }
            // A^T B with A of k x m taken from the same values (m * k + 1 of them)
            multiplyTransposedA(a, 1, b, 2, c, 0, m, n, k);
            HeapGemm.scalarColumns(a, 1, 1, m, b, 2, cs, 0, m, n, k, 0, n);
            multiplyTransposedA(af, 1, bf, 2, cf, 0, m, n, k);
            HeapGemm.scalarColumns(af, 1, 1, m, bf, 2, cfs, 0, m, n, k, 0, n);
            if (!java.util.Arrays.equals(c, cs) || !java.util.Arrays.equals(cf, cfs)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A thread's transposed B and partial sums for the narrow products, and the transposed result
     * of a narrow {@link #multiplyTransposedA}, grown on demand.
     */
    private static final class Scratch {
        final double[] partial = new double[HeapGemm.PARTIALS];
        final float[] partialFloats = new float[HeapGemm.FLOAT_PARTIALS];
        private double[] doubles = new double[0];
        private float[] floats = new float[0];
        private double[] doubleResults = new double[0];
        private float[] floatResults = new float[0];

        double[] doubles(int n) {
            if (doubles.length < n) {
                doubles = new double[n];
            }
            return doubles;
        }

        float[] floats(int n) {
            if (floats.length < n) {
                floats = new float[n];
            }
            return floats;
        }

        double[] doubleResults(int n) {
            if (doubleResults.length < n) {
                doubleResults = new double[n];
            }
            return doubleResults;
        }

        float[] floatResults(int n) {
            if (floatResults.length < n) {
                floatResults = new float[n];
            }
            return floatResults;
        }
    }
}
