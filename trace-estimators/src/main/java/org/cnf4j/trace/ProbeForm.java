package org.cnf4j.trace;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Anything that can form the bilinear probe {@code e^T J u} of a per-sample matrix J (for a
 * flow, the Jacobian df/dz): the only thing a {@link TraceEstimator} needs from it.
 */
@FunctionalInterface
public interface ProbeForm {

    /**
     * @param e left probe vectors, [batch, dim]
     * @param u right probe vectors, [batch, dim]
     * @return per sample b, {@code e_b^T J_b u_b}, shape [batch]
     */
    INDArray apply(INDArray e, INDArray u);
}
