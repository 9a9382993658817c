package org.cnf4j.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.cnf4j.nn.Activation;
import org.cnf4j.nn.Dynamics;
import org.cnf4j.nn.LayerType;
import org.cnf4j.nn.MlpDynamics;
import org.cnf4j.trace.TraceEstimator;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ContinuousNormalizingFlowTest {

    static final SolverConfig TIGHT = SolverConfig.dopri5(1e-12, 1e-12).withTolerances(1e-12, 1e-12);

    /** f(z) = A z as a one-layer network without bias: W = A^T. */
    static MlpDynamics linear(INDArray a) {
        int d = a.rows();
        MlpDynamics net = new MlpDynamics(new int[] {d, d}, LayerType.IGNORE, Activation.TANH);
        net.parameters()
                .get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, (long) d * d))
                .assign(a.transpose().dup('c').reshape((long) d * d));
        return net;
    }

    static INDArray randomMatrix(int rows, int cols, long seed, double scale) {
        SplittableRandom r = new SplittableRandom(seed);
        INDArray m = Nd4j.create(DataType.DOUBLE, rows, cols);
        for (long i = 0; i < m.length(); i++) {
            m.putScalar(i, scale * r.nextGaussian());
        }
        return m;
    }

    @Test
    void theExactTraceIsTheDefaultWhileItCostsAtMostFortyHutchinsonEstimates() {
        // built-in networks: one pass per probe, so exact costs (1 + D) / 2 Hutchinson estimates
        assertTrue(ContinuousNormalizingFlow.defaultEvaluationEstimator(30).isExact());
        assertTrue(ContinuousNormalizingFlow.defaultEvaluationEstimator(64).isExact());
        assertTrue(ContinuousNormalizingFlow.defaultEvaluationEstimator(79).isExact());
        assertTrue(!ContinuousNormalizingFlow.defaultEvaluationEstimator(80).isExact());
        assertTrue(ContinuousNormalizingFlow.builder(64)
                .hiddenDims(8)
                .build()
                .traceEstimator()
                .isExact());
        assertTrue(ContinuousNormalizingFlow.builder(64)
                .hiddenDims(8)
                .build()
                .defaultEvaluationEstimator()
                .isExact());
        assertTrue(!ContinuousNormalizingFlow.builder(100)
                .hiddenDims(8)
                .build()
                .defaultEvaluationEstimator()
                .isExact());
    }

    @Test
    void linearDynamicsGiveTheClosedFormLogDensity() {
        INDArray a = randomMatrix(3, 3, 1, 0.6);
        double t = 0.7;
        ContinuousNormalizingFlow flow = new ContinuousNormalizingFlow(
                List.of(linear(a)), new double[] {t}, false, TIGHT, TraceEstimator.exact(), 0);
        INDArray x = randomMatrix(5, 3, 2, 1.0);
        LogProbResult r = flow.logProb(x);
        INDArray z = x.mmul(LinearAlgebra.expm(a.mul(t)).transpose());
        INDArray expected =
                ContinuousNormalizingFlow.standardNormalLogDensity(z).add(t * LinearAlgebra.trace(a));
        for (int i = 0; i < 5; i++) {
            assertEquals(expected.getDouble(i), r.logProb().getDouble(i), 1e-8);
        }
        assertTrue(r.latent().sub(z).amaxNumber().doubleValue() < 1e-8);
    }

    @Test
    void twoLinearBlocksChainFromDataToLatent() {
        INDArray a1 = randomMatrix(2, 2, 3, 0.8);
        INDArray a2 = randomMatrix(2, 2, 4, 0.8);
        ContinuousNormalizingFlow flow = new ContinuousNormalizingFlow(
                List.of(linear(a1), linear(a2)), new double[] {0.4, 0.9}, false, TIGHT, TraceEstimator.exact(), 0);
        INDArray x = randomMatrix(4, 2, 5, 1.0);
        INDArray z = x.mmul(LinearAlgebra.expm(a1.mul(0.4)).transpose())
                .mmul(LinearAlgebra.expm(a2.mul(0.9)).transpose());
        INDArray expected = ContinuousNormalizingFlow.standardNormalLogDensity(z)
                .add(0.4 * LinearAlgebra.trace(a1) + 0.9 * LinearAlgebra.trace(a2));
        INDArray got = flow.logProb(x).logProb();
        for (int i = 0; i < 4; i++) {
            assertEquals(expected.getDouble(i), got.getDouble(i), 1e-8);
        }
    }

    static ContinuousNormalizingFlow randomFlow(SolverConfig solver) {
        ContinuousNormalizingFlow flow = ContinuousNormalizingFlow.builder(2)
                .hiddenDims(16, 16)
                .solver(solver)
                .seed(7)
                .build();
        flow.blockParameters(0).muli(2.0);
        return flow;
    }

    @Test
    void theDensityIntegratesToOne() {
        ContinuousNormalizingFlow flow = randomFlow(SolverConfig.dopri5(1e-7, 1e-7));
        int n = 240;
        double lo = -6;
        double h = 12.0 / n;
        INDArray grid = Nd4j.create(DataType.DOUBLE, (long) n * n, 2);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                grid.putScalar(new long[] {(long) i * n + j, 0}, lo + (i + 0.5) * h);
                grid.putScalar(new long[] {(long) i * n + j, 1}, lo + (j + 0.5) * h);
            }
        }
        LogProbResult r = flow.logProb(grid);
        double mass = org.nd4j.linalg.ops.transforms.Transforms.exp(r.logProb(), true)
                        .sumNumber()
                        .doubleValue()
                * h
                * h;
        assertEquals(1.0, mass, 0.01);
        // the flow is far from the identity: the density differs from the base's
        double base = org.nd4j.linalg.ops.transforms.Transforms.exp(
                        ContinuousNormalizingFlow.standardNormalLogDensity(grid), true)
                .sub(org.nd4j.linalg.ops.transforms.Transforms.exp(r.logProb(), true))
                .amaxNumber()
                .doubleValue();
        assertTrue(base > 0.01, "max density difference from N(0, I): " + base);
    }

    @Test
    void encodeThenDecodeReturnsTheInput() {
        ContinuousNormalizingFlow flow = ContinuousNormalizingFlow.builder(2)
                .hiddenDims(16, 16)
                .blocks(2)
                .solver(SolverConfig.dopri5(1e-9, 1e-9))
                .seed(3)
                .build();
        INDArray x = randomMatrix(50, 2, 8, 1.5);
        FlowResult z = flow.encode(x);
        FlowResult back = flow.decode(z.value());
        assertTrue(back.value().sub(x).amaxNumber().doubleValue() < 1e-6);
        assertTrue(z.value().sub(x).amaxNumber().doubleValue() > 1e-2);
        assertTrue(z.stats().functionEvaluations() > 0 && back.stats().functionEvaluations() > 0);
        // the latent of encode is the latent of logProb
        assertTrue(flow.logProb(x).latent().sub(z.value()).amaxNumber().doubleValue() < 1e-6);
    }

    @Test
    void hutchinsonLogDensityAveragesToTheExactOne() {
        ContinuousNormalizingFlow flow = ContinuousNormalizingFlow.builder(3)
                .hiddenDims(16, 16)
                .solver(SolverConfig.dopri5(1e-8, 1e-8))
                .seed(5)
                .build();
        flow.blockParameters(0).muli(2.0);
        INDArray point = randomMatrix(1, 3, 9, 1.0);
        double exact = flow.logProb(point).logProb().getDouble(0);
        int n = 4000;
        INDArray copies = point.repeat(0, n);
        for (TraceEstimator est : new TraceEstimator[] {TraceEstimator.hutchinson(), TraceEstimator.rademacher()}) {
            flow.setTraceEstimator(est);
            INDArray estimates = flow.logProb(copies, new SplittableRandom(11)).logProb();
            double mean = estimates.meanNumber().doubleValue();
            double se = Math.sqrt(estimates.varNumber().doubleValue() / n);
            assertTrue(se > 1e-4, "the estimate should be random");
            assertTrue(Math.abs(mean - exact) < 4 * se, est + ": mean " + mean + " exact " + exact + " se " + se);
        }
    }

    @Test
    void aRowsHutchinsonProbesDoNotDependOnItsNeighbours() {
        // fixed steps, so that only the probes could tie a row to the rest of its batch
        ContinuousNormalizingFlow flow = ContinuousNormalizingFlow.builder(3)
                .hiddenDims(16, 16)
                .blocks(2)
                .solver(SolverConfig.fixed(org.cnf4j.ode.RungeKuttaMethod.byName("rk4"), 20))
                .seed(5)
                .build();
        flow.setTraceEstimator(TraceEstimator.hutchinson());
        INDArray rows = randomMatrix(5, 3, 2, 1.0);
        INDArray alone = flow.logProb(rows.getRows(3)).logProb();
        INDArray together = flow.logProb(rows).logProb();
        INDArray shuffled = flow.logProb(rows.getRows(4, 3, 0)).logProb();
        assertEquals(alone.getDouble(0), together.getDouble(3), 0.0);
        assertEquals(alone.getDouble(0), shuffled.getDouble(1), 0.0);
        // the probes are random: another seed gives another estimate
        double before = alone.getDouble(0);
        flow.setSeed(6);
        assertTrue(Math.abs(before - flow.logProb(rows.getRows(3)).logProb().getDouble(0)) > 1e-9);
    }

    @Test
    void badInputIsRefusedBeforeAnySolve() {
        CountingDynamics counting = new CountingDynamics(MlpDynamics.create(
                new int[] {2, 8, 2}, LayerType.CONCAT_SQUASH, Activation.TANH, new SplittableRandom(1)));
        ContinuousNormalizingFlow flow = new ContinuousNormalizingFlow(
                List.<Dynamics>of(counting),
                new double[] {0.5},
                true,
                SolverConfig.defaults(),
                TraceEstimator.exact(),
                0);
        IllegalArgumentException cols =
                assertThrows(IllegalArgumentException.class, () -> flow.logProb(Nd4j.zeros(DataType.DOUBLE, 4, 3)));
        assertTrue(cols.getMessage().contains("[n, 2]"), cols.getMessage());
        INDArray x = Nd4j.zeros(DataType.DOUBLE, 4, 2);
        x.putScalar(2, 1, Double.NaN);
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class, () -> flow.logProb(x));
        assertEquals("x has a non-finite value (NaN) at row 2, column 1", nan.getMessage());
        x.putScalar(2, 1, Double.NEGATIVE_INFINITY);
        assertThrows(IllegalArgumentException.class, () -> flow.encode(x));
        assertThrows(IllegalArgumentException.class, () -> flow.decode(x));
        assertEquals(0, counting.calls);
        flow.logProb(Nd4j.zeros(DataType.DOUBLE, 4, 2));
        assertTrue(counting.calls > 0);
    }

    @Test
    void decodingWithTheLogDensityAgreesWithLogProbOfTheDecodedPoints() {
        ContinuousNormalizingFlow flow = ContinuousNormalizingFlow.builder(2)
                .hiddenDims(16, 16)
                .blocks(2)
                .solver(SolverConfig.dopri5(1e-9, 1e-9))
                .seed(5)
                .build();
        INDArray z = randomMatrix(20, 2, 3, 1.0);
        FlowResult decoded = flow.decodeWithLogProb(z, new SplittableRandom(1));
        assertTrue(decoded.value().sub(flow.decode(z).value()).amaxNumber().doubleValue() < 1e-7);
        INDArray direct = flow.logProb(decoded.value()).logProb();
        assertTrue(decoded.logProb().sub(direct).amaxNumber().doubleValue() < 1e-6);
    }

    @Test
    void samplingIsSeededAndReportsItsWork() {
        ContinuousNormalizingFlow flow =
                ContinuousNormalizingFlow.builder(2).hiddenDims(8).seed(1).build();
        FlowResult a = flow.sample(100, 42);
        FlowResult b = flow.sample(100, 42);
        FlowResult c = flow.sample(100, 43);
        assertEquals(a.value(), b.value());
        assertTrue(a.value().sub(c.value()).amaxNumber().doubleValue() > 0.1);
        assertEquals(100, a.value().rows());
        assertTrue(a.stats().functionEvaluations() > 0);
        assertThrows(IllegalArgumentException.class, () -> flow.sample(-1, 0));
    }

    @Test
    void parametersLiveInOneArrayWithTheEndTimes() {
        ContinuousNormalizingFlow flow = ContinuousNormalizingFlow.builder(2)
                .hiddenDims(8)
                .blocks(3)
                .endTime(0.3)
                .build();
        long p = flow.block(0).parameterCount();
        assertEquals(3 * p + 3, flow.parameterCount());
        assertEquals(0.3, flow.endTime(2), 1e-15);
        assertEquals(Math.sqrt(0.3), flow.parameters().getDouble(flow.endTimeIndex(1)), 1e-15);
        flow.parameters().putScalar(p + 1, 123.0);
        assertEquals(123.0, flow.block(1).parameters().getDouble(1));
        assertEquals("exact", flow.traceEstimator().name());
        assertEquals(
                "hutchinson",
                ContinuousNormalizingFlow.defaultEvaluationEstimator(80).name());
    }
}
