package org.cnf4j.linalg;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API (incubator) implementation of {@link SingleTanh}: the same operations as its
 * scalar loop, lane by lane (8 float lanes with AVX2, 16 with AVX-512). Only loaded when the
 * module {@code jdk.incubator.vector} is present.
 */
final class VectorSingleTanh {

    private static final VectorSpecies<Float> SPECIES = VectorLanes.FLOATS;
    private static final FloatVector ONE = FloatVector.broadcast(SPECIES, 1f);
    private static final FloatVector TWO = FloatVector.broadcast(SPECIES, 2f);
    private static final FloatVector LOW = FloatVector.broadcast(SPECIES, -SingleTanh.BOUND);
    private static final FloatVector HIGH = FloatVector.broadcast(SPECIES, SingleTanh.BOUND);
    private static final FloatVector LN2_HI = FloatVector.broadcast(SPECIES, SingleTanh.LN2_HI);
    private static final FloatVector LN2_LO = FloatVector.broadcast(SPECIES, SingleTanh.LN2_LO);
    // one constant each: JDK 17 does not intrinsify a loop over an array of vectors
    private static final FloatVector C0 = FloatVector.broadcast(SPECIES, SingleTanh.POLY[0]);
    private static final FloatVector C1 = FloatVector.broadcast(SPECIES, SingleTanh.POLY[1]);
    private static final FloatVector C2 = FloatVector.broadcast(SPECIES, SingleTanh.POLY[2]);
    private static final FloatVector C3 = FloatVector.broadcast(SPECIES, SingleTanh.POLY[3]);
    private static final FloatVector C4 = FloatVector.broadcast(SPECIES, SingleTanh.POLY[4]);
    private static final FloatVector C5 = FloatVector.broadcast(SPECIES, SingleTanh.POLY[5]);
    private static final FloatVector C6 = FloatVector.broadcast(SPECIES, SingleTanh.POLY[6]);
    private static final FloatVector C7 = FloatVector.broadcast(SPECIES, SingleTanh.POLY[7]);

    private VectorSingleTanh() {}

    /** True when rows of {@code cols} values split into whole vectors. */
    static boolean fitsLanes(int cols) {
        return cols % SPECIES.length() == 0;
    }

    /**
     * {@link SingleTanh#shiftedTanh} a vector at a time; cols must be a multiple of the lane count.
     * The exp is written out in the loop on purpose: a method taking or returning vectors that the
     * JIT does not inline boxes every vector crossing the call (see VectorTranscendentals).
     */
    static void shiftedTanh(float[] a, float[] shift, int rows, int cols, float[] h, float[] d1) {
        int lanes = SPECIES.length();
        for (int j = 0; j < cols; j += lanes) {
            FloatVector sh = FloatVector.fromArray(SPECIES, shift, j);
            for (int r = 0, i = j; r < rows; r++, i += cols) {
                FloatVector x = FloatVector.fromArray(SPECIES, a, i).add(sh).mul(2f);
                // SingleTanh.exp; the clamp of the scalar code as compare and blend (NaN compares false
                // and passes through): max and min with Java's NaN and signed-zero rules compile to
                // about 5 instructions each
                FloatVector c = x.blend(HIGH, x.compare(VectorOperators.GT, HIGH))
                        .blend(LOW, x.compare(VectorOperators.LT, LOW));
                FloatVector kd = c.mul(SingleTanh.LOG2E).add(SingleTanh.SHIFT);
                FloatVector mk = kd.sub(SingleTanh.SHIFT).neg();
                FloatVector red = mk.fma(LN2_HI, c);
                red = mk.fma(LN2_LO, red);
                FloatVector p = C0;
                p = p.fma(red, C1);
                p = p.fma(red, C2);
                p = p.fma(red, C3);
                p = p.fma(red, C4);
                p = p.fma(red, C5);
                p = p.fma(red, C6);
                p = p.fma(red, C7);
                IntVector k = kd.reinterpretAsInts().sub(SingleTanh.SHIFT_BITS - 127);
                FloatVector e = p.mul(k.lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
                FloatVector v = ONE.sub(TWO.div(e.add(1f)));
                v.intoArray(h, i);
                ONE.sub(v.mul(v)).intoArray(d1, i);
            }
        }
    }

    /** Checks the vector kernel against the scalar loop before it is trusted. */
    static boolean selfTest() {
        int cols = SPECIES.length();
        int rows = 5;
        float[] a = new float[rows * cols];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i - a.length / 2) * 0.7f;
        }
        float[] shift = new float[cols];
        float[] h = new float[a.length];
        float[] d1 = new float[a.length];
        shiftedTanh(a, shift, rows, cols, h, d1);
        float[] hs = new float[a.length];
        float[] d1s = new float[a.length];
        SingleTanh.scalarShiftedTanh(a, shift, rows, cols, hs, d1s);
        return java.util.Arrays.equals(h, hs) && java.util.Arrays.equals(d1, d1s);
    }
}
