package org.cnf4j.ode;

import java.util.Locale;

/**
 * A solve that could not be completed: the state or its derivative stopped being finite, the
 * step size fell below its minimum, or the step budget ran out. Carries where it happened.
 */
public class OdeSolveException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why the solve stopped. */
    public enum Reason {
        /** The state contained NaN or an infinity. */
        NON_FINITE_STATE("the state is not finite (NaN or infinite)"),
        /** The right-hand side returned NaN or an infinity. */
        NON_FINITE_DERIVATIVE("the right-hand side returned NaN or an infinity"),
        /** The controller asked for a step below the minimum (or below the resolution of t). */
        STEP_SIZE_TOO_SMALL("the step size fell below its minimum"),
        /** More steps were needed than allowed. */
        TOO_MANY_STEPS("the maximum number of steps was reached"),
        /** More function evaluations were needed than allowed. */
        TOO_MANY_EVALUATIONS("the maximum number of function evaluations was reached");

        private final String text;

        Reason(String text) {
            this.text = text;
        }

        /** A short description. */
        public String text() {
            return text;
        }
    }

    private final Reason reason;
    private final double t;
    private final double stepSize;

    /**
     * @param reason why
     * @param t time reached when the solve stopped
     * @param stepSize step size in use (signed)
     * @param detail extra words appended to the message, or null
     */
    public OdeSolveException(Reason reason, double t, double stepSize, String detail) {
        super(String.format(
                Locale.ROOT,
                "ODE solve failed at t = %.6g with step size %.3g: %s%s",
                t,
                stepSize,
                reason.text(),
                detail == null ? "" : " (" + detail + ")"));
        this.reason = reason;
        this.t = t;
        this.stepSize = stepSize;
    }

    /** Why the solve stopped. */
    public Reason reason() {
        return reason;
    }

    /** Time reached. */
    public double t() {
        return t;
    }

    /** Step size in use when it stopped (signed). */
    public double stepSize() {
        return stepSize;
    }
}
