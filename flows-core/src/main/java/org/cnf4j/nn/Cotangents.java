package org.cnf4j.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The weights of the scalar whose gradient {@link Dynamics#backward} computes:
 * {@code S = sum_b (f_b . vf_b + vk_b ||f_b||^2 + vt_b trace_b + vj_b jac_b)}. Any part may be
 * null (zero). The trace and jac parts need probes.
 *
 * @param f cotangent of f, [batch, dim]
 * @param kinetic weight of ||f_b||^2 per sample, [batch]
 * @param trace weight of the trace estimate per sample, [batch]
 * @param jacobian weight of the squared-norm estimate per sample, [batch]
 */
public record Cotangents(INDArray f, INDArray kinetic, INDArray trace, INDArray jacobian) {

    /** Only a cotangent of f: a vector-Jacobian product. */
    public static Cotangents ofF(INDArray f) {
        return new Cotangents(f, null, null, null);
    }

    /** True when a trace or squared-norm weight is given (probes are then needed). */
    public boolean needsProbes() {
        return trace != null || jacobian != null;
    }
}
