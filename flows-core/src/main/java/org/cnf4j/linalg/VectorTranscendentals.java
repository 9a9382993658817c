package org.cnf4j.linalg;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API (incubator) implementation of {@link Transcendentals}. Only loaded when the
 * module {@code jdk.incubator.vector} is present.
 */
final class VectorTranscendentals {

    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;

    private VectorTranscendentals() {
    }

    static void exp(double[] x, int from, int to) {
        int i = from;
        int bound = from + SPECIES.loopBound(to - from);
        for (; i < bound; i += SPECIES.length()) {
            DoubleVector.fromArray(SPECIES, x, i).lanewise(VectorOperators.EXP).intoArray(x, i);
        }
        for (; i < to; i++) {
            x[i] = Math.exp(x[i]);
        }
    }

    static void log1p(double[] x, int from, int to) {
        int i = from;
        int bound = from + SPECIES.loopBound(to - from);
        for (; i < bound; i += SPECIES.length()) {
            DoubleVector.fromArray(SPECIES, x, i).lanewise(VectorOperators.LOG1P).intoArray(x, i);
        }
        for (; i < to; i++) {
            x[i] = Math.log1p(x[i]);
        }
    }

    /** Checks the vector kernels against Math on a few values before they are trusted. */
    static boolean selfTest() {
        int n = 4 * SPECIES.length() + 3;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = (i - n / 2) * 0.37;
            y[i] = Math.abs(x[i]);
        }
        double[] ex = x.clone();
        exp(ex, 0, n);
        double[] ly = y.clone();
        log1p(ly, 0, n);
        for (int i = 0; i < n; i++) {
            if (Math.abs(ex[i] - Math.exp(x[i])) > 1e-14 * Math.exp(x[i])
                    || Math.abs(ly[i] - Math.log1p(y[i])) > 1e-14 * Math.max(1e-300, Math.log1p(y[i]))) {
                return false;
            }
        }
        return true;
    }
}
