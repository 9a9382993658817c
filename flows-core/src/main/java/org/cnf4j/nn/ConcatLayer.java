package org.cnf4j.nn;

import java.util.List;

/**
 * FFJORD's ConcatLinear: {@code out = [x, t] W' + b}, so gamma = 1 and beta = b + t w_t. Tensors
 * W [in, out], w_t [out], b [out] (named weight, time_weight, bias), all initialised with fan-in
 * in + 1 (the row of t belongs to the same nn.Linear).
 */
final class ConcatLayer extends Layer {

    ConcatLayer(int in, int out, int offset) {
        super(in, out, offset);
    }

    @Override
    List<ParameterTensor> tensors(String prefix) {
        return List.of(
                new ParameterTensor(prefix + "weight", weight(), new long[] {in, out}),
                new ParameterTensor(prefix + "time_weight", vector(0), new long[] {out}),
                new ParameterTensor(prefix + "bias", vector(1), new long[] {out}));
    }

    @Override
    double initBound(ParameterTensor tensor) {
        return 1.0 / Math.sqrt(in + 1);
    }

    @Override
    boolean gatesWeights() {
        return false;
    }

    @Override
    void gates(double[] p, double t, double[] gamma, double[] beta) {
        int wt = vector(0);
        int b = vector(1);
        for (int j = 0; j < out; j++) {
            gamma[j] = 1.0;
            beta[j] = p[b + j] + p[wt + j] * t;
        }
    }

    @Override
    void weightGradient(double[] p, double[] raw, double[] gamma, double[] gammaBar, double[] grad) {
        plainWeightGradient(raw, grad);
    }

    @Override
    void vectorGradients(double[] p, double t, double[] betaBar, double[] gamma, double[] gammaBar, double[] grad) {
        int wt = vector(0);
        int b = vector(1);
        for (int j = 0; j < out; j++) {
            grad[wt + j] = betaBar[j] * t;
            grad[b + j] = betaBar[j];
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
        clearSums(sums, 2);
        double[] sumT = sums[0];
        double[] sumB = sums[1];
        for (int r = 0; r < m; r++) {
            double tr = t[t0 + r];
            int row = r * out;
            for (int j = 0; j < out; j++) {
                sumT[j] += g[row + j] * tr;
                sumB[j] += g[row + j];
            }
        }
        addSum(sumT, grad, vector(0));
        addSum(sumB, grad, vector(1));
    }

    @Override
    void contextRowGates(
            double[] p, double[] t, double[] c, int b0, int m, int cd, int ctx, double[] gamma, double[] beta) {
        int wt = vector(0);
        int b = vector(1);
        for (int r = 0, i = 0; r < m; r++) {
            double tr = t[b0 + r];
            for (int j = 0; j < out; j++, i++) {
                gamma[i] = 1.0;
                beta[i] = p[b + j] + p[wt + j] * tr;
            }
        }
        addContextProduct(p, c, b0, m, cd, ctx, beta);
    }

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
        int wt = vector(0);
        int b = vector(1);
        for (int r = 0, i = 0; r < m; r++) {
            double tr = t[b0 + r];
            for (int j = 0; j < out; j++, i++) {
                grad[wt + j] += betaBar[i] * tr;
                grad[b + j] += betaBar[i];
            }
        }
        addContextOuter(c, b0, m, cd, ctx, betaBar, grad);
    }
}
