package org.cnf4j.linalg;

/**
 * tanh and its derivative in float, for the evaluation passes of {@code --precision float}:
 * {@code h = tanh(a + shift)} and {@code d1 = 1 - h^2} over a block of {@code rows x cols}
 * floats (row-major from index 0) with a per-column shift, as {@code 1 - 2 / (e + 1)} with
 * {@code e = exp(2x)}. exp is computed in float: 2x clamped to [-20, 20] (tanh is exactly +-1 in
 * float beyond |x| = 9.1), {@code 2x = k ln 2 + r} with a two-part ln 2, a degree-7 Taylor
 * polynomial for e^r on |r| {@literal <=} ln(2)/2 (truncation below 6e-9) and 2^k from integer bits. Within
 * 3e-7 of Math.tanh, about 4 times the lanes of the double kernel per instruction. Like
 * {@link Transcendentals}, made only of exactly rounded operations, so the Vector API path (with
 * {@code --add-modules jdk.incubator.vector}) and the scalar loop give bit-identical results.
 */
public final class SingleTanh {

    static final float LOG2E = 1.44269504f;
    /** ln 2 in two parts; the high part has trailing zero bits, so k * LN2_HI is exact for |k| &lt; 2^8. */
    static final float LN2_HI = 0.693145751953125f;

    static final float LN2_LO = 1.42860677e-6f;
    /** 1.5 * 2^23: adding and subtracting it rounds a float of magnitude below 2^22 to an integer. */
    static final float SHIFT = 12582912f;

    static final int SHIFT_BITS = Float.floatToRawIntBits(SHIFT);
    /** Bound of 2x: e^(+-20) is a normal float and tanh(+-10) rounds to +-1. */
    static final float BOUND = 20f;
    /** Taylor coefficients of e^r, highest degree first: 1/7!, ..., 1/1!, 1. */
    static final float[] POLY = {1f / 5040, 1f / 720, 1f / 120, 1f / 24, 1f / 6, 0.5f, 1f, 1f};

    private SingleTanh() {}

    /** True when the Vector API path is in use. */
    public static boolean vectorized() {
        return Detection.VECTOR;
    }

    /** The block kernel; h and d1 must be distinct from a. */
    public static void shiftedTanh(float[] a, float[] shift, int rows, int cols, float[] h, float[] d1) {
        if (KernelSelection.vector(KernelFamily.TANH_FLOAT) && VectorSingleTanh.fitsLanes(cols)) {
            VectorSingleTanh.shiftedTanh(a, shift, rows, cols, h, d1);
            return;
        }
        scalarShiftedTanh(a, shift, rows, cols, h, d1);
    }

    /** The scalar loop of {@link #shiftedTanh}. */
    public static void scalarShiftedTanh(float[] a, float[] shift, int rows, int cols, float[] h, float[] d1) {
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            for (int j = 0; j < cols; j++) {
                float v = 1f - 2f / (exp((a[base + j] + shift[j]) * 2f) + 1f);
                h[base + j] = v;
                d1[base + j] = 1f - v * v;
            }
        }
    }

    /** e^x in float for the tanh kernel (x clamped to [-20, 20]). */
    static float exp(float x) {
        float v = Math.min(Math.max(x, -BOUND), BOUND);
        float kd = v * LOG2E + SHIFT;
        float mk = -(kd - SHIFT);
        float r = Math.fma(mk, LN2_HI, v);
        r = Math.fma(mk, LN2_LO, r);
        float p = POLY[0];
        for (int j = 1; j < POLY.length; j++) {
            p = Math.fma(p, r, POLY[j]);
        }
        int k = Float.floatToRawIntBits(kd) - SHIFT_BITS;
        return p * Float.intBitsToFloat((k + 127) << 23);
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
            return VectorSingleTanh.selfTest();
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }
}
