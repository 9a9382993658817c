package org.cnf4j.ode;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The right-hand side of an ODE {@code dy/dt = F(t, y)} on a state held in one INDArray.
 *
 * <p>The solver hands in arrays shaped like the initial state; {@code y} must not be modified,
 * and {@code dydt} must be completely overwritten. Both are contiguous row-major buffers owned
 * by the solver and reused between calls: do not keep references to them.
 */
@FunctionalInterface
public interface OdeSystem {

    /**
     * Writes {@code F(t, y)} into {@code dydt}.
     *
     * @param t time
     * @param y state, shaped like the initial state
     * @param dydt output, same shape and data type as {@code y}
     */
    void derivative(double t, INDArray y, INDArray dydt);

    /**
     * The named parts of the state, if the system has them: lets {@link ErrorNorm#mixed()} and
     * its seminorms measure each part separately. Null (the default) for an unstructured state.
     */
    default StateLayout layout() {
        return null;
    }
}
