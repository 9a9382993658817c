package org.cnf4j.ode;

import java.nio.DoubleBuffer;
import org.cnf4j.linalg.NativeArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Test problems with Java right-hand sides on the raw buffers (fast, no ND4J op overhead). */
final class Problems {

    private Problems() {}

    /** A right-hand side on plain double arrays. */
    interface Rhs {
        void f(double t, DoubleBuffer y, DoubleBuffer dy, int n);
    }

    static OdeSystem system(Rhs rhs) {
        return (t, y, dydt) -> rhs.f(t, NativeArrays.doubles(y), NativeArrays.doubles(dydt), (int) y.length());
    }

    static INDArray vec(double... v) {
        return Nd4j.createFromArray(v).castTo(DataType.DOUBLE);
    }

    /** y' = -y + sin t, elementwise; exact y(t) = (y0 + 1/2) e^-t + (sin t - cos t) / 2. */
    static final OdeSystem FORCED_DECAY = system((t, y, dy, n) -> {
        double st = Math.sin(t);
        for (int i = 0; i < n; i++) {
            dy.put(i, -y.get(i) + st);
        }
    });

    static double forcedDecayExact(double y0, double t) {
        return (y0 + 0.5) * Math.exp(-t) + (Math.sin(t) - Math.cos(t)) / 2;
    }

    /** Rotation y' = (y1, -y0) per pair; exact: rotation by angle t. */
    static final OdeSystem ROTATION = system((t, y, dy, n) -> {
        for (int i = 0; i < n; i += 2) {
            dy.put(i, y.get(i + 1));
            dy.put(i + 1, -y.get(i));
        }
    });

    /** Van der Pol, mu = 1. */
    static final OdeSystem VAN_DER_POL = system((t, y, dy, n) -> {
        dy.put(0, y.get(1));
        dy.put(1, (1 - y.get(0) * y.get(0)) * y.get(1) - y.get(0));
    });

    /** Lotka-Volterra with a = 1.5, b = 1, c = 3, d = 1. */
    static final OdeSystem LOTKA_VOLTERRA = system((t, y, dy, n) -> {
        dy.put(0, 1.5 * y.get(0) - y.get(0) * y.get(1));
        dy.put(1, -3 * y.get(1) + y.get(0) * y.get(1));
    });

    static final double ARENSTORF_MU = 0.012277471;
    static final double ARENSTORF_PERIOD = 17.0652165601579625588917206249;
    static final double[] ARENSTORF_Y0 = {0.994, 0, 0, -2.00158510637908252240537862224};

    /** The restricted three-body Arenstorf orbit (Hairer, Norsett and Wanner I, II.0). */
    static final OdeSystem ARENSTORF = system((t, y, dy, n) -> {
        double mu = ARENSTORF_MU;
        double mup = 1 - mu;
        double y1 = y.get(0);
        double y2 = y.get(1);
        double y1p = y.get(2);
        double y2p = y.get(3);
        double d1 = Math.pow((y1 + mu) * (y1 + mu) + y2 * y2, 1.5);
        double d2 = Math.pow((y1 - mup) * (y1 - mup) + y2 * y2, 1.5);
        dy.put(0, y1p);
        dy.put(1, y2p);
        dy.put(2, y1 + 2 * y2p - mup * (y1 + mu) / d1 - mu * (y1 - mup) / d2);
        dy.put(3, y2 - 2 * y1p - mup * y2 / d1 - mu * y2 / d2);
    });

    static double maxAbsDiff(INDArray a, INDArray b) {
        return a.castTo(DataType.DOUBLE)
                .sub(b.castTo(DataType.DOUBLE))
                .amaxNumber()
                .doubleValue();
    }
}
