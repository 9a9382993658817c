package org.cnf4j.ode;

import org.cnf4j.linalg.NativeThreads;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Solves {@code dy/dt = F(t, y)} from t0 to t1 (forwards or backwards in time) with an explicit
 * Runge-Kutta method and a step-size controller: the one entry point for every method.
 *
 * <pre>{@code
 * OdeSolver solver = OdeSolver.adaptive(RungeKuttaMethod.DOPRI5, 1e-5, 1e-5);
 * OdeSolution sol = solver.solve((t, y, dydt) -> dydt.assign(y.neg()), 0, 1, y0);
 * INDArray y1 = sol.finalState();
 * }</pre>
 *
 * The state is one INDArray of FLOAT or DOUBLE values of any shape; the right-hand side sees
 * arrays of that shape. Every solve returns its {@link SolverStats}; failure is an
 * {@link OdeSolveException} saying where and why. A solver keeps its work buffers between solves
 * of the same size, so one instance must not be used by two threads at once.
 */
public final class OdeSolver {

    /** Default cap on accepted plus rejected steps. */
    public static final int DEFAULT_MAX_STEPS = 10_000;

    private final RungeKuttaMethod method;
    private final StepSizeController controller;
    private final int maxSteps;
    private int maxEvaluations;
    private SolverWorkspace workspace;

    /**
     * @param method the Runge-Kutta method
     * @param controller {@link ConstantStepSize} (any method) or {@link PIController} (methods
     *     with an error estimate)
     * @param maxSteps cap on accepted plus rejected steps
     */
    public OdeSolver(RungeKuttaMethod method, StepSizeController controller, int maxSteps) {
        if (controller.needsErrorEstimate() && !method.isAdaptive()) {
            throw new IllegalArgumentException(method + " has no error estimate: use a ConstantStepSize");
        }
        if (maxSteps < 1) {
            throw new IllegalArgumentException("maxSteps must be at least 1, got " + maxSteps);
        }
        this.method = method;
        this.controller = controller;
        this.maxSteps = maxSteps;
        NativeThreads.ensureConfigured();
    }

    /** An adaptive solver with the default {@link PIController} at the given tolerances. */
    public static OdeSolver adaptive(RungeKuttaMethod method, double rtol, double atol) {
        return new OdeSolver(method, PIController.of(rtol, atol), DEFAULT_MAX_STEPS);
    }

    /** A fixed-step solver taking {@code steps} equal steps. */
    public static OdeSolver fixed(RungeKuttaMethod method, int steps) {
        return new OdeSolver(method, ConstantStepSize.steps(steps), Math.max(DEFAULT_MAX_STEPS, steps));
    }

    /** The method. */
    public RungeKuttaMethod method() {
        return method;
    }

    /** The step-size controller. */
    public StepSizeController controller() {
        return controller;
    }

    /** Cap on accepted plus rejected steps. */
    public int maxSteps() {
        return maxSteps;
    }

    /** A solver with the same settings and its own work buffers (for use on another thread). */
    public OdeSolver copy() {
        return new OdeSolver(method, controller, maxSteps).withMaxEvaluations(maxEvaluations);
    }

    /** A solver with the same method and step cap and another controller. */
    public OdeSolver withController(StepSizeController newController) {
        return new OdeSolver(method, newController, maxSteps).withMaxEvaluations(maxEvaluations);
    }

    /** A solver with the same method and controller and another step cap. */
    public OdeSolver withMaxSteps(int newMaxSteps) {
        return new OdeSolver(method, controller, newMaxSteps).withMaxEvaluations(maxEvaluations);
    }

    /**
     * A solver with the same settings whose solves stop with
     * {@link OdeSolveException.Reason#TOO_MANY_EVALUATIONS} after {@code cap} function evaluations
     * (0: no cap beyond the steps').
     */
    public OdeSolver withMaxEvaluations(int cap) {
        if (cap < 0) {
            throw new IllegalArgumentException("the cap on function evaluations must not be negative, got " + cap);
        }
        OdeSolver s = new OdeSolver(method, controller, maxSteps);
        s.maxEvaluations = cap;
        return s;
    }

    /** Cap on function evaluations of one solve (0: none). */
    public int maxEvaluations() {
        return maxEvaluations;
    }

    /** Solves from t0 to t1 and returns the final state. */
    public OdeSolution solve(OdeSystem system, double t0, double t1, INDArray y0) {
        return solve(system, t0, t1, y0, new double[0], null);
    }

