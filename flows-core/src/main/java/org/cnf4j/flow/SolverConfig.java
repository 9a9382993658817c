package org.cnf4j.flow;

import org.cnf4j.ode.ConstantStepSize;
import org.cnf4j.ode.ErrorNorm;
import org.cnf4j.ode.OdeSolver;
import org.cnf4j.ode.PIController;
import org.cnf4j.ode.RungeKuttaMethod;
import org.cnf4j.settings.SettingCheck;

/**
 * How a flow integrates: the Runge-Kutta method, its tolerances (adaptive methods) or number of
 * steps (fixed methods), and a cap on steps. FFJORD's default is dopri5 at rtol = atol = 1e-5.
 *
 * @param method the method
 * @param rtol relative tolerance (adaptive methods)
 * @param atol absolute tolerance (adaptive methods)
 * @param steps number of steps per block (fixed-step methods; ignored by adaptive ones)
 * @param maxSteps cap on accepted plus rejected steps of one solve
 * @param maxEvaluations cap on function evaluations of one solve (0: none beyond maxSteps)
 */
public record SolverConfig(
        RungeKuttaMethod method, double rtol, double atol, int steps, int maxSteps, int maxEvaluations) {

    /**
     * The smallest tolerance other than 0: below it double precision cannot meet the error test,
     * and an adaptive solve would only take its largest number of steps.
     */
    public static final double MIN_TOLERANCE = 1e-12;

    /** The most steps one solve may take or ask for (fixed steps per block, or the adaptive cap). */
    public static final int MAX_STEPS = 100_000;

    /**
     * Validates: this also bounds the work a model file may ask of {@code cnf density} and
     * {@code cnf sample}, at most {@link #MAX_STEPS} steps of one solve.
     */
    public SolverConfig {
        if (method.isAdaptive()) {
            SettingCheck.inClosed("rtol", rtol, 0, 1);
            SettingCheck.inClosed("atol", atol, 0, 1);
            if (rtol + atol <= 0) {
                throw new IllegalArgumentException("tolerances rtol and atol must not both be 0");
            }
            if ((rtol > 0 && rtol < MIN_TOLERANCE) || (atol > 0 && atol < MIN_TOLERANCE)) {
                throw new IllegalArgumentException("tolerances must each be 0 or at least " + MIN_TOLERANCE
                        + " (got rtol " + rtol + ", atol " + atol + ")");
            }
        } else {
            if (steps < 1) {
                throw new IllegalArgumentException(method + " is a fixed-step method: give a number of steps >= 1");
            }
            SettingCheck.inRange("steps", steps, 1, MAX_STEPS);
        }
        SettingCheck.inRange("maxSteps", maxSteps, 1, MAX_STEPS);
        SettingCheck.atLeast("maxEvaluations", maxEvaluations, 0);
    }

    /** Without a cap on function evaluations (only on steps). */
    public SolverConfig(RungeKuttaMethod method, double rtol, double atol, int steps, int maxSteps) {
        this(method, rtol, atol, steps, maxSteps, 0);
    }

    /** The same with a cap on the function evaluations of one solve (0: none). */
    public SolverConfig withMaxEvaluations(int cap) {
        return new SolverConfig(method, rtol, atol, steps, maxSteps, cap);
    }

    /** Dormand-Prince 5(4) at the given tolerances. */
    public static SolverConfig dopri5(double rtol, double atol) {
        return new SolverConfig(RungeKuttaMethod.DOPRI5, rtol, atol, 0, OdeSolver.DEFAULT_MAX_STEPS);
    }

    /** FFJORD's default: dopri5 at rtol = atol = 1e-5. */
    public static SolverConfig defaults() {
        return dopri5(1e-5, 1e-5);
    }

    /** A fixed-step method taking {@code steps} steps per block. */
    public static SolverConfig fixed(RungeKuttaMethod method, int steps) {
        return new SolverConfig(method, 0, 0, steps, Math.max(steps, OdeSolver.DEFAULT_MAX_STEPS));
    }

    /** The same with other tolerances. */
    public SolverConfig withTolerances(double newRtol, double newAtol) {
        return new SolverConfig(method, newRtol, newAtol, steps, maxSteps, maxEvaluations);
    }

    /** The same with another method (steps defaults to 100 for a fixed method given none). */
    public SolverConfig withMethod(RungeKuttaMethod newMethod) {
        return new SolverConfig(
                newMethod, rtol, atol, newMethod.isAdaptive() || steps > 0 ? steps : 100, maxSteps, maxEvaluations);
    }

    /**
     * A new solver with these settings, measuring errors in the mixed norm (the largest RMS over
     * the parts of the state, as torchdiffeq does for FFJORD's (z, logp) tuples).
     */
    public OdeSolver newSolver() {
        return newSolver(ErrorNorm.mixed());
    }

    /** A new solver measuring errors in the given norm (adaptive methods). */
    public OdeSolver newSolver(ErrorNorm norm) {
        OdeSolver solver = !method.isAdaptive()
                ? new OdeSolver(method, ConstantStepSize.steps(steps), Math.max(maxSteps, steps))
                : new OdeSolver(method, PIController.of(rtol, atol).withNorm(norm), maxSteps);
        return solver.withMaxEvaluations(maxEvaluations);
    }

    @Override
    public String toString() {
        return (method.isAdaptive() ? method + " rtol=" + rtol + " atol=" + atol : method + " " + steps + " steps")
                + (maxEvaluations > 0 ? " max nfe " + maxEvaluations : "");
    }
}
