package org.cnf4j.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SingleTanhTest {

    @Test
    void theVectorPathIsUsedWhenItsModuleIsPresent() {
        boolean present = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        boolean disabled = "false".equalsIgnoreCase(System.getProperty(Transcendentals.PROPERTY));
        assertEquals(present && !disabled, SingleTanh.vectorized());
    }

    @Test
    void isTheScalarLoopBitForBitAndWithinFloatAccuracyOfMathTanh() {
        SplittableRandom r = new SplittableRandom(4);
        for (int cols : new int[] {64, 16, 5}) {
            int rows = 41;
            float[] a = new float[rows * cols];
            for (int i = 0; i < a.length; i++) {
                double scale = i % 5 == 0 ? 100 : i % 5 == 1 ? 1e-6 : 1;
                a[i] = (float) (r.nextDouble(-6, 6) * scale);
            }
            a[0] = Float.MAX_VALUE;
            a[1] = -Float.MAX_VALUE;
            a[2] = 0f;
            a[3] = Float.NaN;
            a[4] = Float.POSITIVE_INFINITY;
            a[5] = Float.NEGATIVE_INFINITY;
            float[] shift = new float[cols];
            for (int j = 1; j < cols; j++) {
                shift[j] = (float) r.nextDouble(-1, 1);
            }
            float[] h = new float[a.length];
            float[] d1 = new float[a.length];
            SingleTanh.shiftedTanh(a, shift, rows, cols, h, d1);
            float[] hs = new float[a.length];
            float[] d1s = new float[a.length];
            SingleTanh.scalarShiftedTanh(a, shift, rows, cols, hs, d1s);
            for (int i = 0; i < a.length; i++) {
                float x = a[i] + shift[i % cols];
                String at = "cols " + cols + ", tanh(" + x + ")";
                assertEquals(Float.floatToRawIntBits(hs[i]), Float.floatToRawIntBits(h[i]), at);
                assertEquals(Float.floatToRawIntBits(d1s[i]), Float.floatToRawIntBits(d1[i]), at);
                double t = Math.tanh(x);
                assertEquals(t, h[i], 3e-7, at);
                assertEquals(1 - t * t, d1[i], 6e-7, at);
            }
        }
    }
}