    /** Solves from t0 to t1 and also returns the states at {@code saveAt} (ordered from t0 to t1). */
    public OdeSolution solve(OdeSystem system, double t0, double t1, INDArray y0, double[] saveAt) {
        return solve(system, t0, t1, y0, saveAt, null);
    }

    /**
     * Solves from t0 to t1, returning the states at {@code saveAt} and reporting every accepted
     * step to {@code handler} (may be null).
     */
    public OdeSolution solve(
            OdeSystem system, double t0, double t1, INDArray y0, double[] saveAt, StepHandler handler) {
        return new Run(system, t0, t1, y0, saveAt, handler).run();
    }

    private SolverWorkspace workspace(INDArray y0, int rows) {
        int n = (int) y0.length();
        if (workspace == null || !workspace.fits(y0.dataType(), n, rows, y0.shape())) {
            workspace = new SolverWorkspace(y0.dataType(), n, rows, y0.shape());
        }
        return workspace;
    }

    /** The state of one solve, and the stepping primitives its controller drives. */
    private final class Run implements Stepper {
        private final OdeSystem system;
        private final double t0;
        private final double t1;
        private final double dir;
        private final double[] saveAt;
        private final INDArray[] saved;
        private final StepHandler handler;
        private final ButcherTableau tab;
        private final int s;
        private final SolverWorkspace w;
        private final double[] weights;
        private int nextSave;
        private int nfe;
        private int accepted;
        private int rejected;

        Run(OdeSystem system, double t0, double t1, INDArray y0, double[] saveAt, StepHandler handler) {
            if (!Double.isFinite(t0) || !Double.isFinite(t1)) {
                throw new IllegalArgumentException("integration times must be finite: " + t0 + ", " + t1);
            }
            this.system = system;
            this.t0 = t0;
            this.t1 = t1;
            this.dir = Math.signum(t1 - t0);
            this.saveAt = saveAt.clone();
            for (int i = 0; i < saveAt.length; i++) {
                double ti = saveAt[i];
                boolean inside = dir == 0 ? ti == t0 : (ti - t0) * dir >= 0 && (t1 - ti) * dir >= 0;
                boolean ordered = i == 0 || (ti - saveAt[i - 1]) * dir >= 0;
                if (!inside || !ordered) {
                    throw new IllegalArgumentException("output times must lie in [" + t0 + ", " + t1
                            + "] in the direction of integration; got " + java.util.Arrays.toString(saveAt));
                }
            }
            this.saved = new INDArray[saveAt.length];
            this.handler = handler;
            this.tab = method.tableau();
            this.s = tab.stages();
            this.w = workspace(y0, tab.isFsal() ? s : s + 1);
            this.weights = new double[w.rows];
            w.y.shaped.assign(y0);
        }

        OdeSolution run() {
            if (!w.allFinite(w.y)) {
                throw new OdeSolveException(OdeSolveException.Reason.NON_FINITE_STATE, t0, 0, "initial state");
            }
            while (nextSave < saveAt.length && saveAt[nextSave] == t0) {
                saved[nextSave++] = w.export(w.y);
            }
            if (dir != 0) {
                evaluate(t0, w.y, w.stage[0]);
                if (!w.allFinite(w.stage[0])) {
                    throw new OdeSolveException(
                            OdeSolveException.Reason.NON_FINITE_DERIVATIVE, t0, 0, "at the initial state");
                }
                controller.integrate(this);
            }
            return new OdeSolution(t0, t1, w.export(w.y), saveAt, saved, new SolverStats(nfe, accepted, rejected));
        }

        private void evaluate(double t, SolverWorkspace.Buf y, SolverWorkspace.Buf out) {
            if (maxEvaluations > 0 && nfe >= maxEvaluations) {
                throw new OdeSolveException(
                        OdeSolveException.Reason.TOO_MANY_EVALUATIONS, t, 0, maxEvaluations + " function evaluations");
            }
            system.derivative(t, y.shaped, out.shaped);
            nfe++;
        }

        /** Computes stages 1..s-1 for a step of size h from (t, y) (stage 0 already holds F(t, y)). */
        private void stages(double t, double h) {
            for (int i = 1; i < s; i++) {
                w.combine(w.tmp, w.y, h, tab.aRow(i), i);
                evaluate(t + tab.c(i) * h, w.tmp, w.stage[i]);
            }
        }

