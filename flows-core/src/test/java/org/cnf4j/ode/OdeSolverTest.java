package org.cnf4j.ode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class OdeSolverTest {

    private static final double[] Y0 = {1.0, -0.3, 2.0};

    private static double forcedDecayError(INDArray y, double t) {
        double max = 0;
        for (int i = 0; i < Y0.length; i++) {
            max = Math.max(max, Math.abs(y.getDouble(i) - Problems.forcedDecayExact(Y0[i], t)));
        }
        return max;
    }

    /** Least-squares slope of log(err) against log(h). */
    static double slope(double[] h, double[] err) {
        int n = h.length;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += Math.log(h[i]) / n;
            my += Math.log(err[i]) / n;
        }
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < n; i++) {
            double dx = Math.log(h[i]) - mx;
            sxy += dx * (Math.log(err[i]) - my);
            sxx += dx * dx;
        }
        return sxy / sxx;
    }

    @ParameterizedTest
    @EnumSource(RungeKuttaMethod.class)
    void observedOrderMatchesTheMethodsOrder(RungeKuttaMethod method) {
        double tEnd = 3.0;
        int[] steps = method.order() >= 5 ? new int[] {6, 9, 13, 19} : new int[] {20, 40, 80, 160};
        double[] h = new double[steps.length];
        double[] err = new double[steps.length];
        for (int i = 0; i < steps.length; i++) {
            OdeSolution sol = OdeSolver.fixed(method, steps[i]).solve(Problems.FORCED_DECAY, 0, tEnd, Problems.vec(Y0));
            h[i] = tEnd / steps[i];
            err[i] = forcedDecayError(sol.finalState(), tEnd);
            ButcherTableau tab = method.tableau();
            int expectedEvaluations = tab.isFsal() ? 1 + steps[i] * (tab.stages() - 1) : steps[i] * tab.stages();
            assertEquals(expectedEvaluations, sol.stats().functionEvaluations());
        }
        double p = slope(h, err);
        System.out.printf("%s: observed order %.2f (expected %d)%n", method, p, method.order());
        assertEquals(method.order(), p, 0.3, method + " observed order " + p);
    }

    @ParameterizedTest
    @EnumSource(
            value = RungeKuttaMethod.class,
            names = {"BOSH3", "DOPRI5", "TSIT5"})
    void adaptiveMethodsMeetTheirToleranceAndErrorShrinksWithIt(RungeKuttaMethod method) {
        double previous = Double.POSITIVE_INFINITY;
        for (double tol : new double[] {1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8}) {
            OdeSolution sol =
                    OdeSolver.adaptive(method, tol, tol).solve(Problems.ROTATION, 0, 10, Problems.vec(1, 0, 0.5, 0.5));
            INDArray y = sol.finalState();
            double err = Math.max(
                    Math.max(Math.abs(y.getDouble(0) - Math.cos(10)), Math.abs(y.getDouble(1) + Math.sin(10))),
                    Math.max(
                            Math.abs(y.getDouble(2) - 0.5 * (Math.cos(10) + Math.sin(10))),
                            Math.abs(y.getDouble(3) - 0.5 * (Math.cos(10) - Math.sin(10)))));
            if (tol == 1e-6) {
                assertTrue(err < 1e-4, method + " error " + err + " at tolerance 1e-6");
            }
            assertTrue(err < previous, method + ": error " + err + " at tol " + tol + " not below " + previous);
            previous = err;
        }
        OdeSolution decay = OdeSolver.adaptive(method, 1e-6, 1e-6).solve(Problems.FORCED_DECAY, 0, 5, Problems.vec(Y0));
        assertTrue(forcedDecayError(decay.finalState(), 5) < 1e-4);
    }

    @ParameterizedTest
    @EnumSource(
            value = RungeKuttaMethod.class,
            names = {"BOSH3", "DOPRI5", "TSIT5"})
    void backwardIntegrationReturnsTheStartState(RungeKuttaMethod method) {
        INDArray y0 = Problems.vec(2.0, 0.0);
        OdeSolver solver = OdeSolver.adaptive(method, 1e-12, 1e-12).withMaxSteps(200_000);
        INDArray y1 = solver.solve(Problems.VAN_DER_POL, 0, 3, y0).finalState();
        INDArray back = solver.solve(Problems.VAN_DER_POL, 3, 0, y1).finalState();
        assertTrue(Problems.maxAbsDiff(back, y0) < 1e-8, "round trip error " + Problems.maxAbsDiff(back, y0));
    }

    @ParameterizedTest
    @EnumSource(RungeKuttaMethod.class)
    void denseOutputConvergesAtTheInterpolantsOrder(RungeKuttaMethod method) {
        int interpolantOrder = method.denseOutput() == DenseOutput.HERMITE ? 3 : 4;
        int expected = Math.min(method.order(), interpolantOrder + 1);
        double tEnd = 3.0;
        int[] steps = expected >= 5 ? new int[] {6, 9, 13, 19} : new int[] {20, 40, 80, 160};
        double[] h = new double[steps.length];
        double[] err = new double[steps.length];
        for (int i = 0; i < steps.length; i++) {
            double hi = tEnd / steps[i];
            double[] times = new double[steps[i]];
            for (int k = 0; k < steps[i]; k++) {
                times[k] = (k + 0.37) * hi;
            }
            OdeSolution sol =
                    OdeSolver.fixed(method, steps[i]).solve(Problems.FORCED_DECAY, 0, tEnd, Problems.vec(Y0), times);
            double e = 0;
            for (int k = 0; k < times.length; k++) {
                e = Math.max(e, forcedDecayError(sol.at(k), times[k]));
            }
            h[i] = hi;
            err[i] = e;
        }
        double p = slope(h, err);
        System.out.printf("%s: dense output order %.2f (expected %d)%n", method, p, expected);
        assertTrue(p > expected - 0.3, method + " dense output order " + p + ", expected " + expected);
    }

    @ParameterizedTest
    @EnumSource(
            value = RungeKuttaMethod.class,
            names = {"BOSH3", "DOPRI5", "TSIT5"})
    void adaptiveDenseOutputMatchesATightSolve(RungeKuttaMethod method) {
        double[] times = {0.1, 0.77, 1.5, 2.25, 3.0};
        OdeSolution coarse =
                OdeSolver.adaptive(method, 1e-8, 1e-8).solve(Problems.VAN_DER_POL, 0, 3, Problems.vec(2, 0), times);
        OdeSolver tight = OdeSolver.adaptive(RungeKuttaMethod.DOPRI5, 1e-12, 1e-12);
        for (int k = 0; k < times.length; k++) {
            INDArray ref = tight.solve(Problems.VAN_DER_POL, 0, times[k], Problems.vec(2, 0))
                    .finalState();
            assertTrue(Problems.maxAbsDiff(coarse.at(k), ref) < 1e-5, method + " at t = " + times[k]);
        }
    }

    @Test
    void blowUpEndsInAnExceptionNamingTheTime() {
        OdeSystem square = Problems.system((t, y, dy, n) -> dy.put(0, y.get(0) * y.get(0)));
        OdeSolveException e = assertThrows(
                OdeSolveException.class,
                () -> OdeSolver.adaptive(RungeKuttaMethod.DOPRI5, 1e-6, 1e-6).solve(square, 0, 2, Problems.vec(1.0)));
        assertEquals(1.0, e.t(), 1e-3, e.getMessage());
        assertTrue(e.getMessage().contains("t = 1.000") || e.getMessage().contains("t = 0.999"), e.getMessage());
    }

    @Test
    void aCapOnFunctionEvaluationsStopsTheSolve() {
        OdeSystem decay = Problems.system((t, y, dy, n) -> dy.put(0, -y.get(0)));
        OdeSolver free = OdeSolver.adaptive(RungeKuttaMethod.DOPRI5, 1e-10, 1e-10);
        OdeSolution sol = free.solve(decay, 0, 5, Problems.vec(1.0));
        int needed = sol.stats().functionEvaluations();
        assertTrue(needed > 40, "needs " + needed);
        OdeSolveException e = assertThrows(
                OdeSolveException.class, () -> free.withMaxEvaluations(40).solve(decay, 0, 5, Problems.vec(1.0)));
        assertEquals(OdeSolveException.Reason.TOO_MANY_EVALUATIONS, e.reason());
        assertTrue(e.getMessage().contains("40 function evaluations"), e.getMessage());
        OdeSolution capped = free.withMaxEvaluations(needed).solve(decay, 0, 5, Problems.vec(1.0));
        assertEquals(sol.finalState(), capped.finalState(), "a cap that is not reached changes nothing");
        assertThrows(
                OdeSolveException.class,
                () -> OdeSolver.fixed(RungeKuttaMethod.RK4, 10)
                        .withMaxEvaluations(39)
                        .solve(decay, 0, 1, Problems.vec(1.0)));
    }

    @Test
    void nanFromTheRightHandSideIsAnException() {
        OdeSystem nanAfterHalf = Problems.system((t, y, dy, n) -> dy.put(0, t > 0.5 ? Double.NaN : -y.get(0)));
        OdeSolveException adaptive = assertThrows(
                OdeSolveException.class,
                () -> OdeSolver.adaptive(RungeKuttaMethod.DOPRI5, 1e-6, 1e-6)
                        .solve(nanAfterHalf, 0, 1, Problems.vec(1.0)));
        assertEquals(OdeSolveException.Reason.NON_FINITE_DERIVATIVE, adaptive.reason());
        assertEquals(0.5, adaptive.t(), 1e-6);
        OdeSolveException fixed = assertThrows(
                OdeSolveException.class,
                () -> OdeSolver.fixed(RungeKuttaMethod.RK4, 10).solve(nanAfterHalf, 0, 1, Problems.vec(1.0)));
        assertEquals(OdeSolveException.Reason.NON_FINITE_DERIVATIVE, fixed.reason());
        OdeSystem nanAtStart = Problems.system((t, y, dy, n) -> dy.put(0, Double.NaN));
        OdeSolveException start = assertThrows(
                OdeSolveException.class,
                () -> OdeSolver.adaptive(RungeKuttaMethod.DOPRI5, 1e-6, 1e-6)
                        .solve(nanAtStart, 0, 1, Problems.vec(1.0)));
        assertEquals(0.0, start.t());
        assertThrows(
                OdeSolveException.class,
                () -> OdeSolver.fixed(RungeKuttaMethod.EULER, 5)
                        .solve(Problems.ROTATION, 0, 1, Problems.vec(Double.NaN, 1)));
    }

    @Test
    void tooManyStepsIsAnException() {
        OdeSolver solver = new OdeSolver(RungeKuttaMethod.DOPRI5, PIController.of(1e-10, 1e-10), 5);
        OdeSolveException e = assertThrows(
                OdeSolveException.class, () -> solver.solve(Problems.VAN_DER_POL, 0, 20, Problems.vec(2, 0)));
        assertEquals(OdeSolveException.Reason.TOO_MANY_STEPS, e.reason());
        PIController withMin = PIController.of(1e-12, 1e-12).withStepLimits(0.1, Double.POSITIVE_INFINITY);
        OdeSolveException small = assertThrows(
                OdeSolveException.class,
                () -> new OdeSolver(RungeKuttaMethod.DOPRI5, withMin, 1000)
                        .solve(Problems.VAN_DER_POL, 0, 20, Problems.vec(2, 0)));
        assertEquals(OdeSolveException.Reason.STEP_SIZE_TOO_SMALL, small.reason());
    }

    @Test
    void aBatchOfIndependentProblemsSolvesAsWellAsEachAlone() {
        double[] starts = {1.0, -0.3, 2.0, 0.0, 5.0};
        OdeSolver solver = OdeSolver.adaptive(RungeKuttaMethod.DOPRI5, 1e-6, 1e-6);
        INDArray batch = Nd4j.createFromArray(starts).castTo(DataType.DOUBLE).reshape(5, 1);
        INDArray together = solver.solve(Problems.FORCED_DECAY, 0, 4, batch).finalState();
        assertEquals(2, together.rank());
        for (int i = 0; i < starts.length; i++) {
            double exact = Problems.forcedDecayExact(starts[i], 4);
            double alone = solver.solve(Problems.FORCED_DECAY, 0, 4, Problems.vec(starts[i]))
                    .finalState()
                    .getDouble(0);
            double errAlone = Math.abs(alone - exact);
            double errBatch = Math.abs(together.getDouble(i, 0) - exact);
            assertTrue(errBatch < 1e-4 && errAlone < 1e-4);
            assertTrue(
                    errBatch <= Math.max(10 * errAlone, 1e-7),
                    "row " + i + ": batch " + errBatch + " alone " + errAlone);
        }
    }

    @Test
    void floatStatesAreSolvedInFloat() {
        INDArray y0 = Nd4j.createFromArray(1.0f, 0.0f);
        OdeSystem rotation = (t, y, dy) -> {
            dy.putScalar(0, y.getDouble(1));
            dy.putScalar(1, -y.getDouble(0));
        };
        OdeSolution sol =
                OdeSolver.adaptive(RungeKuttaMethod.DOPRI5, 1e-5, 1e-5).solve(rotation, 0, 2, y0, new double[] {1.0});
        assertEquals(DataType.FLOAT, sol.finalState().dataType());
        assertEquals(Math.cos(2), sol.finalState().getDouble(0), 1e-4);
        assertEquals(-Math.sin(1), sol.at(0).getDouble(1), 1e-4);
    }

    @Test
    void outputTimesIncludeTheEndsAndWorkBackwards() {
        double[] times = {2.0, 1.5, 1.0, 0.0};
        OdeSolution sol = OdeSolver.adaptive(RungeKuttaMethod.TSIT5, 1e-9, 1e-9)
                .solve(Problems.ROTATION, 2, 0, Problems.vec(Math.cos(2), -Math.sin(2)), times);
        for (int k = 0; k < times.length; k++) {
            assertEquals(Math.cos(times[k]), sol.at(k).getDouble(0), 1e-7);
            assertEquals(-Math.sin(times[k]), sol.at(k).getDouble(1), 1e-7);
        }
        assertThrows(
                IllegalArgumentException.class,
                () -> OdeSolver.adaptive(RungeKuttaMethod.DOPRI5, 1e-6, 1e-6)
                        .solve(Problems.ROTATION, 0, 1, Problems.vec(1, 0), new double[] {0.5, 0.2}));
        assertThrows(
                IllegalArgumentException.class,
                () -> OdeSolver.adaptive(RungeKuttaMethod.DOPRI5, 1e-6, 1e-6)
                        .solve(Problems.ROTATION, 0, 1, Problems.vec(1, 0), new double[] {1.5}));
    }

    @Test
    void statisticsCountEveryEvaluation() {
        OdeSolution sol = OdeSolver.adaptive(RungeKuttaMethod.DOPRI5, 1e-8, 1e-8)
                .solve(Problems.VAN_DER_POL, 0, 5, Problems.vec(2, 0));
        SolverStats s = sol.stats();
        // f(t0, y0), one evaluation to choose the first step, then 6 per attempted step (FSAL)
        assertEquals(2 + 6 * (s.acceptedSteps() + s.rejectedSteps()), s.functionEvaluations());
        int[] calls = {0};
        OdeSystem counted = (t, y, dy) -> {
            calls[0]++;
            Problems.VAN_DER_POL.derivative(t, y, dy);
        };
        OdeSolver.adaptive(RungeKuttaMethod.DOPRI5, 1e-8, 1e-8).solve(counted, 0, 5, Problems.vec(2, 0));
        assertEquals(s.functionEvaluations(), calls[0]);
    }

    @Test
    void seminormLeavesPartsOutOfStepControl() {
        StateLayout layout = StateLayout.builder().add("slow", 1).add("fast", 1).build();
        OdeSystem system = Problems.system((t, y, dy, n) -> {
            dy.put(0, -y.get(0));
            dy.put(1, 40 * Math.cos(40 * t));
        });
        INDArray y0 = Problems.vec(1, 0);
        PIController full = PIController.of(1e-8, 1e-8);
        PIController semi = full.withNorm(ErrorNorm.excluding(layout, "fast"));
        SolverStats fullStats = new OdeSolver(RungeKuttaMethod.DOPRI5, full, 10_000)
                .solve(system, 0, 2, y0)
                .stats();
        OdeSolution semiSol = new OdeSolver(RungeKuttaMethod.DOPRI5, semi, 10_000).solve(system, 0, 2, y0);
        assertTrue(
                semiSol.stats().functionEvaluations() < fullStats.functionEvaluations() / 2,
                semiSol.stats() + " vs " + fullStats);
        assertEquals(Math.exp(-2), semiSol.finalState().getDouble(0), 1e-7);
        assertThrows(IllegalArgumentException.class, () -> ErrorNorm.excluding(layout, "slow", "fast"));
        assertThrows(IllegalArgumentException.class, () -> ErrorNorm.excluding(layout, "missing"));
    }

    @Test
    void theMixedNormMeasuresEachPartApart() {
        StateLayout layout =
                StateLayout.builder().add("still", 200).add("moving", 2).build();
        OdeSystem system = new OdeSystem() {
            @Override
            public void derivative(double t, INDArray y, INDArray dy) {
                Problems.ROTATION.derivative(t, y, dy);
            }

            @Override
            public StateLayout layout() {
                return layout;
            }
        };
        // 100 resting oscillators and one moving: the whole-state RMS averages the moving one's
        // error away, the mixed norm does not
        INDArray y0 = Nd4j.zeros(DataType.DOUBLE, 202);
        y0.putScalar(200, 1.0);
        PIController pi = PIController.of(1e-8, 1e-8);
        OdeSolution rms = new OdeSolver(RungeKuttaMethod.DOPRI5, pi, 10_000).solve(system, 0, 5, y0);
        OdeSolution mixed =
                new OdeSolver(RungeKuttaMethod.DOPRI5, pi.withNorm(ErrorNorm.mixed()), 10_000).solve(system, 0, 5, y0);
        OdeSolution semi = new OdeSolver(
                        RungeKuttaMethod.DOPRI5, pi.withNorm(ErrorNorm.mixedExcluding("moving")), 10_000)
                .solve(system, 0, 5, y0);
        assertTrue(mixed.stats().functionEvaluations() > rms.stats().functionEvaluations());
        assertTrue(Math.abs(mixed.finalState().getDouble(200) - Math.cos(5)) < 1e-7);
        assertTrue(semi.stats().functionEvaluations() < mixed.stats().functionEvaluations());
        assertThrows(
                IllegalArgumentException.class,
                () -> new OdeSolver(RungeKuttaMethod.DOPRI5, pi.withNorm(ErrorNorm.mixedExcluding("a")), 100)
                        .solve(Problems.ROTATION, 0, 1, Problems.vec(1, 0)));
    }

    @Test
    void fixedMethodsRefuseAdaptiveControl() {
        for (RungeKuttaMethod m : EnumSet.of(
                RungeKuttaMethod.EULER, RungeKuttaMethod.MIDPOINT, RungeKuttaMethod.HEUN, RungeKuttaMethod.RK4)) {
            assertThrows(IllegalArgumentException.class, () -> OdeSolver.adaptive(m, 1e-6, 1e-6));
        }
        assertEquals(RungeKuttaMethod.DOPRI5, RungeKuttaMethod.byName("Dopri5"));
        assertThrows(IllegalArgumentException.class, () -> RungeKuttaMethod.byName("rk45"));
    }

    @Test
    void stepSizeGivenAsASizeLandsOnTheEndTime() {
        OdeSolution sol = new OdeSolver(RungeKuttaMethod.RK4, ConstantStepSize.size(0.3), 1000)
                .solve(Problems.ROTATION, 0, 1, Problems.vec(1, 0));
        assertEquals(4, sol.stats().acceptedSteps());
        assertEquals(Math.cos(1), sol.finalState().getDouble(0), 1e-3);
    }

    @Test
    void stepHandlerSeesEveryAcceptedStep() {
        double[] covered = {0};
        int[] count = {0};
        OdeSolution sol = OdeSolver.adaptive(RungeKuttaMethod.DOPRI5, 1e-6, 1e-6)
                .solve(Problems.ROTATION, 0, 2, Problems.vec(1, 0), new double[0], (t, h, y0, stages, y1) -> {
                    assertEquals(covered[0], t, 1e-15);
                    assertEquals(7, stages.rows());
                    covered[0] = t + h;
                    count[0]++;
                });
        assertEquals(2.0, covered[0], 1e-15);
        assertEquals(sol.stats().acceptedSteps(), count[0]);
    }
}
