package org.cnf4j.trace;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * K probe pairs and weights for a batch, such that {@code tr(J_b) ~ sum_k w_k e_{k,b}^T J_b
 * u_{k,b}} for every sample b. The vectors are stored stacked, probe by probe: row
 * {@code k * batch + b} of {@link #left()} is e_{k,b}, shape [K * batch, dim]; likewise
 * {@link #right()}. Drawn once per solve and held fixed through it (FFJORD's rule: fresh noise
 * at every evaluation would make the ODE stochastic). Immutable by convention: do not write to
 * the arrays.
 */
public final class Probes {

    private final int batch;
    private final int dim;
    private final INDArray left;
    private final INDArray right;
    private final double[] weights;
    private final boolean exact;

    /**
     * @param batch samples per probe
     * @param dim dimension of the vectors
     * @param left stacked left vectors [K * batch, dim], DOUBLE
     * @param right stacked right vectors [K * batch, dim], DOUBLE (may be the same array)
     * @param weights w_k, length K
     * @param exact true when the estimate equals the trace for every J
     */
    public Probes(int batch, int dim, INDArray left, INDArray right, double[] weights, boolean exact) {
        int k = weights.length;
        long[] expected = {(long) k * batch, dim};
        if (!java.util.Arrays.equals(left.shape(), expected) || !java.util.Arrays.equals(right.shape(), expected)) {
            throw new IllegalArgumentException("probe vectors must be [" + k * batch + ", " + dim + "]");
        }
        if (left.dataType() != DataType.DOUBLE || right.dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException("probe vectors must be DOUBLE");
        }
        this.batch = batch;
        this.dim = dim;
        this.left = left;
        this.right = right;
        this.weights = weights.clone();
        this.exact = exact;
    }

    /** Probes with a single pair (e, u) of [batch, dim] vectors and weight 1. */
    public static Probes single(INDArray e, INDArray u) {
        INDArray l = e.castTo(DataType.DOUBLE).dup('c');
        INDArray r = e == u ? l : u.castTo(DataType.DOUBLE).dup('c');
        return new Probes(e.rows(), e.columns(), l, r, new double[] {1.0}, false);
    }

    /** Number of samples. */
    public int batch() {
        return batch;
    }

    /** Dimension of the vectors. */
    public int dim() {
        return dim;
    }

    /** Number of probe pairs K. */
    public int count() {
        return weights.length;
    }

    /** Weight w_k. */
    public double weight(int k) {
        return weights[k];
    }

    /** True when left and right vectors are the same. */
    public boolean symmetric() {
        return left == right;
    }

    /** True when the estimate is exact (basis vectors), not a random estimate. */
    public boolean exact() {
        return exact;
    }

    /** Stacked left vectors e, [K * batch, dim]. */
    public INDArray left() {
        return left;
    }

    /** Stacked right vectors u, [K * batch, dim]. */
    public INDArray right() {
        return right;
    }

    /** Left vectors of probe k, [batch, dim] (a view). */
    public INDArray left(int k) {
        return left.get(NDArrayIndex.interval((long) k * batch, (long) (k + 1) * batch), NDArrayIndex.all());
    }

    /** Right vectors of probe k, [batch, dim] (a view). */
    public INDArray right(int k) {
        return right.get(NDArrayIndex.interval((long) k * batch, (long) (k + 1) * batch), NDArrayIndex.all());
    }

    /** The estimate {@code sum_k w_k form(e_k, u_k)}, shape [batch]. */
    public INDArray estimate(ProbeForm form) {
        INDArray sum = Nd4j.zeros(DataType.DOUBLE, batch);
        for (int k = 0; k < count(); k++) {
            sum.addi(form.apply(left(k), right(k))
                    .castTo(DataType.DOUBLE)
                    .reshape(batch)
                    .mul(weights[k]));
        }
        return sum;
    }
}