        /** Writes y1 = y + h sum b_i K_i (for FSAL methods it is the last stage input, already in tmp). */
        private void newState(double h) {
            if (tab.isFsal()) {
                w.copy(w.tmp, w.y1);
            } else {
                w.combine(w.y1, w.y, h, tab.bWeights(), s);
            }
        }

        @Override
        public double t0() {
            return t0;
        }

        @Override
        public double t1() {
            return t1;
        }

        @Override
        public double direction() {
            return dir;
        }

        @Override
        public int maxSteps() {
            return maxSteps;
        }

        @Override
        public int accepted() {
            return accepted;
        }

        @Override
        public int rejected() {
            return rejected;
        }

        @Override
        public ButcherTableau tableau() {
            return tab;
        }

        @Override
        public void startDerivative(double t) {
            if (!endDerivativeReady) {
                evaluate(t, w.y, w.stage[0]);
            }
        }

        @Override
        public void attempt(double t, double h) {
            stages(t, h);
            newState(h);
        }

        @Override
        public void requireFiniteCandidate(double t, double h) {
            if (!w.allFinite(w.y1)) {
                boolean badStage = false;
                for (int i = 0; i < s; i++) {
                    badStage |= !w.allFinite(w.stage[i]);
                }
                throw new OdeSolveException(
                        badStage
                                ? OdeSolveException.Reason.NON_FINITE_DERIVATIVE
                                : OdeSolveException.Reason.NON_FINITE_STATE,
                        t,
                        h,
                        null);
            }
        }

        @Override
        public double error(double h, long[][] groups, double rtol, double atol) {
            w.combine(w.err, null, h, tab.errorWeights(), s);
            return w.norm(groups, w.err, w.y, w.y1, rtol, atol);
        }

        @Override
        public long[][] groups(ErrorNorm norm) {
            return norm.groups(w.n, system.layout());
        }

        @Override
        public void reject() {
            rejected++;
        }

        private boolean endDerivativeReady = true;

        /** Dense output, step handler and advancing the state after an accepted step. */
        @Override
        public void accept(double t, double h, double tNext) {
            endDerivativeReady = false;
            boolean interior = nextSave < saveAt.length && (tNext - saveAt[nextSave]) * dir > 0;
            if (interior && !tab.isFsal()) {
                evaluate(tNext, w.y1, w.stage[s]);
                endDerivativeReady = true;
            }
            while (nextSave < saveAt.length && (tNext - saveAt[nextSave]) * dir >= 0) {
                double ts = saveAt[nextSave];
                if (ts == tNext) {
                    saved[nextSave++] = w.export(w.y1);
                } else {
                    java.util.Arrays.fill(weights, 0.0);
                    method.denseOutput().weights((ts - t) / h, tab, weights);
                    saved[nextSave++] = w.exportCombination(w.y, h, weights);
                }
            }
            if (handler != null) {
                handler.handleStep(t, h, w.y.flat, w.stageRows(s), w.y1.flat);
            }
            accepted++;
            w.copy(w.y1, w.y);
            if (tab.isFsal()) {
                w.copy(w.stage[s - 1], w.stage[0]);
                endDerivativeReady = true;
            } else if (endDerivativeReady) {
                w.copy(w.stage[s], w.stage[0]);
            }
        }

        @Override
        public void endDerivative(double tNext) {
            if (!tab.isFsal() && !endDerivativeReady) {
                evaluate(tNext, w.y, w.stage[0]);
            }
        }

        /** Hairer, Norsett and Wanner II.4: a first step from the sizes of y0, f0 and f's change. */
        @Override
        public double initialStep(double rtol, double atol, long[][] norm, double span) {
            double d0 = w.norm(norm, w.y, w.y, w.y, rtol, atol);
            double d1 = w.norm(norm, w.stage[0], w.y, w.y, rtol, atol);
            double h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
            h0 = Math.min(h0, span);
            w.combine(w.tmp, w.y, dir * h0, new double[] {1}, 1);
            evaluate(t0 + dir * h0, w.tmp, w.stage[1]);
            w.combine(w.err, null, 1.0 / h0, new double[] {-1, 1}, 2);
            double d2 = w.norm(norm, w.err, w.y, w.y, rtol, atol);
            double dmax = Math.max(d1, d2);
            double h1 = (!Double.isFinite(dmax) || dmax <= 1e-15)
                    ? Math.max(1e-6, h0 * 1e-3)
                    : Math.pow(0.01 / dmax, 1.0 / (tab.order() + 1));
            return Math.min(100 * h0, h1);
        }
    }
}
