package org.cnf4j.nn;

import java.util.List;

/**
 * The part of one network layer that depends on its {@link LayerType}: where its tensors lie in
 * the flat parameter array, how they are initialised, the per-output gate gamma(t) and shift
 * beta(t) of {@code out = (x W) * gamma(t) + beta(t)}, and the gradients of the time-dependent
 * parameters. The matrix products and activations are the driver's ({@link MlpDynamics}).
 *
 * <p>W [in, out] starts at {@link #weight()}; the type's [out] vectors follow it.
 */
abstract sealed class Layer permits ConcatSquashLayer, ConcatLayer, IgnoreLayer {

    final int in;
    final int out;
    final int offset;

    Layer(int in, int out, int offset) {
        this.in = in;
        this.out = out;
        this.offset = offset;
    }

    /** The layer of a type from {@code in} to {@code out} units whose W starts at {@code offset}. */
    static Layer of(LayerType type, int in, int out, long offset) {
        switch (type) {
            case CONCAT_SQUASH:
                return new ConcatSquashLayer(in, out, (int) offset);
            case CONCAT:
                return new ConcatLayer(in, out, (int) offset);
            default:
                return new IgnoreLayer(in, out, (int) offset);
        }
    }

    /** Offset of W. */
    final int weight() {
        return offset;
    }

    /** Offset of the which-th [out] vector after W. */
    final int vector(int which) {
        return offset + in * out + which * out;
    }

    /** The layer's tensors, W first, names prefixed by {@code prefix} (e.g. {@code layers.0.}). */
    abstract List<ParameterTensor> tensors(String prefix);

    /** The bound b of the uniform initialisation in [-b, b] of a tensor of this layer (PyTorch's nn.Linear). */
    abstract double initBound(ParameterTensor tensor);

    /** True when the products use W * gamma(t) (the gate folded into the weights), false for plain W. */
    abstract boolean gatesWeights();

    /** gamma(t) and beta(t) [out] of parameters p at time t. */
    abstract void gates(double[] p, double t, double[] gamma, double[] beta);

    /**
     * gamma(t_b) and beta(t_b) of rows b = 0 .. m - 1 with times {@code t[t0 + b]}, into
     * {@code gamma} and {@code beta} [m, out]; {@code scratch} and {@code scratch2} hold at least m * out
     * values each. This default computes row by row with {@link #gates} (into the scratch arrays).
     */
    void rowGates(
            double[] p, double[] t, int t0, int m, double[] gamma, double[] beta, double[] scratch, double[] scratch2) {
        for (int r = 0; r < m; r++) {
            gates(p, t[t0 + r], scratch, scratch2);
            System.arraycopy(scratch, 0, gamma, r * out, out);
            System.arraycopy(scratch2, 0, beta, r * out, out);
        }
    }

    /**
     * Writes dS/dW into {@code grad} from {@code raw} = X^T dS/d(out) [in, out], and for gated
     * weights also {@code gammaBar_j = sum_i raw_ij W_ij}.
     */
    abstract void weightGradient(double[] p, double[] raw, double[] gamma, double[] gammaBar, double[] grad);

    /**
     * Writes the gradients of the layer's [out] vectors at time t into {@code grad}, from
     * {@code betaBar} (column sums of dS/d(out)), gamma and gammaBar.
     */
    abstract void vectorGradients(
            double[] p, double t, double[] betaBar, double[] gamma, double[] gammaBar, double[] grad);

    /** Arrays of at least {@code out} values that {@link #addRowVectorGradients} needs as scratch. */
    static final int ROW_GRADIENT_SUMS = 4;

