package org.cnf4j.ode;

/**
 * What one solve cost.
 *
 * @param functionEvaluations calls of the right-hand side
 * @param acceptedSteps steps kept
 * @param rejectedSteps steps retried with a smaller step size
 */
public record SolverStats(int functionEvaluations, int acceptedSteps, int rejectedSteps) {

    /** No work. */
    public static final SolverStats ZERO = new SolverStats(0, 0, 0);

    /** The sum of two solves' costs. */
    public SolverStats plus(SolverStats o) {
        return new SolverStats(
                functionEvaluations + o.functionEvaluations,
                acceptedSteps + o.acceptedSteps,
                rejectedSteps + o.rejectedSteps);
    }
}
