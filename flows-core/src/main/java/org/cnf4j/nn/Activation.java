package org.cnf4j.nn;

import java.util.Locale;
import org.cnf4j.linalg.Transcendentals;

/**
 * Activations between the layers of a dynamics network, with closed-form first and second
 * derivatives (the second is needed by the adjoint of the trace). Names as in FFJORD's
 * {@code --nonlinearity}.
 */
public enum Activation {

    /** tanh(a); tanh' = 1 - h^2, tanh'' = -2 h (1 - h^2). FFJORD's default. */
    TANH,
    /** log(1 + e^a); derivative sigmoid(a), second sigmoid(a)(1 - sigmoid(a)). */
    SOFTPLUS,
    /** a for a > 0, e^a - 1 otherwise (alpha = 1); derivatives 1 / e^a and 0 / e^a. */
    ELU,
    /** a sigmoid(a) (swish with beta = 1, also called SiLU). */
    SWISH;

    /** The activation of that name (tanh, softplus, elu, swish), case-insensitive. */
    public static Activation byName(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "unknown activation '" + name + "'; expected tanh, softplus, elu or swish");
        }
    }

    /** Lower-case name. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** sigma(a). */
    public double value(double a) {
        switch (this) {
            case TANH:
                return tanh(a);
            case SOFTPLUS:
                return softplus(a);
            case ELU:
                return a > 0 ? a : Math.expm1(a);
            default:
                return a * sigmoid(a);
        }
    }

    /** sigma'(a). */
    public double derivative(double a) {
        switch (this) {
            case TANH: {
                double h = tanh(a);
                return 1 - h * h;
            }
            case SOFTPLUS:
                return sigmoid(a);
            case ELU:
                return a > 0 ? 1 : Math.exp(a);
            default: {
                double s = sigmoid(a);
                return s * (1 + a * (1 - s));
            }
        }
    }

    /** sigma''(a). */
    public double secondDerivative(double a) {
        switch (this) {
            case TANH: {
                double h = tanh(a);
                return -2 * h * (1 - h * h);
            }
            case SOFTPLUS: {
                double s = sigmoid(a);
                return s * (1 - s);
            }
            case ELU:
                return a > 0 ? 0 : Math.exp(a);
            default: {
                double s = sigmoid(a);
                return s * (1 - s) * (2 + a * (1 - 2 * s));
            }
        }
    }

    /**
     * For a block of {@code rows x cols} pre-activations {@code a} (row-major from index 0) plus a
     * per-column shift, writes {@code h = sigma(a + shift)}, {@code d1 = sigma'} and, when
     * {@code d2} is not null, {@code d2 = sigma''}. Works on heap arrays (which the JIT vectorises;
     * loops over direct buffers ran about 20 times slower), with the exponentials batched through
     * {@link Transcendentals}. h, d1 and d2 must be distinct from a.
     */
    void apply(double[] a, double[] shift, int rows, int cols, double[] h, double[] d1, double[] d2) {
        switch (this) {
            case TANH:
                Transcendentals.shiftedTanh(a, shift, rows, cols, h, d1, d2);
                break;
            case SOFTPLUS:
                softplusBlock(a, shift, rows, cols, h, d1, d2);
                break;
            case ELU:
                eluBlock(a, shift, rows, cols, h, d1, d2);
                break;
            default:
                swishBlock(a, shift, rows, cols, h, d1, d2);
                break;
        }
    }

    /** Writes x = a + shift (per column) into out. */
    private static void shifted(double[] a, double[] shift, int rows, int cols, double[] out) {
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            for (int j = 0; j < cols; j++) {
                out[base + j] = a[base + j] + shift[j];
            }
        }
    }

    /**
     * sigmoid(x) into s with x = a + shift, via e = exp(-|x|): s = 1/(1+e) for x >= 0 and
     * e/(1+e) below (no overflow); leaves e in {@code e}.
     */
    private static void sigmoidBlock(double[] a, double[] shift, int rows, int cols, double[] s, double[] e) {
        int n = rows * cols;
        shifted(a, shift, rows, cols, s);
        for (int i = 0; i < n; i++) {
            e[i] = -Math.abs(s[i]);
        }
        Transcendentals.exp(e, 0, n);
        for (int i = 0; i < n; i++) {
            double x = s[i];
            double inv = 1.0 / (1.0 + e[i]);
            s[i] = x >= 0 ? inv : e[i] * inv;
        }
    }

    private static void softplusBlock(
            double[] a, double[] shift, int rows, int cols, double[] h, double[] d1, double[] d2) {
        int n = rows * cols;
        sigmoidBlock(a, shift, rows, cols, d1, h);
        if (d2 != null) {
            for (int i = 0; i < n; i++) {
                d2[i] = d1[i] * (1 - d1[i]);
            }
        }
        // softplus(x) = max(x, 0) + log1p(exp(-|x|)); h holds exp(-|x|)
        Transcendentals.log1p(h, 0, n);
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            for (int j = 0; j < cols; j++) {
                h[base + j] += Math.max(a[base + j] + shift[j], 0.0);
            }
        }
    }

    private static void eluBlock(double[] a, double[] shift, int rows, int cols, double[] h, double[] d1, double[] d2) {
        int n = rows * cols;
        shifted(a, shift, rows, cols, d1);
        for (int i = 0; i < n; i++) {
            h[i] = Math.min(d1[i], 0.0);
        }
        Transcendentals.exp(h, 0, n);
        for (int i = 0; i < n; i++) {
            double x = d1[i];
            double e = h[i];
            h[i] = x > 0 ? x : e - 1.0;
            d1[i] = x > 0 ? 1.0 : e;
            if (d2 != null) {
                d2[i] = x > 0 ? 0.0 : e;
            }
        }
    }

    private static void swishBlock(
            double[] a, double[] shift, int rows, int cols, double[] h, double[] d1, double[] d2) {
        int n = rows * cols;
        sigmoidBlock(a, shift, rows, cols, d1, h);
        shifted(a, shift, rows, cols, h);
        for (int i = 0; i < n; i++) {
            double x = h[i];
            double s = d1[i];
            h[i] = x * s;
            d1[i] = s * (1 + x * (1 - s));
            if (d2 != null) {
                d2[i] = s * (1 - s) * (2 + x * (1 - 2 * s));
            }
        }
    }

    /** tanh as 1 - 2 / (e^{2a} + 1): 2.5x faster than Math.tanh here and exact to about 3e-16. */
    static double tanh(double a) {
        return 1.0 - 2.0 / (Math.exp(2.0 * a) + 1.0);
    }

    static double sigmoid(double a) {
        if (a >= 0) {
            return 1.0 / (1.0 + Math.exp(-a));
        }
        double e = Math.exp(a);
        return e / (1.0 + e);
    }

    static double softplus(double a) {
        return a > 0 ? a + Math.log1p(Math.exp(-a)) : Math.log1p(Math.exp(a));
    }
}
