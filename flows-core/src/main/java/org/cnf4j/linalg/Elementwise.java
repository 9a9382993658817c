package org.cnf4j.linalg;

/**
 * Elementwise kernels of the network's tangent rows on heap arrays, in Vector API code when
 * {@link KernelSelection} chose it (the JIT did not vectorise these loops itself: they
 * read and write the same array at two offsets) and as scalar loops of the same operations
 * otherwise, bit-identical either way. A block is {@code rows x cols} values, row-major; the
 * tangent blocks of the probes follow the primal block in the same array.
 */
public final class Elementwise {

    private Elementwise() {}

    /** {@code out[outOff + i] = a[aOff + i] * b[bOff + i]} for i in [0, n). */
    public static void multiply(double[] a, int aOff, double[] b, int bOff, double[] out, int outOff, int n) {
        if (KernelSelection.vector(KernelFamily.ELEMENTWISE_DOUBLE)) {
            VectorElementwise.multiply(a, aOff, b, bOff, out, outOff, n);
            return;
        }
        scalarMultiply(a, aOff, b, bOff, out, outOff, n, 0);
    }

    static void scalarMultiply(double[] a, int aOff, double[] b, int bOff, double[] out, int outOff, int n, int from) {
        for (int i = from; i < n; i++) {
            out[outOff + i] = a[aOff + i] * b[bOff + i];
        }
    }

    /** The float form of {@link #multiply(double[], int, double[], int, double[], int, int)}. */
    public static void multiply(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        if (KernelSelection.vector(KernelFamily.ELEMENTWISE_FLOAT)) {
            VectorElementwise.multiply(a, aOff, b, bOff, out, outOff, n);
            return;
        }
        scalarMultiply(a, aOff, b, bOff, out, outOff, n, 0);
    }

    static void scalarMultiply(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n, int from) {
        for (int i = from; i < n; i++) {
            out[outOff + i] = a[aOff + i] * b[bOff + i];
        }
    }

    /**
     * {@code out[r n + j] = w[wOff + j] * (scale * t[t0 + r])} for rows r &lt; m and columns j &lt; n: a
     * per-column weight times each row's scaled time.
     */
    public static void timesRowTimes(
            double[] w, int wOff, double[] t, int t0, double scale, int m, int n, double[] out) {
        if (KernelSelection.vector(KernelFamily.ELEMENTWISE_DOUBLE)) {
            VectorElementwise.timesRowTimes(w, wOff, t, t0, scale, m, n, out);
            return;
        }
        for (int r = 0; r < m; r++) {
            scalarTimesRowTimes(w, wOff, scale * t[t0 + r], r * n, n, out, 0);
        }
    }

    /** Columns [from, n) of one row of {@link #timesRowTimes}, at {@code tr} = scale * t, from {@code row}. */
    static void scalarTimesRowTimes(double[] w, int wOff, double tr, int row, int n, double[] out, int from) {
        for (int j = from; j < n; j++) {
            out[row + j] = w[wOff + j] * tr;
        }
    }

    /**
     * Concatsquash gates from tanh values, rows r &lt; m of [m, n] blocks: {@code gamma = 0.5 + 0.5
     * gamma} (a sigmoid from the tanh of half its argument), then {@code beta = bias[bOff + j] gamma
     * + h[hOff + j] t[t0 + r]}.
     */
    public static void sigmoidGates(
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
        if (KernelSelection.vector(KernelFamily.ELEMENTWISE_DOUBLE)) {
            VectorElementwise.sigmoidGates(gamma, bias, bOff, h, hOff, t, t0, m, n, beta);
            return;
        }
        for (int r = 0; r < m; r++) {
            scalarSigmoidGates(gamma, bias, bOff, h, hOff, t[t0 + r], r * n, n, beta, 0);
        }
    }

    /** Columns [from, n) of one row of {@link #sigmoidGates}, at time {@code tr}, from {@code row}. */
    static void scalarSigmoidGates(
            double[] gamma,
            double[] bias,
            int bOff,
            double[] h,
            int hOff,
            double tr,
            int row,
            int n,
            double[] beta,
            int from) {
        for (int j = from; j < n; j++) {
            double s = 0.5 + 0.5 * gamma[row + j];
            gamma[row + j] = s;
            beta[row + j] = bias[bOff + j] * s + h[hOff + j] * tr;
        }
    }

