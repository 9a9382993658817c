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

    private VectorElementwise() {}

    static void multiply(double[] a, int aOff, double[] b, int bOff, double[] out, int outOff, int n) {
        int i = 0;
        int bound = SPECIES.loopBound(n);
        for (; i < bound; i += SPECIES.length()) {
            DoubleVector.fromArray(SPECIES, a, aOff + i)
                    .mul(DoubleVector.fromArray(SPECIES, b, bOff + i))
                    .intoArray(out, outOff + i);
        }
        Elementwise.scalarMultiply(a, aOff, b, bOff, out, outOff, n, i);
    }

    static void multiply(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        int i = 0;
        int bound = FLOATS.loopBound(n);
        for (; i < bound; i += FLOATS.length()) {
            FloatVector.fromArray(FLOATS, a, aOff + i)
                    .mul(FloatVector.fromArray(FLOATS, b, bOff + i))
                    .intoArray(out, outOff + i);
        }
        Elementwise.scalarMultiply(a, aOff, b, bOff, out, outOff, n, i);
    }

    static void timesRowTimes(double[] w, int wOff, double[] t, int t0, double scale, int m, int n, double[] out) {
        int bound = SPECIES.loopBound(n);
        for (int r = 0; r < m; r++) {
            double tr = scale * t[t0 + r];
            int row = r * n;
            int j = 0;
            for (; j < bound; j += SPECIES.length()) {
                DoubleVector.fromArray(SPECIES, w, wOff + j).mul(tr).intoArray(out, row + j);
            }
            Elementwise.scalarTimesRowTimes(w, wOff, tr, row, n, out, j);
        }
    }

    static void sigmoidGates(
            double[] gamma,
            double[] bias,
            int bOff,
            double[] h,
            int hOff,
            double[] t,
            int t0,
            int m,
            int n,
            double[] beta) {
        int bound = SPECIES.loopBound(n);
        for (int r = 0; r < m; r++) {
            double tr = t[t0 + r];
            int row = r * n;
            int j = 0;
            for (; j < bound; j += SPECIES.length()) {
                DoubleVector s =
                        DoubleVector.fromArray(SPECIES, gamma, row + j).mul(0.5).add(0.5);
                s.intoArray(gamma, row + j);
                DoubleVector.fromArray(SPECIES, bias, bOff + j)
                        .mul(s)
                        .add(DoubleVector.fromArray(SPECIES, h, hOff + j).mul(tr))
                        .intoArray(beta, row + j);
            }
            Elementwise.scalarSigmoidGates(gamma, bias, bOff, h, hOff, tr, row, n, beta, j);
        }
    }

    static void gateGradientSums(
            double[] g,
            double[] a,
            double[] s,
            double[] bias,
            int bOff,
            double[] t,
            int t0,
            int m,
            int n,
            double[] sumB,
            double[] sumGw,
            double[] sumGb,
            double[] sumH) {
        int lanes = SPECIES.length();
        int j = 0;
        for (; j + lanes <= n; j += lanes) {
            DoubleVector pb = DoubleVector.fromArray(SPECIES, bias, bOff + j);
            DoubleVector b = DoubleVector.fromArray(SPECIES, sumB, j);
            DoubleVector gw = DoubleVector.fromArray(SPECIES, sumGw, j);
            DoubleVector gb = DoubleVector.fromArray(SPECIES, sumGb, j);
            DoubleVector h = DoubleVector.fromArray(SPECIES, sumH, j);
            for (int r = 0, i = j; r < m; r++, i += n) {
                double tr = t[t0 + r];
                DoubleVector sj = DoubleVector.fromArray(SPECIES, s, i);
                DoubleVector gj = DoubleVector.fromArray(SPECIES, g, i);
                // the scalar code's operations, in its order (no fused multiply-adds)
                DoubleVector sBar = gj.mul(DoubleVector.fromArray(SPECIES, a, i).add(pb))
                        .mul(sj)
                        .mul(sj.neg().add(1.0));
                b = b.add(gj.mul(sj));
                gw = gw.add(sBar.mul(tr));
                gb = gb.add(sBar);
                h = h.add(gj.mul(tr));
            }
            b.intoArray(sumB, j);
            gw.intoArray(sumGw, j);
            gb.intoArray(sumGb, j);
            h.intoArray(sumH, j);
        }
        Elementwise.scalarGateGradientSums(g, a, s, bias, bOff, t, t0, m, n, sumB, sumGw, sumGb, sumH, j);
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

    static void tanhBackward(float[] g, float[] d1, float[] h, float[] a, int block, int probes) {
        int i = 0;
        int bound = FLOATS.loopBound(block);
        for (; i < bound; i += FLOATS.length()) {
            FloatVector s1 = FloatVector.fromArray(FLOATS, d1, i);
            FloatVector s2 = FloatVector.fromArray(FLOATS, h, i).mul(-2f).mul(s1);
            FloatVector gi = FloatVector.fromArray(FLOATS, g, i).mul(s1);
            for (int k = 1; k <= probes; k++) {
                int off = k * block + i;
                FloatVector gx = FloatVector.fromArray(FLOATS, g, off);
                gi = gi.add(gx.mul(s2).mul(FloatVector.fromArray(FLOATS, a, off)));
                gx.mul(s1).intoArray(g, off);
            }
            gi.intoArray(g, i);
        }
        Elementwise.scalarTanhBackward(g, d1, h, a, block, probes, i);
    }
}
