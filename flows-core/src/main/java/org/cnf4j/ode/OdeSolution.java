package org.cnf4j.ode;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The result of a solve: the state at the end time, the states at requested output times (from
 * the method's dense output), and what the solve cost.
 */
public final class OdeSolution {

    private final double t0;
    private final double t1;
    private final INDArray finalState;
    private final double[] times;
    private final INDArray[] states;
    private final SolverStats stats;

    OdeSolution(double t0, double t1, INDArray finalState, double[] times, INDArray[] states, SolverStats stats) {
        this.t0 = t0;
        this.t1 = t1;
        this.finalState = finalState;
        this.times = times;
        this.states = states;
        this.stats = stats;
    }

    /** Start time. */
    public double t0() {
        return t0;
    }

    /** End time. */
    public double t1() {
        return t1;
    }

    /** The state at t1, shaped like the initial state; owned by the caller. */
    public INDArray finalState() {
        return finalState;
    }

    /** The requested output times; a copy. */
    public double[] times() {
        return times.clone();
    }

    /** Number of output times. */
    public int size() {
        return times.length;
    }

    /** The state at output time {@code i}, shaped like the initial state. */
    public INDArray at(int i) {
        return states[i];
    }

    /** Function evaluations, accepted and rejected steps. */
    public SolverStats stats() {
        return stats;
    }
}
