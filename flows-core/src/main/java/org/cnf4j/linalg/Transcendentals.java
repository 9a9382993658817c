package org.cnf4j.linalg;

/**
 * exp and log1p over runs of a double array, in place: the transcendental part of the
 * activations, which dominated the network kernels (Math.exp costs about 3.5 ns and the JIT does
 * not vectorise it).
 *
 * <p>exp is computed by one algorithm everywhere: range reduction {@code x = k ln 2 + r} with a
 * two-part ln 2 and fused multiply-adds, a degree-13 polynomial for e^r on |r| {@literal <=} ln(2)/2, and
 * 2^k from integer bits in two halves (so subnormal results and overflow come out right). It is
 * within 2 ulp of Math.exp and made only of exactly rounded operations, so results are
 * bit-identical however it runs: when the JVM has {@code --add-modules jdk.incubator.vector} the
 * Vector API computes 8 lanes at once (about 10 times faster here), otherwise, or with
 * {@code -Dcnf4j.vector=false}, a scalar loop does the same operations. Determinism matters:
 * training resumed from a checkpoint must repeat an uninterrupted run bit for bit. log1p is
 * Math.log1p (only the softplus activation uses it).
 */
public final class Transcendentals {

    /** System property: {@code false} forces the scalar loops. */
    public static final String PROPERTY = "cnf4j.vector";

    static final double LOG2E = 1.4426950408889634;
    static final double LN2_HI = 0.6931471803691238;
    static final double LN2_LO = 1.9082149292705877e-10;
    /** 1.5 * 2^52: adding and subtracting it rounds a double of magnitude below 2^51 to an integer. */
    static final double SHIFT = 6755399441055744.0;

    static final long SHIFT_BITS = Double.doubleToRawLongBits(SHIFT);
    static final double EXP_MIN = -746.0;
    static final double EXP_MAX = 710.0;
    /** Taylor coefficients of e^r, highest degree first: 1/13!, ..., 1/1!, 1. */
    static final double[] EXP_POLY = taylor(13);

    private Transcendentals() {}

    /** True when the Vector API path is in use. */
    public static boolean vectorized() {
        return Detection.VECTOR;
    }

    /** {@code x[i] = exp(x[i])} for i in [from, to). */
    public static void exp(double[] x, int from, int to) {
        if (KernelSelection.vector(KernelFamily.TANH_DOUBLE)) {
            VectorTranscendentals.exp(x, from, to);
        } else {
            scalarExp(x, from, to);
        }
    }

    /**
     * Over a block of {@code rows x cols} values (row-major from index 0) with a per-column shift:
     * {@code h = tanh(a + shift)}, {@code d1 = 1 - h^2} and, when {@code d2} is not null,
     * {@code d2 = -2 h d1}, with tanh(x) = 1 - 2 / (exp(2x) + 1) and this class's exp. The vector
     * path does it in one pass (widths that are a multiple of the lane count, 64 among them);
     * otherwise scalar loops do the same operations, so results are bit-identical either way.
     * h, d1 and d2 must be distinct from a.
     */
    public static void shiftedTanh(
            double[] a, double[] shift, int rows, int cols, double[] h, double[] d1, double[] d2) {
        if (KernelSelection.vector(KernelFamily.TANH_DOUBLE) && VectorTranscendentals.fitsLanes(cols)) {
            VectorTranscendentals.shiftedTanh(a, shift, rows, cols, h, d1, d2);
            return;
        }
        scalarShiftedTanh(a, shift, rows, cols, h, d1, d2);
    }

    /** The scalar loops of {@link #shiftedTanh}. */
    public static void scalarShiftedTanh(
            double[] a, double[] shift, int rows, int cols, double[] h, double[] d1, double[] d2) {
        int n = rows * cols;
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            for (int j = 0; j < cols; j++) {
                h[base + j] = (a[base + j] + shift[j]) * 2.0;
            }
        }
        scalarExp(h, 0, n);
        for (int i = 0; i < n; i++) {
            double v = 1.0 - 2.0 / (h[i] + 1.0);
            h[i] = v;
            d1[i] = 1.0 - v * v;
        }
        if (d2 != null) {
            for (int i = 0; i < n; i++) {
                d2[i] = -2.0 * h[i] * d1[i];
            }
        }
    }

    /** {@code x[i] = log(1 + x[i])} for i in [from, to) (Math.log1p). */
    public static void log1p(double[] x, int from, int to) {
        for (int i = from; i < to; i++) {
            x[i] = Math.log1p(x[i]);
        }
    }

    /** The scalar exp loop: the same operations as the vector lanes. */
    public static void scalarExp(double[] x, int from, int to) {
        for (int i = from; i < to; i++) {
            x[i] = exp(x[i]);
        }
    }

    /** exp(x) by this class's algorithm (within 2 ulp of Math.exp). */
    public static double exp(double x) {
        double v = Math.min(Math.max(x, EXP_MIN), EXP_MAX);
        if (Double.isNaN(x)) {
            return x;
        }
        double kd = v * LOG2E + SHIFT;
        double mk = -(kd - SHIFT);
        double r = Math.fma(mk, LN2_HI, v);
        r = Math.fma(mk, LN2_LO, r);
        double p = EXP_POLY[0];
        for (int j = 1; j < EXP_POLY.length; j++) {
            p = Math.fma(p, r, EXP_POLY[j]);
        }
        long ki = Double.doubleToRawLongBits(kd) - SHIFT_BITS;
        long k1 = ki >> 1;
        long k2 = ki - k1;
        return p * Double.longBitsToDouble((k1 + 1023) << 52) * Double.longBitsToDouble((k2 + 1023) << 52);
    }

    private static double[] taylor(int degree) {
        double[] c = new double[degree + 1];
        double f = 1;
        for (int n = 0; n <= degree; n++) {
            if (n > 0) {
                f *= n;
            }
            c[degree - n] = 1.0 / f;
        }
        return c;
    }

    /** True when the Vector API module is present and {@link #PROPERTY} does not turn it off. */
    static boolean vectorModuleEnabled() {
        return !"false".equalsIgnoreCase(System.getProperty(PROPERTY))
                && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** Decided on the first call of {@link #vectorized()}: the self-test loads and runs the Vector API. */
    private static final class Detection {
        static final boolean VECTOR = detect();
    }

    private static boolean detect() {
        if (!vectorModuleEnabled()) {
            return false;
        }
        try {
            return VectorTranscendentals.selfTest();
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }
}
