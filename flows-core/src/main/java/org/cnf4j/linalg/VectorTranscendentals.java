package org.cnf4j.linalg;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API (incubator) implementation of {@link Transcendentals#exp}: the same algorithm
 * as {@link Transcendentals#scalarExp}, lane by lane, written only with exactly rounded
 * operations (add, multiply, fused multiply-add, integer shifts, bit reinterpretation), so every
 * lane computes bit for bit what the scalar code computes, whether the JIT has compiled the
 * vector code yet or not. (The library's own {@code lanewise(EXP)} switches from a Java fallback
 * to Intel SVML when compiled, which changed results in the last bit depending on timing and
 * broke bit-identical resumes.) Only loaded when the module {@code jdk.incubator.vector} is
 * present.
 */
final class VectorTranscendentals {

    private static final VectorSpecies<Double> SPECIES = VectorLanes.DOUBLES;
    private static final double[] ZEROS = new double[SPECIES.length()];
    private static final DoubleVector ONE = DoubleVector.broadcast(SPECIES, 1.0);
    private static final DoubleVector TWO = DoubleVector.broadcast(SPECIES, 2.0);
    private static final DoubleVector LN2_HI = DoubleVector.broadcast(SPECIES, Transcendentals.LN2_HI);
    private static final DoubleVector LN2_LO = DoubleVector.broadcast(SPECIES, Transcendentals.LN2_LO);
    // the polynomial's coefficients one constant each: a loop over an array of vectors is not
    // intrinsified by JDK 17 and ran 20 times slower
    private static final DoubleVector C0 = DoubleVector.broadcast(SPECIES, Transcendentals.EXP_POLY[0]);
    private static final DoubleVector C1 = DoubleVector.broadcast(SPECIES, Transcendentals.EXP_POLY[1]);
    private static final DoubleVector C2 = DoubleVector.broadcast(SPECIES, Transcendentals.EXP_POLY[2]);
    private static final DoubleVector C3 = DoubleVector.broadcast(SPECIES, Transcendentals.EXP_POLY[3]);
    private static final DoubleVector C4 = DoubleVector.broadcast(SPECIES, Transcendentals.EXP_POLY[4]);
    private static final DoubleVector C5 = DoubleVector.broadcast(SPECIES, Transcendentals.EXP_POLY[5]);
    private static final DoubleVector C6 = DoubleVector.broadcast(SPECIES, Transcendentals.EXP_POLY[6]);
    private static final DoubleVector C7 = DoubleVector.broadcast(SPECIES, Transcendentals.EXP_POLY[7]);
    private static final DoubleVector C8 = DoubleVector.broadcast(SPECIES, Transcendentals.EXP_POLY[8]);
    private static final DoubleVector C9 = DoubleVector.broadcast(SPECIES, Transcendentals.EXP_POLY[9]);
    private static final DoubleVector C10 = DoubleVector.broadcast(SPECIES, Transcendentals.EXP_POLY[10]);
    private static final DoubleVector C11 = DoubleVector.broadcast(SPECIES, Transcendentals.EXP_POLY[11]);
    private static final DoubleVector C12 = DoubleVector.broadcast(SPECIES, Transcendentals.EXP_POLY[12]);
    private static final DoubleVector C13 = DoubleVector.broadcast(SPECIES, Transcendentals.EXP_POLY[13]);

    private VectorTranscendentals() {}

    static void exp(double[] x, int from, int to) {
        int n = SPECIES.loopBound(to - from);
        pass(x, from, ZEROS, 0, 1, n, 1.0, x, null, null, false);
        Transcendentals.scalarExp(x, from + n, to);
    }

    /** True when rows of {@code cols} values split into whole vectors, as {@link #shiftedTanh} needs. */
    static boolean fitsLanes(int cols) {
        return cols % SPECIES.length() == 0;
    }

    /**
     * {@link Transcendentals#shiftedTanh} in one pass over the block: each vector of a is shifted,
     * doubled, exponentiated and turned into h, d1 and d2 while in registers. cols must be a
     * multiple of the lane count.
     */
    static void shiftedTanh(double[] a, double[] shift, int rows, int cols, double[] h, double[] d1, double[] d2) {
        pass(a, 0, shift, 1, rows, cols, 2.0, h, d1, d2, true);
    }

    /**
     * The one vector loop of both kernels: for each vector of {@code a} (rows of {@code cols}
     * values from {@code off}), e = exp((a + shift) * scale), then either h = e, or the tanh of
     * the shifted, scaled value into h with its derivatives (d2 optional). The exp's operations
     * are written out here rather than in a method of their own on purpose: a method that takes or
     * returns vectors is compiled separately when the JIT does not inline it (it stops inlining
     * a method whose compiled code is large, which depends on the order of compilation and on the
     * vector width), and then every vector crossing the call is boxed on the heap: the kernel
     * allocates on every call and runs many times slower.
     */
    private static void pass(
            double[] a,
            int off,
            double[] shift,
            int shiftStride,
            int rows,
            int cols,
            double scale,
            double[] h,
            double[] d1,
            double[] d2,
            boolean tanh) {
        int lanes = SPECIES.length();
        for (int j = 0; j < cols; j += lanes) {
            DoubleVector sh = DoubleVector.fromArray(SPECIES, shift, j * shiftStride);
            for (int r = 0, i = off + j; r < rows; r++, i += cols) {
                DoubleVector x = DoubleVector.fromArray(SPECIES, a, i).add(sh).mul(scale);
                // exp, by the operations of Transcendentals.exp(double)
                DoubleVector c = x.max(Transcendentals.EXP_MIN).min(Transcendentals.EXP_MAX);
                DoubleVector kd = c.mul(Transcendentals.LOG2E).add(Transcendentals.SHIFT);
                DoubleVector mk = kd.sub(Transcendentals.SHIFT).neg();
                DoubleVector red = mk.fma(LN2_HI, c);
                red = mk.fma(LN2_LO, red);
                DoubleVector p = C0;
                p = p.fma(red, C1);
                p = p.fma(red, C2);
                p = p.fma(red, C3);
                p = p.fma(red, C4);
                p = p.fma(red, C5);
                p = p.fma(red, C6);
                p = p.fma(red, C7);
                p = p.fma(red, C8);
                p = p.fma(red, C9);
                p = p.fma(red, C10);
                p = p.fma(red, C11);
                p = p.fma(red, C12);
                p = p.fma(red, C13);
                LongVector ki = kd.reinterpretAsLongs().sub(Transcendentals.SHIFT_BITS);
                // k1 = ki >> 1 as in the scalar code, by a logical shift of ki + 2048 (|ki| <= 1076 after
                // the clamp): AVX2 has no 64-bit arithmetic shift, and JDK 17 then runs ASHR in a Java
                // fallback that made the whole kernel about 50 times slower than the scalar loop
                LongVector k1 = ki.add(2048L).lanewise(VectorOperators.LSHR, 1).sub(1024L);
                LongVector k2 = ki.sub(k1);
                DoubleVector s1 =
                        k1.add(1023L).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
                DoubleVector s2 =
                        k2.add(1023L).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
                DoubleVector e = p.mul(s1).mul(s2);
                if (!tanh) {
                    e.intoArray(h, i);
                    continue;
                }
                DoubleVector v = ONE.sub(TWO.div(e.add(1.0)));
                v.intoArray(h, i);
                DoubleVector g = ONE.sub(v.mul(v));
                g.intoArray(d1, i);
                if (d2 != null) {
                    v.mul(-2.0).mul(g).intoArray(d2, i);
                }
            }
        }
    }

    /** Checks the vector kernel against the scalar one before it is trusted. */
    static boolean selfTest() {
        int n = 4 * SPECIES.length() + 3;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = (i - n / 2) * 7.3;
        }
        double[] v = x.clone();
        exp(v, 0, n - 3);
        double[] s = x.clone();
        Transcendentals.scalarExp(s, 0, n - 3);
        return java.util.Arrays.equals(v, s);
    }
}