    /**
     * The column sums of a concatsquash layer's gradients with a time per row ({@code out = (a +
     * bias) s + h t}): for rows r = 0 .. m - 1 of the [m, n] blocks g (dS/d out), a (x W) and s
     * (the gates), time {@code t[t0 + r]} and {@code bias[bOff + j]}, with {@code sBar = g (a + bias)
     * s (1 - s)}: {@code sumB[j] += g s}, {@code sumGw[j] += sBar t}, {@code sumGb[j] += sBar},
     * {@code sumH[j] += g t}, the rows added in order.
     */
    public static void gateGradientSums(
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
        if (KernelSelection.vector(KernelFamily.ELEMENTWISE_DOUBLE)) {
            VectorElementwise.gateGradientSums(g, a, s, bias, bOff, t, t0, m, n, sumB, sumGw, sumGb, sumH);
            return;
        }
        scalarGateGradientSums(g, a, s, bias, bOff, t, t0, m, n, sumB, sumGw, sumGb, sumH, 0);
    }

    /** Columns [from, n) of {@link #gateGradientSums}. */
    static void scalarGateGradientSums(
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
            double[] sumH,
            int from) {
        for (int j = from; j < n; j++) {
            double pb = bias[bOff + j];
            double b = sumB[j];
            double gw = sumGw[j];
            double gb = sumGb[j];
            double h = sumH[j];
            for (int r = 0, i = j; r < m; r++, i += n) {
                double tr = t[t0 + r];
                double sj = s[i];
                double gj = g[i];
                double sBar = gj * (a[i] + pb) * sj * (1 - sj);
                b += gj * sj;
                gw += sBar * tr;
                gb += sBar;
                h += gj * tr;
            }
            sumB[j] = b;
            sumGw[j] = gw;
            sumGb[j] = gb;
            sumH[j] = h;
        }
    }

    /**
     * The backward pass through x = sigma(a) and its tangents xdot_k = sigma'(a) adot_k, in place:
     * g holds dS/dx in its first {@code block} values and dS/dxdot_k in block k (1-based) after
     * them; on return it holds dS/da and dS/dadot_k. Per element: g *= d1, then for each probe
     * g += g_k * d2 * adot_k and g_k *= d1, with d1 = sigma'(a), d2 = sigma''(a) and adot the
     * tangent blocks of {@code a}.
     */
    public static void activationBackward(double[] g, double[] d1, double[] d2, double[] a, int block, int probes) {
        if (KernelSelection.vector(KernelFamily.ELEMENTWISE_DOUBLE)) {
            VectorElementwise.activationBackward(g, d1, d2, a, block, probes);
            return;
        }
        scalarActivationBackward(g, d1, d2, a, block, probes, 0);
    }

    /**
     * The float backward step through tanh of a stacked block, in place: primal cotangents
     * {@code g[i] = g[i] d1[i] + sum_k g[k block + i] d2[i] a[k block + i]}, tangent cotangents
     * {@code g[k block + i] *= d1[i]}, with tanh' = d1 and tanh'' = d2 = (-2 h) d1 from the forward
     * pass's tanh h (primal rows); a holds the tangent rows' pre-activations. [(1 + probes) * block]
     * arrays, block = batch * width.
     */
    public static void tanhBackward(float[] g, float[] d1, float[] h, float[] a, int block, int probes) {
        if (KernelSelection.vector(KernelFamily.ELEMENTWISE_FLOAT)) {
            VectorElementwise.tanhBackward(g, d1, h, a, block, probes);
            return;
        }
        scalarTanhBackward(g, d1, h, a, block, probes, 0);
    }

    static void scalarTanhBackward(float[] g, float[] d1, float[] h, float[] a, int block, int probes, int from) {
        for (int i = from; i < block; i++) {
            float s1 = d1[i];
            float s2 = -2f * h[i] * s1;
            float gi = g[i] * s1;
            for (int k = 1; k <= probes; k++) {
                int off = k * block;
                float gx = g[off + i];
                gi = gi + gx * s2 * a[off + i];
                g[off + i] = gx * s1;
            }
            g[i] = gi;
        }
    }

    static void scalarActivationBackward(
            double[] g, double[] d1, double[] d2, double[] a, int block, int probes, int from) {
        for (int i = from; i < block; i++) {
            double gi = g[i] * d1[i];
            for (int k = 1; k <= probes; k++) {
                int off = k * block;
                double gx = g[off + i];
                gi = gi + gx * d2[i] * a[off + i];
                g[off + i] = gx * d1[i];
            }
            g[i] = gi;
        }
    }
}
