package org.cnf4j.nn;

import java.util.Arrays;
import java.util.List;
import org.cnf4j.linalg.Elementwise;
import org.cnf4j.linalg.Transcendentals;

/**
 * FFJORD's ConcatSquash layer: {@code out = (x W + b) * sigmoid(g t + c) + h t}, so gamma =
 * sigmoid(g t + c) and beta = b gamma + h t. Tensors W [in, out], b, g, c, h [out] (named
 * weight, bias, gate_weight, gate_bias, time_weight); the time layers g, c, h are initialised with
 * fan-in 1.
 */
final class ConcatSquashLayer extends Layer {

    ConcatSquashLayer(int in, int out, int offset) {
        super(in, out, offset);
    }

    @Override
    List<ParameterTensor> tensors(String prefix) {
        return List.of(
                new ParameterTensor(prefix + "weight", weight(), new long[] {in, out}),
                new ParameterTensor(prefix + "bias", vector(0), new long[] {out}),
                new ParameterTensor(prefix + "gate_weight", vector(1), new long[] {out}),
                new ParameterTensor(prefix + "gate_bias", vector(2), new long[] {out}),
                new ParameterTensor(prefix + "time_weight", vector(3), new long[] {out}));
    }

    @Override
    double initBound(ParameterTensor tensor) {
        boolean timeLayer = !tensor.name().endsWith(".weight") && !tensor.name().endsWith(".bias");
        return 1.0 / Math.sqrt(timeLayer ? 1 : in);
    }

    @Override
    boolean gatesWeights() {
        return true;
    }

    @Override
    void gates(double[] p, double t, double[] gamma, double[] beta) {
        int b = vector(0);
        int gw = vector(1);
        int gb = vector(2);
        int h = vector(3);
        for (int j = 0; j < out; j++) {
            double s = Activation.sigmoid(p[gw + j] * t + p[gb + j]);
            gamma[j] = s;
            beta[j] = p[b + j] * s + p[h + j] * t;
        }
    }

    /**
     * The gates of many rows at once: sigmoid(x) = (1 + tanh(x / 2)) / 2 through
     * {@link Transcendentals#shiftedTanh}, the vectorised kernel of the activations, so no loop
     * here branches. {@code scratch} and {@code scratch2} hold at least m * out values each.
     */
    @Override
    void rowGates(
            double[] p, double[] t, int t0, int m, double[] gamma, double[] beta, double[] scratch, double[] scratch2) {
        int b = vector(0);
        int gw = vector(1);
        int gb = vector(2);
        int h = vector(3);
        // the shift gate_bias / 2 is held in beta's first row until beta is written
        double[] half = beta;
        for (int j = 0; j < out; j++) {
            half[j] = 0.5 * p[gb + j];
        }
        Elementwise.timesRowTimes(p, gw, t, t0, 0.5, m, out, scratch);
        Transcendentals.shiftedTanh(scratch, half, m, out, gamma, scratch2, null);
        Elementwise.sigmoidGates(gamma, p, b, p, h, t, t0, m, out, beta);
    }

    @Override
    void weightGradient(double[] p, double[] raw, double[] gamma, double[] gammaBar, double[] grad) {
        int w0 = weight();
        Arrays.fill(gammaBar, 0, out, 0.0);
        for (int i = 0, k = 0; i < in; i++) {
            for (int j = 0; j < out; j++, k++) {
                double r = raw[k];
                grad[w0 + k] = r * gamma[j];
                gammaBar[j] += r * p[w0 + k];
            }
        }
    }

    @Override
    void vectorGradients(double[] p, double t, double[] betaBar, double[] gamma, double[] gammaBar, double[] grad) {
        int b = vector(0);
        int gw = vector(1);
        int gb = vector(2);
        int h = vector(3);
        for (int j = 0; j < out; j++) {
            double s = gamma[j];
            double bb = betaBar[j];
            double sBar = gammaBar[j] + bb * p[b + j];
            double ds = s * (1 - s);
            grad[b + j] = bb * s;
            grad[gw + j] = sBar * ds * t;
            grad[gb + j] = sBar * ds;
            grad[h + j] = bb * t;
        }
    }

    @Override
    void addRowVectorGradients(
            double[] p,
            double[] t,
            int t0,
            int m,
            double[] a,
            double[] g,
            double[] gamma,
            double[][] sums,
            double[] grad) {
        int b = vector(0);
        int gw = vector(1);
        int gb = vector(2);
        int h = vector(3);
        clearSums(sums, 4);
        double[] sumB = sums[0];
        double[] sumGw = sums[1];
        double[] sumGb = sums[2];
        double[] sumH = sums[3];
        // out = (a + b) s + h t
        Elementwise.gateGradientSums(g, a, gamma, p, b, t, t0, m, out, sumB, sumGw, sumGb, sumH);
        addSum(sumB, grad, b);
        addSum(sumGw, grad, gw);
        addSum(sumGb, grad, gb);
        addSum(sumH, grad, h);
    }

    /** The gate's context matrix first, then the shift's: {@code gamma = sigmoid(g t + c + c_r G)}, {@code beta += c_r H}. */
    @Override
    List<ParameterTensor> contextTensors(String prefix, int contextDim, long ctx) {
        return List.of(
                new ParameterTensor(prefix + "context_gate", ctx, new long[] {contextDim, out}),
                new ParameterTensor(
                        prefix + "context_shift", ctx + (long) contextDim * out, new long[] {contextDim, out}));
    }

    @Override
    int contextMatrices() {
        return 2;
    }

    @Override
    void contextRowGates(
            double[] p, double[] t, double[] c, int b0, int m, int cd, int ctx, double[] gamma, double[] beta) {
        int b = vector(0);
        int gw = vector(1);
        int gb = vector(2);
        int h = vector(3);
        for (int r = 0, i = 0; r < m; r++) {
            double tr = t[b0 + r];
            for (int j = 0; j < out; j++, i++) {
                gamma[i] = p[gw + j] * tr + p[gb + j];
            }
        }
        addContextProduct(p, c, b0, m, cd, ctx, gamma);
        for (int r = 0, i = 0; r < m; r++) {
            double tr = t[b0 + r];
            for (int j = 0; j < out; j++, i++) {
                double s = Activation.sigmoid(gamma[i]);
                gamma[i] = s;
                beta[i] = p[b + j] * s + p[h + j] * tr;
            }
        }
        addContextProduct(p, c, b0, m, cd, ctx + cd * out, beta);
    }

    /** {@code gammaBar} is overwritten with dS/d(gate pre-activation). */
    @Override
    void addContextRowGradients(
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
            double[] grad) {
        int b = vector(0);
        int gw = vector(1);
        int gb = vector(2);
        int h = vector(3);
        for (int r = 0, i = 0; r < m; r++) {
            double tr = t[b0 + r];
            for (int j = 0; j < out; j++, i++) {
                double s = gamma[i];
                double bb = betaBar[i];
                double sBar = (gammaBar[i] + bb * p[b + j]) * s * (1 - s);
                gammaBar[i] = sBar;
                grad[b + j] += bb * s;
                grad[gw + j] += sBar * tr;
                grad[gb + j] += sBar;
                grad[h + j] += bb * tr;
            }
        }
        addContextOuter(c, b0, m, cd, ctx, gammaBar, grad);
        addContextOuter(c, b0, m, cd, ctx + cd * out, betaBar, grad);
    }
}
