package org.cnf4j.ode;

/**
 * Adaptive step-size control: a step is accepted when the {@link ErrorNorm} of its error
 * estimate is at most 1, and the next step is {@code h * clamp(safety * err^-alpha *
 * errPrev^beta, minFactor, maxFactor)} with {@code alpha = 1/k - 0.75 beta} and
 * {@code k = q + 1} for an embedded order q (Hairer, Norsett and Wanner, "Solving ODEs I",
 * section II.4, and Hairer and Wanner vol. II, IV.2; beta = 0.04 as in DOPRI5, beta = 0 gives
 * plain integral control). After a rejection the step may not grow. The first step is chosen
 * automatically (the same book's starting-step algorithm) unless given. Immutable; the
 * {@code with} methods return modified copies.
 */
public final class PIController implements StepSizeController {

    private final double rtol;
    private final double atol;
    private final double safety;
    private final double minFactor;
    private final double maxFactor;
    private final double beta;
    private final double minStep;
    private final double maxStep;
    private final double initialStep;
    private final ErrorNorm norm;

    private PIController(
            double rtol,
            double atol,
            double safety,
            double minFactor,
            double maxFactor,
            double beta,
            double minStep,
            double maxStep,
            double initialStep,
            ErrorNorm norm) {
        if (!(rtol >= 0) || !(atol >= 0) || rtol + atol <= 0) {
            throw new IllegalArgumentException(
                    "tolerances must be non-negative and not both zero: rtol = " + rtol + ", atol = " + atol);
        }
        if (!(safety > 0 && safety <= 1) || !(minFactor > 0 && minFactor < 1) || !(maxFactor > 1)) {
            throw new IllegalArgumentException("need 0 < safety <= 1, 0 < minFactor < 1 < maxFactor");
        }
        if (!(beta >= 0) || !(minStep >= 0) || !(maxStep > minStep) || !(initialStep >= 0)) {
            throw new IllegalArgumentException("need beta >= 0, 0 <= minStep < maxStep, initialStep >= 0");
        }
        this.rtol = rtol;
        this.atol = atol;
        this.safety = safety;
        this.minFactor = minFactor;
        this.maxFactor = maxFactor;
        this.beta = beta;
        this.minStep = minStep;
        this.maxStep = maxStep;
        this.initialStep = initialStep;
        this.norm = norm;
    }

    /** Default controller for the given tolerances: safety 0.9, factors [0.2, 10], beta 0.04. */
    public static PIController of(double rtol, double atol) {
        return new PIController(rtol, atol, 0.9, 0.2, 10.0, 0.04, 0, Double.POSITIVE_INFINITY, 0, ErrorNorm.rms());
    }

    /** Relative tolerance. */
    public double rtol() {
        return rtol;
    }

    /** Absolute tolerance. */
    public double atol() {
        return atol;
    }

    /** Safety factor applied to every proposed step. */
    public double safety() {
        return safety;
    }

    /** Smallest factor a step may shrink by. */
    public double minFactor() {
        return minFactor;
    }

    /** Largest factor a step may grow by. */
    public double maxFactor() {
        return maxFactor;
    }

    /** Proportional (memory) exponent; 0 for integral control. */
    public double beta() {
        return beta;
    }

    /** Minimum step magnitude (0: only the resolution of t limits it). */
    public double minStep() {
        return minStep;
    }

    /** Maximum step magnitude. */
    public double maxStep() {
        return maxStep;
    }

    /** First step magnitude, or 0 for automatic selection. */
    public double initialStep() {
        return initialStep;
    }

    /** The norm the error estimate is measured in. */
    public ErrorNorm norm() {
        return norm;
    }

    /** A copy with other tolerances. */
    public PIController withTolerances(double newRtol, double newAtol) {
        return new PIController(
                newRtol, newAtol, safety, minFactor, maxFactor, beta, minStep, maxStep, initialStep, norm);
    }

    /** A copy with another safety factor and growth limits. */
    public PIController withFactors(double newSafety, double newMinFactor, double newMaxFactor) {
        return new PIController(
                rtol, atol, newSafety, newMinFactor, newMaxFactor, beta, minStep, maxStep, initialStep, norm);
    }

    /** A copy with another proportional exponent (0 for integral control). */
    public PIController withBeta(double newBeta) {
        return new PIController(rtol, atol, safety, minFactor, maxFactor, newBeta, minStep, maxStep, initialStep, norm);
    }

