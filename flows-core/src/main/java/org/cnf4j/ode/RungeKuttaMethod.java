package org.cnf4j.ode;

import java.util.Locale;

/**
 * The explicit Runge-Kutta methods of the toolkit: each is a {@link ButcherTableau} plus its
 * {@link DenseOutput}. Names follow torchdiffeq ({@code "euler"}, {@code "midpoint"},
 * {@code "heun"}, {@code "rk4"}, {@code "bosh3"}, {@code "dopri5"}, {@code "tsit5"}).
 */
public enum RungeKuttaMethod {

    /** Forward Euler, order 1, fixed step only. */
    EULER(
            "euler",
            new ButcherTableau(new double[] {0}, new double[][] {{}}, new double[] {1}, null, 1, 0),
            DenseOutput.HERMITE),

    /** Explicit midpoint, order 2, fixed step only. */
    MIDPOINT(
            "midpoint",
            new ButcherTableau(new double[] {0, 0.5}, new double[][] {{}, {0.5}}, new double[] {0, 1}, null, 2, 0),
            DenseOutput.HERMITE),

    /** Heun's method (the explicit trapezoid rule), order 2, fixed step only. */
    HEUN(
            "heun",
            new ButcherTableau(new double[] {0, 1}, new double[][] {{}, {1}}, new double[] {0.5, 0.5}, null, 2, 0),
            DenseOutput.HERMITE),

    /** The classic fourth-order Runge-Kutta method, fixed step only. */
    RK4(
            "rk4",
            new ButcherTableau(
                    new double[] {0, 0.5, 0.5, 1},
                    new double[][] {{}, {0.5}, {0, 0.5}, {0, 0, 1}},
                    new double[] {1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6},
                    null,
                    4,
                    0),
            DenseOutput.HERMITE),

    /**
     * Bogacki-Shampine 3(2), FSAL (Bogacki and Shampine 1989, "A 3(2) pair of Runge-Kutta
     * formulas"); Hermite dense output.
     */
    BOSH3(
            "bosh3",
            new ButcherTableau(
                    new double[] {0, 0.5, 0.75, 1},
                    new double[][] {{}, {0.5}, {0, 0.75}, {2.0 / 9, 1.0 / 3, 4.0 / 9}},
                    new double[] {2.0 / 9, 1.0 / 3, 4.0 / 9, 0},
                    new double[] {2.0 / 9 - 7.0 / 24, 1.0 / 3 - 1.0 / 4, 4.0 / 9 - 1.0 / 3, -1.0 / 8},
                    3,
                    2),
            DenseOutput.HERMITE),

    /**
     * Dormand-Prince 5(4), FSAL (Dormand and Prince 1980), the default ("dopri5"); dense output
     * of order 4 from Hairer, Norsett and Wanner's DOPRI5 code (contd5).
     */
    DOPRI5(
            "dopri5",
            new ButcherTableau(
                    new double[] {0, 0.2, 0.3, 0.8, 8.0 / 9, 1, 1},
                    new double[][] {
                        {},
                        {0.2},
                        {3.0 / 40, 9.0 / 40},
                        {44.0 / 45, -56.0 / 15, 32.0 / 9},
                        {19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729},
                        {9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656},
                        {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84}
                    },
                    new double[] {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0},
                    new double[] {71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200, 22.0 / 525, -1.0 / 40
                    },
                    5,
                    4),
            RungeKuttaMethod::dopri5Dense),

    /**
     * Tsitouras 5(4), FSAL (Tsitouras 2011, "Runge-Kutta pairs of order 5(4) satisfying only the
     * first column simplifying assumption"), with its own fourth-order interpolant.
     */
    TSIT5(
            "tsit5",
            new ButcherTableau(
                    new double[] {0, 0.161, 0.327, 0.9, 0.9800255409045097, 1, 1},
                    new double[][] {
                        {},
                        {0.161},
                        {-0.008480655492356989, 0.335480655492357},
                        {2.897153057105493, -6.359448489975075, 4.3622954328695815},
                        {5.325864828439257, -11.748883564062828, 7.4955393428898365, -0.09249506636175525},
                        {
                            5.86145544294642,
                            -12.92096931784711,
                            8.159367898576159,
                            -0.071584973281401,
                            -0.028269050394068383
                        },
                        {
                            0.09646076681806523,
                            0.01,
                            0.4798896504144996,
                            1.379008574103742,
                            -3.290069515436081,
                            2.324710524099774
                        }
                    },
                    new double[] {
                        0.09646076681806523,
                        0.01,
                        0.4798896504144996,
                        1.379008574103742,
                        -3.290069515436081,
                        2.324710524099774,
                        0
                    },
                    new double[] {
                        0.00178001105222577714,
                        0.0008164344596567469,
                        -0.007880878010261995,
                        0.1447110071732629,
                        -0.5823571654525552,
                        0.45808210592918697,
                        -1.0 / 66
                    },
                    5,
                    4),
            RungeKuttaMethod::tsit5Dense);

