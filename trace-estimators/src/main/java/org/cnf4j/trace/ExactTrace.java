package org.cnf4j.trace;

import java.util.random.RandomGenerator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The exact trace: {@code tr(J) = sum_k e_k^T J e_k} over the D unit vectors, so D products per
 * sample. FFJORD evaluates its 2-D models this way; exact for any D, affordable for small D.
 */
public final class ExactTrace implements TraceEstimator {

    static final ExactTrace INSTANCE = new ExactTrace();

    private ExactTrace() {}

    @Override
    public String name() {
        return "exact";
    }

    @Override
    public boolean isExact() {
        return true;
    }

    @Override
    public Probes draw(int batch, int dim, RandomGenerator random) {
        double[] data = new double[dim * batch * dim];
        for (int k = 0; k < dim; k++) {
            for (int b = 0; b < batch; b++) {
                data[(k * batch + b) * dim + k] = 1.0;
            }
        }
        INDArray basis = Nd4j.create(data, new long[] {(long) dim * batch, dim}, DataType.DOUBLE);
        double[] weights = new double[dim];
        java.util.Arrays.fill(weights, 1.0);
        return new Probes(batch, dim, basis, basis, weights, true);
    }

    @Override
    public String toString() {
        return name();
    }
}
