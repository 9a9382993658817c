package org.cnf4j.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TranscendentalsTest {

    @Test
    void theVectorPathIsUsedWhenItsModuleIsPresent() {
        boolean present = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        boolean disabled = "false".equalsIgnoreCase(System.getProperty(Transcendentals.PROPERTY));
        assertEquals(present && !disabled, Transcendentals.vectorized());
    }

    @Test
    void theVectorAndScalarPathsAgreeBitForBit() {
        SplittableRandom r = new SplittableRandom(2);
        double[] x = new double[4099];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextDouble(-800, 800) * (i % 3 == 0 ? 0.01 : 1);
        }
        double[] a = x.clone();
        Transcendentals.exp(a, 0, a.length);
        double[] b = x.clone();
        Transcendentals.scalarExp(b, 0, b.length);
        for (int i = 0; i < x.length; i++) {
            assertEquals(Double.doubleToRawLongBits(b[i]), Double.doubleToRawLongBits(a[i]), "exp(" + x[i] + ")");
        }
    }

    @Test
    void shiftedTanhIsTheScalarLoopBitForBitAndMatchesMathTanh() {
        SplittableRandom r = new SplittableRandom(3);
        for (int cols : new int[] {64, 16, 5}) {
            int rows = 37;
            double[] a = new double[rows * cols];
            for (int i = 0; i < a.length; i++) {
                a[i] = r.nextDouble(-6, 6) * (i % 4 == 0 ? 100 : 1);
            }
            double[] shift = new double[cols];
            for (int j = 0; j < cols; j++) {
                shift[j] = r.nextDouble(-1, 1);
            }
            double[] h = new double[a.length];
            double[] d1 = new double[a.length];
            double[] d2 = new double[a.length];
            Transcendentals.shiftedTanh(a, shift, rows, cols, h, d1, d2);
            double[] hs = new double[a.length];
            double[] d1s = new double[a.length];
            double[] d2s = new double[a.length];
            Transcendentals.scalarShiftedTanh(a, shift, rows, cols, hs, d1s, d2s);
            for (int i = 0; i < a.length; i++) {
                double x = a[i] + shift[i % cols];
                String at = "cols " + cols + ", tanh(" + x + ")";
                assertEquals(Double.doubleToRawLongBits(hs[i]), Double.doubleToRawLongBits(h[i]), at);
                assertEquals(Double.doubleToRawLongBits(d1s[i]), Double.doubleToRawLongBits(d1[i]), at);
                assertEquals(Double.doubleToRawLongBits(d2s[i]), Double.doubleToRawLongBits(d2[i]), at);
                double t = Math.tanh(x);
                assertEquals(t, h[i], 4e-16, at);
                assertEquals(1 - t * t, d1[i], 1e-15, at);
                assertEquals(-2 * t * (1 - t * t), d2[i], 2e-15, at);
            }
        }
    }

    @Test
    void expAndLog1pMatchMathToAnUlpOrTwoIncludingTheEdges() {
        SplittableRandom r = new SplittableRandom(1);
        double[] x = new double[1003];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextDouble(-50, 50);
        }
        double[] special = {0, -0.0, 1e-300, -745.2, -800, 709.7, 710, Double.NaN, Double.NEGATIVE_INFINITY};
        System.arraycopy(special, 0, x, 10, special.length);
        double[] e = x.clone();
        Transcendentals.exp(e, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            double want = Math.exp(x[i]);
            if (Double.isNaN(want) || Double.isInfinite(want) || want == 0) {
                assertEquals(want, e[i], 0.0, "exp(" + x[i] + ")");
            } else {
                assertEquals(want, e[i], 2 * Math.ulp(want), "exp(" + x[i] + ")");
            }
        }
        double[] y = new double[x.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = Math.abs(x[i]) * 1e-3;
        }
        double[] l = y.clone();
        Transcendentals.log1p(l, 3, y.length - 3);
        for (int i = 0; i < y.length; i++) {
            double want = (i < 3 || i >= y.length - 3) ? y[i] : Math.log1p(y[i]);
            double tolerance = Double.isFinite(want) ? 4 * Math.ulp(want) + 1e-300 : 0.0;
            assertEquals(want, l[i], tolerance, "log1p(" + y[i] + ")");
        }
        assertTrue(x.length % 8 != 0, "a length that exercises the scalar tail");
    }
}
