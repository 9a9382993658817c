package org.cnf4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.SolverConfig;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class ToleranceSweepsTest {

    @Test
    void tighterTolerancesCostMoreAndErrLess() {
        SolverConfig own = SolverConfig.dopri5(1e-4, 1e-4);
        ContinuousNormalizingFlow flow = ContinuousNormalizingFlow.builder(2)
                .hiddenDims(16, 16)
                .solver(own)
                .seed(4)
                .build();
        // weights scaled up and a long end time give the dynamics enough curvature for the tolerances to matter
        flow.blockParameters(0).muli(3);
        flow.setEndTime(0, 2.0);
        INDArray x = ContinuousNormalizingFlow.standardNormal(64, 2, new SplittableRandom(9));
        ToleranceSweep s = ToleranceSweeps.measure(flow, x, new double[] {1e-2, 1e-4, 1e-6, 1e-9});
        assertEquals(64, s.points());
        assertEquals(0.0, s.errors()[3], "the tightest solve is the reference");
        for (int i = 1; i < 4; i++) {
            assertTrue(
                    s.evaluations()[i] > s.evaluations()[i - 1],
                    "evaluations must grow as tolerances tighten: " + Arrays.toString(s.evaluations()));
            assertTrue(s.seconds()[i] > 0);
        }
        assertTrue(s.errors()[0] > s.errors()[1] && s.errors()[1] > s.errors()[2], Arrays.toString(s.errors()));
        assertTrue(s.errors()[2] < 1e-4, "log p at 1e-6 within 1e-4 nats of 1e-9: " + s.errors()[2]);
        assertEquals(own, flow.solver(), "the flow's own solver settings are restored");
    }
}
