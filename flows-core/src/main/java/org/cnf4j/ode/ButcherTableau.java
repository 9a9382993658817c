package org.cnf4j.ode;

import java.util.Arrays;

/**
 * The coefficients of an explicit Runge-Kutta method, with the weights of its embedded error
 * estimate when it has one.
 *
 * <pre>
 *   c_0 |
 *   c_1 | a_10
 *   c_2 | a_20 a_21
 *   ... | ...
 *   ----+----------------
 *       | b_0  b_1  ... b_{s-1}        (solution of order p)
 *       | e_0  e_1  ... e_{s-1}        (error weights: b - b_hat, b_hat of order q)
 * </pre>
 *
 * The method is "first same as last" (FSAL) when its last stage is evaluated at
 * {@code (t + h, y_1)}, i.e. {@code c_{s-1} = 1} and the last row of {@code a} equals {@code b};
 * that stage is then the first stage of the next step. Instances are immutable.
 */
public final class ButcherTableau {

    private final double[] c;
    private final double[][] a;
    private final double[] b;
    private final double[] error;
    private final int order;
    private final int errorOrder;
    private final boolean fsal;

    /**
     * @param c nodes, length s, {@code c[0] == 0}
     * @param a strictly lower triangular matrix given by rows: {@code a[i]} has length i
     * @param b solution weights, length s
     * @param error error weights {@code b - b_hat}, length s, or null for a method without an
     *     error estimate
     * @param order order p of the solution
     * @param errorOrder order q of the embedded solution, 0 without one
     */
    public ButcherTableau(double[] c, double[][] a, double[] b, double[] error, int order, int errorOrder) {
        int s = c.length;
        if (s == 0 || b.length != s || a.length != s || (error != null && error.length != s)) {
            throw new IllegalArgumentException("inconsistent tableau sizes");
        }
        for (int i = 0; i < s; i++) {
            if (a[i].length != i) {
                throw new IllegalArgumentException("row " + i + " of a must have " + i + " entries");
            }
        }
        this.c = c.clone();
        this.a = new double[s][];
        for (int i = 0; i < s; i++) {
            this.a[i] = a[i].clone();
        }
        this.b = b.clone();
        this.error = error == null ? null : error.clone();
        this.order = order;
        this.errorOrder = errorOrder;
        this.fsal = s > 1 && c[s - 1] == 1.0 && Arrays.equals(a[s - 1], Arrays.copyOf(b, s - 1)) && b[s - 1] == 0.0;
    }

    /** Number of stages s. */
    public int stages() {
        return c.length;
    }

    /** Node c_i. */
    public double c(int i) {
        return c[i];
    }

    /** Row i of the coefficient matrix (length i); a copy. */
    public double[] a(int i) {
        return a[i].clone();
    }

    double[] aRow(int i) {
        return a[i];
    }

    /** Solution weights; a copy. */
    public double[] b() {
        return b.clone();
    }

    double[] bWeights() {
        return b;
    }

    /** Error weights {@code b - b_hat}; a copy, or null when the method has no error estimate. */
    public double[] error() {
        return error == null ? null : error.clone();
    }

    double[] errorWeights() {
        return error;
    }

    /** Order p of the solution. */
    public int order() {
        return order;
    }

    /** Order q of the embedded solution used for the error estimate; 0 without one. */
    public int errorOrder() {
        return errorOrder;
    }

    /** True when the method carries an embedded error estimate (it can be used adaptively). */
    public boolean isEmbedded() {
        return error != null;
    }

    /** True when the last stage is {@code f(t + h, y_1)}, reused as the next step's first stage. */
    public boolean isFsal() {
        return fsal;
    }
}
