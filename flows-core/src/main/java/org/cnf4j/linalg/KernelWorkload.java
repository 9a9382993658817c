package org.cnf4j.linalg;

import java.util.SplittableRandom;

/**
 * A small problem of one {@link KernelFamily} with its buffers allocated once, run by either
 * path, for {@link KernelSelection}'s measurements. The shapes are those of a chunk of the
 * default network (2-64-64-64-2): 64 rows, hidden width 64.
 */
abstract class KernelWorkload {

    /** Rows of the timed problems. */
    static final int ROWS = 64;
    /** Rows of the warm-up problems: small, so that a call left to the Java fallback stays short. */
    static final int WARMUP_ROWS = 8;
    /** Hidden width. */
    static final int WIDTH = 64;
    /** State dimension of the thin input and narrow output products. */
    static final int DIM = 2;
    /**
     * Floating-point operations counted per element of the double exp/tanh kernel: 2 for the
     * shift, about 36 for exp (argument reduction, 13 fused multiply-adds, scaling), 5 for tanh
     * and its first derivative, 3 for the second derivative.
     */
    static final int TANH_DOUBLE_FLOPS = 46;
    /** The same count for the float tanh kernel (7 fused multiply-adds, no second derivative). */
    static final int TANH_FLOAT_FLOPS = 26;

    /** Runs the problem once on the Vector API path. */
    abstract void vector();

    /** Runs the problem once on the plain path. */
    abstract void plain();

    /** Floating-point operations of one run. */
    abstract long flops();

    /** Rows of this problem. */
    final int rows;

    KernelWorkload(int rows) {
        this.rows = rows;
    }

    /** The problem of a family with {@code rows} rows (a multiple of 4). */
    static KernelWorkload of(KernelFamily family, int rows) {
        return switch (family) {
            case PRODUCTS_DOUBLE -> new DoubleProducts(rows);
            case PRODUCTS_FLOAT -> new FloatProducts(rows);
            case TANH_DOUBLE -> new DoubleTanh(rows);
            case TANH_FLOAT -> new FloatTanh(rows);
            case ELEMENTWISE_DOUBLE -> new DoubleElementwise(rows);
            case ELEMENTWISE_FLOAT -> new FloatElementwise(rows);
        };
    }

