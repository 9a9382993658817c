package org.cnf4j.ode;

/**
 * Chooses step sizes: {@link ConstantStepSize} for fixed steps, {@link PIController} for
 * adaptive steps driven by the method's error estimate. Kept apart from the methods so that any
 * method can be paired with any controller its tableau supports.
 */
public sealed interface StepSizeController permits ConstantStepSize, PIController {
}
