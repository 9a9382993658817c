package org.cnf4j.ode;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.hipparchus.ode.ODEState;
import org.hipparchus.ode.ODEStateAndDerivative;
import org.hipparchus.ode.OrdinaryDifferentialEquation;
import org.hipparchus.ode.nonstiff.DormandPrince54Integrator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Our adaptive solvers against Hipparchus's DormandPrince54 on classic non-stiff problems:
 * agreement with a tight Hipparchus reference, and comparable work at equal tolerance.
 */
class HipparchusComparisonTest {

    /** One problem in both worlds. */
    record Problem(String name, OdeSystem ours, OrdinaryDifferentialEquation theirs, double[] y0, double tEnd) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> problems() {
        OrdinaryDifferentialEquation vdp = ode(2, (t, y) -> new double[] {y[1], (1 - y[0] * y[0]) * y[1] - y[0]});
        OrdinaryDifferentialEquation lv =
                ode(2, (t, y) -> new double[] {1.5 * y[0] - y[0] * y[1], -3 * y[1] + y[0] * y[1]});
        OrdinaryDifferentialEquation aren = ode(4, (t, y) -> {
            double mu = Problems.ARENSTORF_MU;
            double mup = 1 - mu;
            double d1 = Math.pow((y[0] + mu) * (y[0] + mu) + y[1] * y[1], 1.5);
            double d2 = Math.pow((y[0] - mup) * (y[0] - mup) + y[1] * y[1], 1.5);
            return new double[] {
                y[2],
                y[3],
                y[0] + 2 * y[3] - mup * (y[0] + mu) / d1 - mu * (y[0] - mup) / d2,
                y[1] - 2 * y[2] - mup * y[1] / d1 - mu * y[1] / d2
            };
        });
        return Stream.of(
                Arguments.of(new Problem("van der Pol", Problems.VAN_DER_POL, vdp, new double[] {2, 0}, 10)),
                Arguments.of(new Problem("Lotka-Volterra", Problems.LOTKA_VOLTERRA, lv, new double[] {10, 5}, 10)),
                Arguments.of(new Problem(
                        "Arenstorf", Problems.ARENSTORF, aren, Problems.ARENSTORF_Y0, Problems.ARENSTORF_PERIOD)));
    }

    interface Rhs {
        double[] f(double t, double[] y);
    }

    static OrdinaryDifferentialEquation ode(int dim, Rhs rhs) {
        return new OrdinaryDifferentialEquation() {
            @Override
            public int getDimension() {
                return dim;
            }

            @Override
            public double[] computeDerivatives(double t, double[] y) {
                return rhs.f(t, y);
            }
        };
    }

    static double[] hipparchus(Problem p, double tol, int[] evaluations) {
        DormandPrince54Integrator dp = new DormandPrince54Integrator(1e-14, 100, tol, tol);
        ODEStateAndDerivative end = dp.integrate(p.theirs(), new ODEState(0, p.y0().clone()), p.tEnd());
        if (evaluations != null) {
            evaluations[0] = dp.getEvaluations();
        }
        return end.getPrimaryState();
    }

    static double maxDiff(INDArray ours, double[] ref) {
        double m = 0;
        for (int i = 0; i < ref.length; i++) {
            m = Math.max(m, Math.abs(ours.getDouble(i) - ref[i]));
        }
        return m;
    }

    @ParameterizedTest
    @MethodSource("problems")
    void dopri5AndBosh3AgreeWithATightHipparchusReference(Problem p) {
        double[] ref = hipparchus(p, 1e-13, null);
        INDArray y0 = Nd4j.createFromArray(p.y0().clone());
        INDArray dopri = OdeSolver.adaptive(RungeKuttaMethod.DOPRI5, 1e-11, 1e-11)
                .withMaxSteps(100_000)
                .solve(p.ours(), 0, p.tEnd(), y0)
                .finalState();
        assertTrue(maxDiff(dopri, ref) < 1e-6, p + " dopri5 differs by " + maxDiff(dopri, ref));
        INDArray tsit = OdeSolver.adaptive(RungeKuttaMethod.TSIT5, 1e-11, 1e-11)
                .withMaxSteps(100_000)
                .solve(p.ours(), 0, p.tEnd(), y0)
                .finalState();
        assertTrue(maxDiff(tsit, ref) < 1e-6, p + " tsit5 differs by " + maxDiff(tsit, ref));
        INDArray bosh = OdeSolver.adaptive(RungeKuttaMethod.BOSH3, 1e-12, 1e-12)
                .withMaxSteps(1_000_000)
                .solve(p.ours(), 0, p.tEnd(), y0)
                .finalState();
        assertTrue(maxDiff(bosh, ref) < 1e-6, p + " bosh3 differs by " + maxDiff(bosh, ref));
    }

    @ParameterizedTest
    @MethodSource("problems")
    void dopri5UsesAboutAsManyEvaluationsAsHipparchus(Problem p) {
        for (double tol : new double[] {1e-6, 1e-9}) {
            int[] theirs = new int[1];
            hipparchus(p, tol, theirs);
            OdeSolution ours = OdeSolver.adaptive(RungeKuttaMethod.DOPRI5, tol, tol)
                    .withMaxSteps(100_000)
                    .solve(p.ours(), 0, p.tEnd(), Nd4j.createFromArray(p.y0().clone()));
            int mine = ours.stats().functionEvaluations();
            System.out.printf(
                    "%s tol %.0e: dopri5 %d evaluations (%d accepted, %d rejected), Hipparchus DormandPrince54 %d%n",
                    p, tol, mine, ours.stats().acceptedSteps(), ours.stats().rejectedSteps(), theirs[0]);
            assertTrue(
                    Math.abs(mine - theirs[0]) <= 0.25 * theirs[0],
                    p + " at " + tol + ": " + mine + " evaluations vs Hipparchus " + theirs[0]);
        }
    }
}