    private static double[] gaussian(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextDouble(-1, 1);
        }
        return v;
    }

    private static float[] narrow(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    /**
     * The forward products of one chunk, [rows, 2] x [2, 64], [rows, 64] x [64, 64] twice and
     * [rows, 64] x [64, 2]: on heap arrays (vector) against BLAS on native copies of the operands
     * (plain), in the precision of the subclass.
     */
    private abstract static class Products extends KernelWorkload {
        /** The layers' inner sizes k and output widths n. */
        private static final int[][] SHAPES = {{DIM, WIDTH}, {WIDTH, WIDTH}, {WIDTH, WIDTH}, {WIDTH, DIM}};

        final Mirror xN;
        final Mirror wN;
        final Mirror outN;

        Products(int rows, boolean single) {
            super(rows);
            xN = Mirror.allocate(rows * WIDTH, single);
            wN = Mirror.allocate(WIDTH * WIDTH, single);
            outN = Mirror.allocate(rows * WIDTH, single);
        }

        /** One heap product of the shape. */
        abstract void heap(int k, int n);

        /** Copies the first {@code len} input values to {@link #xN}. */
        abstract void copyIn(int len);

        /** Copies the first {@code len} outputs back from {@link #outN}. */
        abstract void copyOut(int len);

        @Override
        final void vector() {
            for (int[] s : SHAPES) {
                heap(s[0], s[1]);
            }
        }

        @Override
        final void plain() {
            for (int[] s : SHAPES) {
                copyIn(rows * s[0]);
                Mirror.gemm(false, false, rows, s[1], s[0], xN, 0, s[0], wN, 0, s[1], outN, 0, s[1]);
                copyOut(rows * s[1]);
            }
        }

        @Override
        final long flops() {
            long f = 0;
            for (int[] s : SHAPES) {
                f += 2L * rows * s[0] * s[1];
            }
            return f;
        }
    }

    /** {@link Products} in double. */
    private static final class DoubleProducts extends Products {
        private final double[] x = gaussian(rows * WIDTH, 1);
        private final double[] w = gaussian(WIDTH * WIDTH, 2);
        private final double[] out = new double[rows * WIDTH];

        DoubleProducts(int rows) {
            super(rows, false);
            wN.copyFrom(w, 0, 0, w.length);
        }

        @Override
        void heap(int k, int n) {
            VectorHeapGemm.multiply(x, 0, w, 0, out, 0, rows, n, k);
        }

        @Override
        void copyIn(int len) {
            xN.copyFrom(x, 0, 0, len);
        }

        @Override
        void copyOut(int len) {
            outN.copyTo(0, out, 0, len);
        }
    }

    /** {@link Products} in float. */
    private static final class FloatProducts extends Products {
        private final float[] x = narrow(gaussian(rows * WIDTH, 1));
        private final float[] w = narrow(gaussian(WIDTH * WIDTH, 2));
        private final float[] out = new float[rows * WIDTH];

        FloatProducts(int rows) {
            super(rows, true);
            wN.copyFrom(w, 0, 0, w.length);
        }

        @Override
        void heap(int k, int n) {
            VectorHeapGemm.multiply(x, 0, w, 0, out, 0, rows, n, k);
        }

        @Override
        void copyIn(int len) {
            xN.copyFrom(x, 0, 0, len);
        }

        @Override
        void copyOut(int len) {
            outN.copyTo(0, out, 0, len);
        }
    }

    /** tanh of a hidden layer's pre-activations with both derivatives. */
    private static final class DoubleTanh extends KernelWorkload {
        DoubleTanh(int rows) {
            super(rows);
        }

        private final double[] a = gaussian(rows * WIDTH, 3);
        private final double[] shift = gaussian(WIDTH, 4);
        private final double[] h = new double[rows * WIDTH];
        private final double[] d1 = new double[rows * WIDTH];
        private final double[] d2 = new double[rows * WIDTH];

        @Override
        void vector() {
            VectorTranscendentals.shiftedTanh(a, shift, rows, WIDTH, h, d1, d2);
        }

        @Override
        void plain() {
            Transcendentals.scalarShiftedTanh(a, shift, rows, WIDTH, h, d1, d2);
        }

        @Override
        long flops() {
            return (long) TANH_DOUBLE_FLOPS * rows * WIDTH;
        }
    }

    /** tanh of a hidden layer's pre-activations in float with its derivative. */
    private static final class FloatTanh extends KernelWorkload {
        FloatTanh(int rows) {
            super(rows);
        }

        private final float[] a = narrow(gaussian(rows * WIDTH, 3));
        private final float[] shift = narrow(gaussian(WIDTH, 4));
        private final float[] h = new float[rows * WIDTH];
        private final float[] d1 = new float[rows * WIDTH];

        @Override
        void vector() {
            VectorSingleTanh.shiftedTanh(a, shift, rows, WIDTH, h, d1);
        }

        @Override
        void plain() {
            SingleTanh.scalarShiftedTanh(a, shift, rows, WIDTH, h, d1);
        }

        @Override
        long flops() {
            return (long) TANH_FLOAT_FLOPS * rows * WIDTH;
        }
    }

    /** The tangent products of two probes and the backward pass through an activation. */
    private static final class DoubleElementwise extends KernelWorkload {
        private static final int PROBES = 2;
        private final int block = rows * WIDTH;

        DoubleElementwise(int rows) {
            super(rows);
        }

        private final double[] a = gaussian((PROBES + 1) * block, 5);
        private final double[] d1 = gaussian(block, 6);
        private final double[] d2 = gaussian(block, 7);
        private final double[] x = new double[(PROBES + 1) * block];
        private final double[] g = new double[(PROBES + 1) * block];

        @Override
        void vector() {
            for (int k = 1; k <= PROBES; k++) {
                VectorElementwise.multiply(d1, 0, a, k * block, x, k * block, block);
            }
            System.arraycopy(a, 0, g, 0, g.length);
            VectorElementwise.activationBackward(g, d1, d2, a, block, PROBES);
        }

        @Override
        void plain() {
            for (int k = 1; k <= PROBES; k++) {
                Elementwise.scalarMultiply(d1, 0, a, k * block, x, k * block, block, 0);
            }
            System.arraycopy(a, 0, g, 0, g.length);
            Elementwise.scalarActivationBackward(g, d1, d2, a, block, PROBES, 0);
        }

        @Override
        long flops() {
            // a multiply per tangent element; per element and probe 3 multiplies and an add backwards, plus one
            return (long) block * (PROBES + 4 * PROBES + 1);
        }
    }

    /** The tangent products of two probes in float. */
    private static final class FloatElementwise extends KernelWorkload {
        private static final int PROBES = 2;
        private final int block = rows * WIDTH;

        FloatElementwise(int rows) {
            super(rows);
        }

        private final float[] a = narrow(gaussian((PROBES + 1) * block, 5));
        private final float[] d1 = narrow(gaussian(block, 6));
        private final float[] x = new float[(PROBES + 1) * block];

        @Override
        void vector() {
            for (int k = 1; k <= PROBES; k++) {
                VectorElementwise.multiply(d1, 0, a, k * block, x, k * block, block);
            }
        }

        @Override
        void plain() {
            for (int k = 1; k <= PROBES; k++) {
                Elementwise.scalarMultiply(d1, 0, a, k * block, x, k * block, block, 0);
            }
        }

        @Override
        long flops() {
            return (long) block * PROBES;
        }
    }
}
