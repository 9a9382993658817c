package org.cnf4j.linalg;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API (incubator) implementations of {@link Elementwise}: the scalar operations lane
 * by lane, the remainder of a run by the scalar loop. Only loaded when the module
 * {@code jdk.incubator.vector} is present.
 */
final class VectorElementwise {

    private static final VectorSpecies<Double> SPECIES = VectorLanes.DOUBLES;
    private static final VectorSpecies<Float> FLOATS = VectorLanes.FLOATS;

    private VectorElementwise() {
    }

    static void multiply(double[] a, int aOff, double[] b, int bOff, double[] out, int outOff, int n) {
        int i = 0;
        int bound = SPECIES.loopBound(n);
        for (; i < bound; i += SPECIES.length()) {
            DoubleVector.fromArray(SPECIES, a, aOff + i).mul(DoubleVector.fromArray(SPECIES, b, bOff + i))
                    .intoArray(out, outOff + i);
        }
        Elementwise.scalarMultiply(a, aOff, b, bOff, out, outOff, n, i);
    }

    static void multiply(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        int i = 0;
        int bound = FLOATS.loopBound(n);
        for (; i < bound; i += FLOATS.length()) {
            FloatVector.fromArray(FLOATS, a, aOff + i).mul(FloatVector.fromArray(FLOATS, b, bOff + i))
                    .intoArray(out, outOff + i);
        }
        Elementwise.scalarMultiply(a, aOff, b, bOff, out, outOff, n, i);
    }

    static void activationBackward(double[] g, double[] d1, double[] d2, double[] a, int block, int probes) {
        int i = 0;
        int bound = SPECIES.loopBound(block);
        for (; i < bound; i += SPECIES.length()) {
            DoubleVector s1 = DoubleVector.fromArray(SPECIES, d1, i);
            DoubleVector s2 = DoubleVector.fromArray(SPECIES, d2, i);
            DoubleVector gi = DoubleVector.fromArray(SPECIES, g, i).mul(s1);
            for (int k = 1; k <= probes; k++) {
                int off = k * block + i;
                DoubleVector gx = DoubleVector.fromArray(SPECIES, g, off);
                gi = gi.add(gx.mul(s2).mul(DoubleVector.fromArray(SPECIES, a, off)));
                gx.mul(s1).intoArray(g, off);
            }
            gi.intoArray(g, i);
        }
        Elementwise.scalarActivationBackward(g, d1, d2, a, block, probes, i);
    }
}
