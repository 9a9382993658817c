package org.cnf4j.ode;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Observes every accepted step of a solve, e.g. to record it for backpropagation through the
 * solver. The arrays are the solver's buffers, valid only during the call: copy what you keep.
 */
@FunctionalInterface
public interface StepHandler {

    /**
     * Called after a step from {@code (t, y0)} of size {@code h} has been accepted.
     *
     * @param t start time of the step
     * @param h signed step size
     * @param y0 state at t, flat [n]
     * @param stages stage derivatives K_i as rows, [rows, n] (rows = stages, plus one when the
     *     method is not FSAL and the end derivative was computed for dense output)
     * @param y1 state at t + h, flat [n]
     */
    void handleStep(double t, double h, INDArray y0, INDArray stages, INDArray y1);
}
