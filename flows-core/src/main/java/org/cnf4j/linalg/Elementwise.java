package org.cnf4j.linalg;

/**
 * Elementwise kernels of the network's tangent rows on heap arrays, in Vector API code when
 * {@link KernelSelection} chose it (the JIT did not vectorise these loops itself: they
 * read and write the same array at two offsets) and as scalar loops of the same operations
 * otherwise, bit-identical either way. A block is {@code rows x cols} values, row-major; the
 * tangent blocks of the probes follow the primal block in the same array.
 */
public final class Elementwise {

    private Elementwise() {
    }

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

    static void scalarActivationBackward(double[] g, double[] d1, double[] d2, double[] a, int block, int probes,
            int from) {
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
