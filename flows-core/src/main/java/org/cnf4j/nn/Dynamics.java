package org.cnf4j.nn;

import org.cnf4j.trace.Probes;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The dynamics f(z, t; theta) of a continuous normalizing flow and every derivative the flow
 * needs of it, for a batch z [batch, dim] at one time t. Parameters theta live in one flat
 * DOUBLE array [P].
 *
 * <p>With probes (e_k, u_k, w_k) from a {@link org.cnf4j.trace.TraceEstimator}, an evaluation
 * also gives the trace estimate {@code trace_b = sum_k w_k e_k^T J_b u_k} (J = df/dz) and the
 * squared norm estimate {@code jac_b = sum_k w_k ||J_b u_k||^2} (for basis probes exactly the
 * Frobenius norm ||J_b||_F^2, else an unbiased estimate of it), used by the RNODE regulariser.
 * {@link #backward} gives the gradients of a weighted sum of f, ||f||^2, the trace and the
 * squared-norm estimates ({@link Cotangents}) with respect to z and theta, which covers
 * vector-Jacobian products and the gradient of the probe form (a second derivative of f).
 *
 * <p>Implementations keep work buffers: an instance must not be used by two threads at once.
 * All arrays are DOUBLE; outputs are overwritten.
 */
public interface Dynamics {

    /** State dimension D. */
    int dim();

    /**
     * Length of the context vector of each row for a conditional f(z, t, c); 0 (the default) for
     * an unconditional one.
     */
    default int contextDim() {
        return 0;
    }

    /**
     * Binds the contexts [rows, contextDim] (DOUBLE, in the flow's space) of the rows of the calls
     * that follow, until the next bind; null unbinds. Only conditional dynamics take a context.
     */
    default void setContext(INDArray context) {
        if (context != null) {
            throw new IllegalArgumentException("these dynamics (" + describe() + ") take no context");
        }
    }

    /** Number of parameters P. */
    long parameterCount();

    /** The flat parameter array [P] (DOUBLE) the dynamics read; writes change the dynamics. */
    INDArray parameters();

    /**
     * Copies the current parameters into {@code target} (a contiguous DOUBLE array of P elements)
     * and reads them from there from now on: how a flow gathers its blocks' parameters into one
     * array.
     */
    void bindParameters(INDArray target);

    /** The named tensors of the flat parameter array, in storage order, covering it exactly. */
    java.util.List<ParameterTensor> tensors();

    /** A short description of the architecture, e.g. {@code 2-64-64-64-2 concatsquash tanh}. */
    String describe();

    /**
     * The cost of one evaluation of f with the trace terms of {@code probes} probe vectors per row,
     * in units of one evaluation of f alone: each probe's tangent (or vector-Jacobian product)
     * costs about one more pass through the network, so {@code 1 + probes} by default; the exact
     * trace takes {@code dim()} probes, Hutchinson's estimate one.
     */
    default double traceCost(int probes) {
        return 1 + probes;
    }

    /**
     * Bytes of working memory one row of an evaluation takes, at most, for f alone (activations,
     * their derivatives, scratch); a probe's tangent takes as much again. The default assumes
     * hidden layers of up to 256 units each; networks that know their widths say so.
     */
    default long workBytesPerRow() {
        return 8L * 8 * (2 * dim() + 3 * 256);
    }

    /**
     * f(z, t).
     *
     * @param z [batch, dim]
     * @param f output [batch, dim]
     */
    void forward(double t, INDArray z, INDArray f);

    /**
     * f(z, t) with the trace and squared-norm estimates for the given probes.
     *
     * @param probes probes for this batch
     * @param f output [batch, dim]
     * @param trace output [batch], or null
     * @param jacobianSq output [batch], or null
     */
    void forward(double t, INDArray z, Probes probes, INDArray f, INDArray trace, INDArray jacobianSq);

    /**
     * Gradients of {@code S = sum_b (vf_b . f_b + vk_b ||f_b||^2 + vt_b trace_b + vj_b jac_b)}
     * (the weights are the {@link Cotangents}), with f, the trace and the squared-norm estimates
     * as by-products.
     *
     * @param probes probes (may be null when the cotangents have no trace or jacobian part)
     * @param weights the cotangents
     * @param f output f [batch, dim], or null
     * @param trace output trace estimate [batch], or null
     * @param jacobianSq output squared-norm estimate [batch], or null
     * @param gradZ output dS/dz [batch, dim], or null
     * @param gradTheta output dS/dtheta [P], or null
     */
    void backward(
            double t,
            INDArray z,
            Probes probes,
            Cotangents weights,
            INDArray f,
            INDArray trace,
            INDArray jacobianSq,
            INDArray gradZ,
            INDArray gradTheta);

    /**
     * f(z_b, t_b) with a time of its own for every row (as flow matching draws them). This default
     * evaluates row by row through {@link #forward(double, INDArray, INDArray)}; {@link MlpDynamics}
     * has a batched kernel.
     *
     * @param t times [batch]
     * @param z [batch, dim]
     * @param f output [batch, dim]
     */
    default void forwardAtTimes(double[] t, INDArray z, INDArray f) {
        requireTimes(t, z);
        for (int b = 0; b < t.length; b++) {
            INDArray row = z.getRow(b).reshape(1, dim()).dup('c');
            INDArray out = Nd4j.create(DataType.DOUBLE, 1, dim());
            forward(t[b], row, out);
            f.getRow(b).assign(out.reshape(dim()));
        }
    }

    /**
     * Gradients of {@code S = sum_b v_b . f(z_b, t_b)} with a time per row, with f as a
     * by-product. This default works row by row through {@link #backward}.
     *
     * @param t times [batch]
     * @param z [batch, dim]
     * @param v cotangents of f [batch, dim]
     * @param f output f [batch, dim], or null
     * @param gradZ output dS/dz [batch, dim], or null
     * @param gradTheta output dS/dtheta [P], or null
     */
    default void backwardAtTimes(double[] t, INDArray z, INDArray v, INDArray f, INDArray gradZ, INDArray gradTheta) {
        requireTimes(t, z);
        if (gradTheta != null) {
            gradTheta.assign(0);
        }
        INDArray gt = Nd4j.create(DataType.DOUBLE, parameterCount());
        for (int b = 0; b < t.length; b++) {
            INDArray row = z.getRow(b).reshape(1, dim()).dup('c');
            INDArray vr = v.getRow(b).reshape(1, dim()).dup('c');
            INDArray fr = Nd4j.create(DataType.DOUBLE, 1, dim());
            INDArray gz = Nd4j.create(DataType.DOUBLE, 1, dim());
            backward(t[b], row, null, Cotangents.ofF(vr), fr, null, null, gz, gt);
            if (f != null) {
                f.getRow(b).assign(fr.reshape(dim()));
            }
            if (gradZ != null) {
                gradZ.getRow(b).assign(gz.reshape(dim()));
            }
            if (gradTheta != null) {
                gradTheta.addi(gt);
            }
        }
    }

    /**
     * Gradients of a loss of f with a time per row whose cotangents {@code v_b = dL/df_b} depend
     * on f_b: one call evaluates f, lets {@code cotangent} turn it into v, and accumulates
     * {@code sum_b v_b . df(z_b, t_b)/dtheta} into {@code gradTheta} [P] (overwritten). This
     * default calls {@link #forwardAtTimes} and then {@link #backwardAtTimes}.
     */
    default void backwardAtTimes(double[] t, INDArray z, RowCotangent cotangent, INDArray gradTheta) {
        int n = z.rows();
        INDArray f = Nd4j.create(DataType.DOUBLE, n, dim());
        forwardAtTimes(t, z, f);
        double[] fv = f.data().asDouble();
        double[] v = new double[fv.length];
        cotangent.compute(0, n, fv, v);
        backwardAtTimes(t, z, Nd4j.createFromArray(v).reshape(n, dim()), null, null, gradTheta);
    }

    /**
     * {@link #backwardAtTimes(double[], INDArray, RowCotangent, INDArray)} of rows given on the heap,
     * z [t.length, dim] row-major, for a caller that builds them there (flow matching): this default
     * copies them into an array; {@link MlpDynamics} reads them where they are.
     */
    default void backwardAtTimes(double[] t, double[] z, RowCotangent cotangent, INDArray gradTheta) {
        backwardAtTimes(t, Nd4j.createFromArray(z).reshape(t.length, dim()), cotangent, gradTheta);
    }

    private void requireTimes(double[] t, INDArray z) {
        if (t.length != z.rows()) {
            throw new IllegalArgumentException(
                    "need one time per row: " + t.length + " times for " + z.rows() + " rows");
        }
    }

    /** f(z, t) as a new array. */
    default INDArray f(double t, INDArray z) {
        INDArray out = Nd4j.create(DataType.DOUBLE, z.rows(), dim());
        forward(t, z, out);
        return out;
    }

    /** The vector-Jacobian product v^T df/dz per sample, [batch, dim]. */
    default INDArray vjpZ(double t, INDArray z, INDArray v) {
        INDArray out = Nd4j.create(DataType.DOUBLE, z.rows(), dim());
        backward(t, z, null, Cotangents.ofF(v), null, null, null, out, null);
        return out;
    }

    /** The vector-Jacobian product {@code sum_b v_b^T df_b/dtheta}, [P]. */
    default INDArray vjpTheta(double t, INDArray z, INDArray v) {
        INDArray out = Nd4j.create(DataType.DOUBLE, parameterCount());
        backward(t, z, null, Cotangents.ofF(v), null, null, null, null, out);
        return out;
    }

    /** The probe form {@code e_b^T (df/dz)_b u_b} per sample, [batch]. */
    default INDArray probe(double t, INDArray z, INDArray e, INDArray u) {
        INDArray f = Nd4j.create(DataType.DOUBLE, z.rows(), dim());
        INDArray out = Nd4j.create(DataType.DOUBLE, z.rows());
        forward(t, z, Probes.single(e, u), f, out, null);
        return out;
    }

    /**
     * Gradients of the probe form: element 0 is d(e_b^T J_b u_b)/dz_b per sample [batch, dim],
     * element 1 is {@code sum_b d(e_b^T J_b u_b)/dtheta} [P].
     */
    default INDArray[] probeGradient(double t, INDArray z, INDArray e, INDArray u) {
        INDArray gz = Nd4j.create(DataType.DOUBLE, z.rows(), dim());
        INDArray gt = Nd4j.create(DataType.DOUBLE, parameterCount());
        INDArray ones = Nd4j.ones(DataType.DOUBLE, z.rows());
        backward(t, z, Probes.single(e, u), new Cotangents(null, null, ones, null), null, null, null, gz, gt);
        return new INDArray[] {gz, gt};
    }
}
