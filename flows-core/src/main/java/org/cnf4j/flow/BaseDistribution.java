package org.cnf4j.flow;

import java.nio.DoubleBuffer;
import java.util.random.RandomGenerator;
import org.cnf4j.linalg.NativeArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The distribution of a flow's latent z = x(T) in the flow's (standardised) space: log p(x) =
 * log q(z) + the integrated trace. {@link StandardNormal} (FFJORD's N(0, I), the default) or a
 * {@link GaussianMixtureBase} fitted to the training rows, so that a flow whose field is zero is
 * that mixture and training starts where the mixture ends.
 */
public sealed interface BaseDistribution permits StandardNormal, GaussianMixtureBase {

    /** log q(z) of one row {@code z[offset .. offset + dim)}, in nats. */
    double logDensity(double[] z, int offset, int dim);

    /**
     * d log q / dz of one row into {@code gradient[offset .. offset + dim)}, the row read from
     * {@code z} at the same offset.
     */
    void logDensityGradient(double[] z, int offset, int dim, double[] gradient);

    /**
     * One draw into {@code out[offset .. offset + dim)}, its spread scaled by {@code temperature}
     * around its mean (the component's mean for a mixture; 1: the distribution itself).
     */
    void draw(RandomGenerator random, double temperature, double[] out, int offset, int dim);

    /** In words, for {@code cnf info} and the report, e.g. "N(0, I)". */
    String describe();

    /** log q(z) per row of z [n, dim], in nats: a DOUBLE [n] array. */
    default INDArray logDensity(INDArray z) {
        int n = z.rows();
        int d = z.columns();
        double[] rows = NativeArrays.toArray(z);
        INDArray out = Nd4j.create(DataType.DOUBLE, n);
        DoubleBuffer o = NativeArrays.doubles(out);
        for (int b = 0; b < n; b++) {
            o.put(b, logDensity(rows, b * d, d));
        }
        return out;
    }

    /** d log q / dz per row of z [n, dim]: a DOUBLE [n, dim] array. */
    default INDArray logDensityGradient(INDArray z) {
        int n = z.rows();
        int d = z.columns();
        double[] rows = NativeArrays.toArray(z);
        double[] g = new double[rows.length];
        for (int b = 0; b < n; b++) {
            logDensityGradient(rows, b * d, d, g);
        }
        return Nd4j.createFromArray(g).reshape(n, d);
    }

    /** n draws of dimension dim, row after row from {@code random}: a DOUBLE [n, dim] array. */
    default INDArray draw(int n, int dim, RandomGenerator random) {
        double[] values = new double[n * dim];
        for (int b = 0; b < n; b++) {
            draw(random, 1.0, values, b * dim, dim);
        }
        return Nd4j.createFromArray(values).reshape(n, dim);
    }
}
