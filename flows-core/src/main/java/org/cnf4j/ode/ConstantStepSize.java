package org.cnf4j.ode;

/**
 * Fixed steps: either a step size (the last step is shortened to land on the end time) or a
 * number of equal steps over the interval. Immutable.
 */
public final class ConstantStepSize implements StepSizeController {

    private final double size;
    private final int count;

    private ConstantStepSize(double size, int count) {
        this.size = size;
        this.count = count;
    }

    /** Steps of the given (positive) size; the sign follows the direction of integration. */
    public static ConstantStepSize size(double dt) {
        if (!(dt > 0) || Double.isInfinite(dt)) {
            throw new IllegalArgumentException("step size must be positive and finite, got " + dt);
        }
        return new ConstantStepSize(dt, 0);
    }

    /** The given number of equal steps over the interval. */
    public static ConstantStepSize steps(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("number of steps must be at least 1, got " + n);
        }
        return new ConstantStepSize(0, n);
    }

    /** The step size, or 0 when a number of steps was given. */
    public double size() {
        return size;
    }

    /** The number of steps, or 0 when a step size was given. */
    public int count() {
        return count;
    }

    /** Time reached after step k (0-based: k = 0 is t0) when integrating from t0 to t1. */
    double time(double t0, double t1, int k) {
        if (count > 0) {
            return k >= count ? t1 : t0 + (t1 - t0) * k / count;
        }
        double t = t0 + Math.signum(t1 - t0) * size * k;
        return (t1 - t) * (t1 - t0) <= 0 ? t1 : t;
    }

    @Override
    public boolean needsErrorEstimate() {
        return false;
    }

    /** Steps to the times {@link #time} gives; a non-finite state ends the solve (nothing can reject it). */
    @Override
    public void integrate(Stepper s) {
        double t0 = s.t0();
        double t1 = s.t1();
        double t = t0;
        for (int k = 1; ; k++) {
            double tNext = time(t0, t1, k);
            double h = tNext - t;
            if (s.accepted() >= s.maxSteps()) {
                throw new OdeSolveException(OdeSolveException.Reason.TOO_MANY_STEPS, t, h, s.maxSteps() + " steps");
            }
            s.startDerivative(t);
            s.attempt(t, h);
            s.requireFiniteCandidate(t, h);
            s.accept(t, h, tNext);
            t = tNext;
            if (tNext == t1) {
                return;
            }
        }
    }

    @Override
    public String toString() {
        return count > 0 ? count + " steps" : "step " + size;
    }
}