    private static final double[] DOPRI5_D = {
        -12715105075.0 / 11282082432.0,
        0,
        87487479700.0 / 32700410799.0,
        -10690763975.0 / 1880347072.0,
        701980252875.0 / 199316789632.0,
        -1453857185.0 / 822651844.0,
        69997945.0 / 29380423.0
    };

    private final String id;
    private final ButcherTableau tableau;
    private final DenseOutput denseOutput;

    RungeKuttaMethod(String id, ButcherTableau tableau, DenseOutput denseOutput) {
        this.id = id;
        this.tableau = tableau;
        this.denseOutput = denseOutput;
    }

    /** The method's short name, as accepted by {@link #byName(String)}. */
    public String id() {
        return id;
    }

    /** Its Butcher tableau. */
    public ButcherTableau tableau() {
        return tableau;
    }

    /** Its continuous extension. */
    public DenseOutput denseOutput() {
        return denseOutput;
    }

    /** Order of the solution. */
    public int order() {
        return tableau.order();
    }

    /** True when the method has an error estimate and can adapt its step size. */
    public boolean isAdaptive() {
        return tableau.isEmbedded();
    }

    /** The method with the given short name (case-insensitive). */
    public static RungeKuttaMethod byName(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        for (RungeKuttaMethod m : values()) {
            if (m.id.equals(key)) {
                return m;
            }
        }
        throw new IllegalArgumentException(
                "unknown solver '" + name + "'; expected one of euler, midpoint, heun, rk4, bosh3, dopri5, tsit5");
    }

    @Override
    public String toString() {
        return id;
    }

    /**
     * Hairer's contd5: y(theta) = y0 + theta*r2 + theta(1-theta)*r3 + theta^2(1-theta)*r4
     * + theta^2(1-theta)^2*r5 with r2 = y1 - y0, r3 = h k1 - r2, r4 = r2 - h k7 - r3 and
     * r5 = h sum d_i k_i, written as weights on the stages.
     */
    private static void dopri5Dense(double theta, ButcherTableau t, double[] w) {
        double[] b = t.bWeights();
        double p1 = theta;
        double p2 = theta * (1 - theta);
        double p3 = theta * theta * (1 - theta);
        double p4 = p3 * (1 - theta);
        for (int i = 0; i < 7; i++) {
            w[i] = p1 * b[i] - p2 * b[i] + 2 * p3 * b[i] + p4 * DOPRI5_D[i];
        }
        w[0] += p2 - p3;
        w[6] -= p3;
    }

    /** Tsitouras' interpolation polynomials b_i(theta), y(theta) = y0 + h sum b_i(theta) k_i. */
    private static void tsit5Dense(double th, ButcherTableau t, double[] w) {
        double t2 = th * th;
        w[0] = -1.0530884977290216
                * th
                * (th - 1.3299890189751412)
                * (t2 - 1.4364028541716351 * th + 0.7139816917074209);
        w[1] = 0.1017 * t2 * (t2 - 2.1966568338249754 * th + 1.2949852507374631);
        w[2] = 2.490627285651252793 * t2 * (t2 - 2.38535645472061657 * th + 1.57803468208092486);
        w[3] = -16.54810288924490272 * (th - 1.21712927295533244) * (th - 0.61620406037800089) * t2;
        w[4] = 47.37952196281928122 * (th - 1.203071208372362603) * (th - 0.658047292653547382) * t2;
        w[5] = -34.87065786149660974 * (th - 1.2) * (th - 0.666666666666666667) * t2;
        w[6] = 2.5 * (th - 1) * (th - 0.6) * t2;
    }
}
