package org.cnf4j.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.cnf4j.flow.SolverConfig;
import org.cnf4j.ode.RungeKuttaMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Sampling with a fixed-step method converges to the adaptive solver's samples at the method's order. */
class FixedStepSamplingTest {

    private static double error(DensityModel model, INDArray reference, RungeKuttaMethod method, int steps) {
        model.flow().setSolver(SolverConfig.fixed(method, steps));
        INDArray x = new Sampler(model).sample(64, 3).samples();
        return x.sub(reference).norm2Number().doubleValue();
    }

    @ParameterizedTest
    @EnumSource(
            value = RungeKuttaMethod.class,
            names = {"EULER", "MIDPOINT", "HEUN", "RK4"})
    void samplesConvergeAtTheMethodsOrder(RungeKuttaMethod method) {
        DensityModel model = SamplersTest.model(4);
        model.flow().setSolver(SolverConfig.dopri5(1e-11, 1e-11));
        INDArray reference = new Sampler(model).sample(64, 3).samples();
        int k = method.order() >= 4 ? 8 : 32;
        double coarse = error(model, reference, method, k);
        double fine = error(model, reference, method, 2 * k);
        double observed = Math.log(coarse / fine) / Math.log(2);
        assertEquals(method.order(), observed, 0.3, method + ": errors " + coarse + " then " + fine);
    }

    @Test
    void aFixedStepSolveTakesStepsTimesStagesEvaluationsPerBlock() {
        DensityModel model = SamplersTest.model(5);
        model.flow().setSolver(SolverConfig.fixed(RungeKuttaMethod.MIDPOINT, 4));
        Sampler.SampleResult r = new Sampler(model).sample(10, 1);
        assertEquals(2L * 4 * 2, r.stats().functionEvaluations());
    }
}
