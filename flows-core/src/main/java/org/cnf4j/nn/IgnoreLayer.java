package org.cnf4j.nn;

import java.util.List;

/**
 * FFJORD's IgnoreLinear: {@code out = x W + b}, time ignored (gamma = 1, beta = b). Tensors
 * W [in, out] and b [out] (weight, bias), fan-in {@code in}.
 */
final class IgnoreLayer extends Layer {

    IgnoreLayer(int in, int out, int offset) {
        super(in, out, offset);
    }

    @Override
    List<ParameterTensor> tensors(String prefix) {
        return List.of(
                new ParameterTensor(prefix + "weight", weight(), new long[] {in, out}),
                new ParameterTensor(prefix + "bias", vector(0), new long[] {out}));
    }

    @Override
    double initBound(ParameterTensor tensor) {
        return 1.0 / Math.sqrt(in);
    }

    @Override
    boolean gatesWeights() {
        return false;
    }

    @Override
    void gates(double[] p, double t, double[] gamma, double[] beta) {
        int b = vector(0);
        for (int j = 0; j < out; j++) {
            gamma[j] = 1.0;
            beta[j] = p[b + j];
        }
    }

    @Override
    void weightGradient(double[] p, double[] raw, double[] gamma, double[] gammaBar, double[] grad) {
        plainWeightGradient(raw, grad);
    }

    @Override
    void vectorGradients(double[] p, double t, double[] betaBar, double[] gamma, double[] gammaBar, double[] grad) {
        int b = vector(0);
        for (int j = 0; j < out; j++) {
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
        clearSums(sums, 1);
        double[] sumB = sums[0];
        for (int r = 0; r < m; r++) {
            int row = r * out;
            for (int j = 0; j < out; j++) {
                sumB[j] += g[row + j];
            }
        }
        addSum(sumB, grad, vector(0));
    }

    @Override
    void contextRowGates(
            double[] p, double[] t, double[] c, int b0, int m, int cd, int ctx, double[] gamma, double[] beta) {
        int b = vector(0);
        for (int r = 0, i = 0; r < m; r++) {
            for (int j = 0; j < out; j++, i++) {
                gamma[i] = 1.0;
                beta[i] = p[b + j];
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
        int b = vector(0);
        for (int r = 0, i = 0; r < m; r++) {
            for (int j = 0; j < out; j++, i++) {
                grad[b + j] += betaBar[i];
            }
        }
        addContextOuter(c, b0, m, cd, ctx, betaBar, grad);
    }
}