    /** A copy with step magnitude limits. */
    public PIController withStepLimits(double newMinStep, double newMaxStep) {
        return new PIController(
                rtol, atol, safety, minFactor, maxFactor, beta, newMinStep, newMaxStep, initialStep, norm);
    }

    /** A copy with a fixed first step magnitude (0 for automatic). */
    public PIController withInitialStep(double h0) {
        return new PIController(rtol, atol, safety, minFactor, maxFactor, beta, minStep, maxStep, h0, norm);
    }

    /** A copy measuring errors in another norm (e.g. a seminorm). */
    public PIController withNorm(ErrorNorm newNorm) {
        return new PIController(rtol, atol, safety, minFactor, maxFactor, beta, minStep, maxStep, initialStep, newNorm);
    }

    @Override
    public boolean needsErrorEstimate() {
        return true;
    }

    /**
     * PI-controlled steps: each candidate's error in this controller's norm decides acceptance
     * and the next step size; the first step from {@link #initialStep()} or Hairer, Norsett and
     * Wanner's algorithm.
     */
    @Override
    public void integrate(Stepper s) {
        long[][] groups = s.groups(norm);
        double t0 = s.t0();
        double t1 = s.t1();
        double dir = s.direction();
        double alpha = 1.0 / (s.tableau().errorOrder() + 1) - 0.75 * beta;
        double span = Math.abs(t1 - t0);
        double hAbs = initialStep > 0 ? initialStep : s.initialStep(rtol, atol, groups, span);
        hAbs = Math.min(Math.min(hAbs, maxStep), span);
        double errPrev = 1e-4;
        boolean lastRejected = false;
        boolean lastNonFinite = false;
        double t = t0;
        while (true) {
            double remaining = t1 - t;
            if (Math.abs(remaining) <= 4 * Math.ulp(Math.max(Math.abs(t), Math.abs(t1)))) {
                return;
            }
            if (s.accepted() + s.rejected() >= s.maxSteps()) {
                throw new OdeSolveException(
                        OdeSolveException.Reason.TOO_MANY_STEPS, t, dir * hAbs, s.maxSteps() + " steps");
            }
            boolean last = hAbs >= Math.abs(remaining) * (1 - 1e-12);
            double h = last ? remaining : dir * hAbs;
            double tNext = last ? t1 : t + h;
            if (Math.abs(h) < minStep || tNext == t) {
                throw new OdeSolveException(
                        lastNonFinite
                                ? OdeSolveException.Reason.NON_FINITE_DERIVATIVE
                                : OdeSolveException.Reason.STEP_SIZE_TOO_SMALL,
                        t,
                        h,
                        lastNonFinite ? "steps kept producing non-finite values" : null);
            }
            s.attempt(t, h);
            double err = s.error(h, groups, rtol, atol);
            if (!(err <= 1.0)) {
                s.reject();
                lastRejected = true;
                lastNonFinite = !Double.isFinite(err);
                hAbs = Math.abs(h) * rejectFactor(err, alpha);
                continue;
            }
            double factor = acceptFactor(err, errPrev, alpha, lastRejected);
            errPrev = Math.max(err, 1e-4);
            lastRejected = false;
            lastNonFinite = false;
            s.accept(t, h, tNext);
            s.endDerivative(tNext);
            t = tNext;
            if (last) {
                return;
            }
            hAbs = Math.min(Math.abs(h) * factor, maxStep);
        }
    }

    /** Factor for the next step after an accepted step with error {@code err}. */
    double acceptFactor(double err, double errPrev, double alpha, boolean afterRejection) {
        double factor = err == 0 ? maxFactor : safety * Math.pow(err, -alpha) * Math.pow(errPrev, beta);
        factor = Math.min(maxFactor, Math.max(minFactor, factor));
        return afterRejection ? Math.min(1.0, factor) : factor;
    }

    /** Factor for the retry after a rejected step with error {@code err} (NaN: not finite). */
    double rejectFactor(double err, double alpha) {
        if (!Double.isFinite(err)) {
            return minFactor;
        }
        return Math.min(1.0, Math.max(minFactor, safety * Math.pow(err, -alpha)));
    }

    @Override
    public String toString() {
        return "PI(rtol=" + rtol + ", atol=" + atol + ", " + norm + ")";
    }
}
