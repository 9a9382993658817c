package org.cnf4j.ode;

/**
 * Chooses step sizes: {@link ConstantStepSize} for fixed steps, {@link PIController} for
 * adaptive steps driven by the method's error estimate. Kept apart from the methods so that any
 * method can be paired with any controller its tableau supports; the solver hands the controller
 * its stepping primitives and the controller runs the loop (as diffrax's controllers decide
 * each step), so the solver never branches on the kind of controller.
 */
public sealed interface StepSizeController permits ConstantStepSize, PIController {

    /** Whether the controller needs the method's embedded error estimate. */
    boolean needsErrorEstimate();

    /** Takes steps from t0 to t1, choosing each one (the stage at t0 is already evaluated). */
    void integrate(Stepper stepper);
}
