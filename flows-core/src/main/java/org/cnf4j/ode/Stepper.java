package org.cnf4j.ode;

/**
 * What a {@link StepSizeController} drives during one solve: the solver's stepping primitives on
 * its work buffers (stages, the candidate state, its error, accepting a step), so that the
 * controller alone decides which steps to take and the solver never asks what kind of controller
 * it has. Implemented by {@link OdeSolver}'s solve.
 */
interface Stepper {

    /** Start time. */
    double t0();

    /** End time. */
    double t1();

    /** +1 forwards in time, -1 backwards. */
    double direction();

    /** Cap on accepted plus rejected steps. */
    int maxSteps();

    /** Accepted steps so far. */
    int accepted();

    /** Rejected steps so far. */
    int rejected();

    /** The method's order and error order. */
    ButcherTableau tableau();

    /** Evaluates F at the start of a step from (t, y) when no step left it ready (fixed stepping). */
    void startDerivative(double t);

    /** Computes the stages and the candidate state of a step of size h from (t, y). */
    void attempt(double t, double h);

    /**
     * Throws the {@link OdeSolveException} of a candidate state that is not finite (fixed
     * stepping, where no error estimate can reject the step).
     */
    void requireFiniteCandidate(double t, double h);

    /** The error of the candidate state of a step of size h in the norm's groups (adaptive stepping). */
    double error(double h, long[][] groups, double rtol, double atol);

    /** The norm's groups of this solve's state. */
    long[][] groups(ErrorNorm norm);

    /** Counts a rejected step. */
    void reject();

    /** Accepts the candidate state as the state at tNext (dense output, handler, FSAL). */
    void accept(double t, double h, double tNext);

    /** After an accepted adaptive step: makes F at the new state ready for the next step. */
    void endDerivative(double tNext);

    /** Hairer, Norsett and Wanner's first step for these tolerances. */
    double initialStep(double rtol, double atol, long[][] groups, double span);
}