    /**
     * Adds to {@code grad} the [out]-vector gradients of rows b = 0 .. m - 1, each evaluated at its
     * own time {@code t[t0 + b]}: the rows' products {@code a = x W} (plain W), their cotangents of
     * the layer's output {@code g} and their gates gamma, each [m, out]. Each tensor's rows are
     * added in order into one of the {@link #ROW_GRADIENT_SUMS} arrays of {@code sums} (separate
     * arrays, so the loops compile to vector instructions), then into {@code grad}.
     */
    abstract void addRowVectorGradients(
            double[] p,
            double[] t,
            int t0,
            int m,
            double[] a,
            double[] g,
            double[] gamma,
            double[][] sums,
            double[] grad);

    /** Zeroes the first {@code count} arrays of {@code sums} over the layer's outputs. */
    final void clearSums(double[][] sums, int count) {
        for (int k = 0; k < count; k++) {
            java.util.Arrays.fill(sums[k], 0, out, 0.0);
        }
    }

    /** {@code grad[offset + j] += sum[j]} over the layer's outputs. */
    final void addSum(double[] sum, double[] grad, int offset) {
        for (int j = 0; j < out; j++) {
            grad[offset + j] += sum[j];
        }
    }

    /**
     * The layer's [contextDim, out] matrices of a conditional network, starting at {@code ctx}:
     * {@code context_shift} (added to beta) for every type, and {@code context_gate} (added inside
     * concatsquash's sigmoid) first for concatsquash.
     */
    List<ParameterTensor> contextTensors(String prefix, int contextDim, long ctx) {
        return List.of(new ParameterTensor(prefix + "context_shift", ctx, new long[] {contextDim, out}));
    }

    /** Number of [contextDim, out] matrices in {@link #contextTensors}. */
    int contextMatrices() {
        return 1;
    }

    /**
     * The gates of rows r = 0 .. m - 1 of a conditional network: row r has time {@code t[b0 + r]}
     * and context {@code c[(b0 + r) * cd ..]}; the layer's context matrices start at {@code ctx}.
     * Writes gamma and beta [m, out].
     */
    abstract void contextRowGates(
            double[] p, double[] t, double[] c, int b0, int m, int cd, int ctx, double[] gamma, double[] beta);

    /**
     * Adds to {@code grad} the gradients of the [out] vectors and the context matrices of rows
     * r = 0 .. m - 1 (as in {@link #contextRowGates}) from {@code betaBar} = dS/dbeta and
     * {@code gammaBar} = dS/dgamma [m, out] (gammaBar is ignored by layers without a gate).
     */
    abstract void addContextRowGradients(
            double[] p,
            double[] t,
            double[] c,
            int b0,
            int m,
            int cd,
            int ctx,
            double[] gamma,
            double[] betaBar,
            double[] gammaBar,
            double[] grad);

    /** Adds {@code c_r M} to row r of {@code rows} [m, out] for the [cd, out] matrix M at {@code at} in p. */
    final void addContextProduct(double[] p, double[] c, int b0, int m, int cd, int at, double[] rows) {
        for (int r = 0; r < m; r++) {
            int row = r * out;
            int cr = (b0 + r) * cd;
            for (int i = 0; i < cd; i++) {
                double ci = c[cr + i];
                if (ci != 0) {
                    int w = at + i * out;
                    for (int j = 0; j < out; j++) {
                        rows[row + j] += ci * p[w + j];
                    }
                }
            }
        }
    }

    /** Adds {@code sum_r c_r^T bar_r} into the [cd, out] gradient of the matrix at {@code at}. */
    final void addContextOuter(double[] c, int b0, int m, int cd, int at, double[] bar, double[] grad) {
        for (int r = 0; r < m; r++) {
            int row = r * out;
            int cr = (b0 + r) * cd;
            for (int i = 0; i < cd; i++) {
                double ci = c[cr + i];
                if (ci != 0) {
                    int w = at + i * out;
                    for (int j = 0; j < out; j++) {
                        grad[w + j] += ci * bar[row + j];
                    }
                }
            }
        }
    }

    /** Copies the raw weight gradient into {@code grad} (the plain-W case). */
    final void plainWeightGradient(double[] raw, double[] grad) {
        System.arraycopy(raw, 0, grad, weight(), in * out);
    }
}
