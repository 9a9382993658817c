package org.cnf4j.linalg;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A matrix operand of BLAS in native memory, in double or float, filled from and read back into
 * double heap arrays (where the elementwise work happens). In float the products run as sgemm,
 * about twice as fast as dgemm here, and the values are rounded to float on the way in.
 */
public abstract class Mirror {

    private Mirror() {}

    /** New native storage for {@code length} values, single or double precision. */
    public static Mirror allocate(long length, boolean single) {
        return single ? new Single(length) : new Double(NativeBuffer.allocate(length));
    }

    /** The memory of a contiguous DOUBLE array, for products in double. */
    public static Mirror wrap(INDArray array) {
        return new Double(NativeBuffer.wrap(array));
    }

    /** True for float storage. */
    public abstract boolean single();

    /** Copies {@code len} values from {@code src[srcOff..]} into this mirror at {@code off}. */
    public abstract void copyFrom(double[] src, int srcOff, long off, int len);

    /** Copies {@code len} values of this mirror from {@code off} into {@code dst[dstOff..]}. */
    public abstract void copyTo(long off, double[] dst, int dstOff, int len);

    /** Copies {@code len} floats from {@code src[srcOff..]} into this mirror at {@code off}. */
    public abstract void copyFrom(float[] src, int srcOff, long off, int len);

    /** Copies {@code len} values of this mirror from {@code off} into the floats {@code dst[dstOff..]}. */
    public abstract void copyTo(long off, float[] dst, int dstOff, int len);

    /**
     * {@code C = op(A) op(B)} (row-major, C overwritten) on the mirrors at the given element
     * offsets; all three must have the same precision.
     */
    public static void gemm(
            boolean transA,
            boolean transB,
            int m,
            int n,
            int k,
            Mirror a,
            long aOff,
            int lda,
            Mirror b,
            long bOff,
            int ldb,
            Mirror c,
            long cOff,
            int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        int ta = transA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        int tb = transB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        if (a.single()) {
            openblas_nolapack.cblas_sgemm(
                    openblas_nolapack.CblasRowMajor,
                    ta,
                    tb,
                    m,
                    n,
                    k,
                    1f,
                    ((Single) a).at(aOff),
                    lda,
                    ((Single) b).at(bOff),
                    ldb,
                    0f,
                    ((Single) c).at(cOff),
                    ldc);
        } else {
            openblas_nolapack.cblas_dgemm(
                    openblas_nolapack.CblasRowMajor,
                    ta,
                    tb,
                    m,
                    n,
                    k,
                    1.0,
                    ((Double) a).buf.at(aOff),
                    lda,
                    ((Double) b).buf.at(bOff),
                    ldb,
                    0.0,
                    ((Double) c).buf.at(cOff),
                    ldc);
        }
    }

    /** Double storage: a {@link NativeBuffer}. */
    private static final class Double extends Mirror {
        final NativeBuffer buf;

        Double(NativeBuffer buf) {
            this.buf = buf;
        }

        @Override
        public boolean single() {
            return false;
        }

        @Override
        public void copyFrom(double[] src, int srcOff, long off, int len) {
            buf.copyFrom(src, srcOff, off, len);
        }

        @Override
        public void copyTo(long off, double[] dst, int dstOff, int len) {
            buf.copyTo(off, dst, dstOff, len);
        }

        @Override
        public void copyFrom(float[] src, int srcOff, long off, int len) {
            double[] d = new double[len];
            for (int i = 0; i < len; i++) {
                d[i] = src[srcOff + i];
            }
            buf.copyFrom(d, 0, off, len);
        }

        @Override
        public void copyTo(long off, float[] dst, int dstOff, int len) {
            double[] d = new double[len];
            buf.copyTo(off, d, 0, len);
            for (int i = 0; i < len; i++) {
                dst[dstOff + i] = (float) d[i];
            }
        }
    }

    /** Float storage with a heap staging array for the conversions. */
    private static final class Single extends Mirror {
        final FloatPointer base;
        final FloatBuffer buffer;
        float[] staging = new float[0];

        Single(long length) {
            long n = Math.max(1, length);
            base = new FloatPointer(n);
            base.position(0).limit(n).capacity(n);
            base.fill(0);
            buffer = base.asBuffer();
        }

        FloatPointer at(long off) {
            return new FloatPointer(base).position(off);
        }

        private float[] staging(int len) {
            if (staging.length < len) {
                staging = new float[len];
            }
            return staging;
        }

        @Override
        public boolean single() {
            return true;
        }

        @Override
        public void copyFrom(double[] src, int srcOff, long off, int len) {
            float[] f = staging(len);
            for (int i = 0; i < len; i++) {
                f[i] = (float) src[srcOff + i];
            }
            buffer.put((int) off, f, 0, len);
        }

        @Override
        public void copyTo(long off, double[] dst, int dstOff, int len) {
            float[] f = staging(len);
            buffer.get((int) off, f, 0, len);
            for (int i = 0; i < len; i++) {
                dst[dstOff + i] = f[i];
            }
        }

        @Override
        public void copyFrom(float[] src, int srcOff, long off, int len) {
            buffer.put((int) off, src, srcOff, len);
        }

        @Override
        public void copyTo(long off, float[] dst, int dstOff, int len) {
            buffer.get((int) off, dst, dstOff, len);
        }
    }
}
