package org.cnf4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.cnf4j.data.Standardizer;
import org.cnf4j.data.TrainingData;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.RandomStreams;
import org.cnf4j.flow.SolverConfig;
import org.cnf4j.trace.TraceEstimator;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A conditional flow learns x | c ~ N(A c + b, L L^T) (x 2-D, c 1-D) by flow matching and by
 * maximum likelihood; its exact-trace log p(x | c) is compared with the true conditional density.
 */
class ConditionalTrainingTest {

    static final double[] A = {1.2, -0.8};
    static final double[] B = {0.3, 0.1};
    static final double[][] L = {{0.5, 0}, {0.3, 0.4}};

    /** Joint rows [x0, x1, c] with c ~ N(0, 1). */
    record ConditionalGaussian(long seed) implements TrainingData {
        public int dim() {
            return 3;
        }

        static INDArray draw(SplittableRandom r, int n) {
            INDArray a = Nd4j.create(DataType.DOUBLE, n, 3);
            for (int i = 0; i < n; i++) {
                double c = r.nextGaussian();
                double e0 = r.nextGaussian();
                double e1 = r.nextGaussian();
                a.putScalar(i, 0, A[0] * c + B[0] + L[0][0] * e0);
                a.putScalar(i, 1, A[1] * c + B[1] + L[1][0] * e0 + L[1][1] * e1);
                a.putScalar(i, 2, c);
            }
            return a;
        }

        static double logDensity(double x, double y, double c) {
            double e0 = (x - A[0] * c - B[0]) / L[0][0];
            double e1 = (y - A[1] * c - B[1] - L[1][0] * e0) / L[1][1];
            return -0.5 * (e0 * e0 + e1 * e1) - Math.log(2 * Math.PI) - Math.log(L[0][0] * L[1][1]);
        }

        public INDArray batch(long iteration, int size) {
            return draw(RandomStreams.stream(seed, "data-" + iteration), size);
        }

        public INDArray validation() {
            return draw(RandomStreams.stream(seed, "validation"), 200);
        }

        public INDArray test() {
            return draw(RandomStreams.stream(seed, "test"), 400);
        }

        public Standardizer standardizer() {
            return Standardizer.identity(3);
        }

        public long trainingRows() {
            return -1;
        }

        public boolean dequantized() {
            return false;
        }

        public String describe() {
            return "conditional Gaussian";
        }
    }

    static ContinuousNormalizingFlow flow() {
        return ContinuousNormalizingFlow.builder(2)
                .contextDim(1)
                .hiddenDims(32, 32)
                .endTime(1.0)
                .solver(SolverConfig.dopri5(1e-6, 1e-6))
                .traceEstimator(TraceEstimator.exact())
                .seed(3)
                .build();
    }

    /** Mean and worst |log p(x | c) - true| over the test rows, checked through both forms of the call. */
    static double[] errors(ContinuousNormalizingFlow flow, ConditionalGaussian data) {
        INDArray rows = data.test();
        INDArray logp = flow.logProb(rows).logProb();
        INDArray x = rows.get(
                        org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2))
                .dup();
        INDArray c = rows.get(
                        org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 3))
                .dup();
        assertArrayEquals(logp.toDoubleVector(), flow.logProb(x, c).logProb().toDoubleVector(), 0.0);
        double mean = 0;
        double worst = 0;
        for (int i = 0; i < rows.rows(); i++) {
            double want =
                    ConditionalGaussian.logDensity(rows.getDouble(i, 0), rows.getDouble(i, 1), rows.getDouble(i, 2));
            double err = Math.abs(logp.getDouble(i) - want);
            mean += err / rows.rows();
            worst = Math.max(worst, err);
        }
        return new double[] {mean, worst};
    }

    @Test
    void flowMatchingLearnsTheConditionalDensity() {
        ConditionalGaussian data = new ConditionalGaussian(4);
        ContinuousNormalizingFlow flow = flow();
        TrainingConfig config = TrainingConfig.defaults()
                .withIterations(12000)
                .withBatchSize(256)
                .withOptimizer(3e-3, 0)
                .withSchedule(LearningRateSchedule.LINEAR)
                .withValidationInterval(0)
                .withSeed(4)
                .withTestEvaluation(false)
                .withFlowMatching(new FlowMatching(0, true, TimeSampling.UNIFORM));
        new Trainer(flow, data, config).train();
        double[] e = errors(flow, data);
        System.out.println("conditional flow matching: mean |log p(x|c) error| " + e[0] + ", worst " + e[1]);
        // bound: 0.08 nats mean over the test rows (the conditional log-density spans several nats),
        // a flow that ignored c would be off by about 1 nat on average
        assertTrue(e[0] < 0.08, "mean |log p error| " + e[0]);
        // sampling at a context follows the conditional mean A c + b
        INDArray c = Nd4j.valueArrayOf(new long[] {2000, 1}, 1.5, DataType.DOUBLE);
        INDArray s = flow.sample(c, 9).value();
        INDArray mean = s.mean(0);
        assertEquals(A[0] * 1.5 + B[0], mean.getDouble(0), 0.06);
        assertEquals(A[1] * 1.5 + B[1], mean.getDouble(1), 0.06);
    }

    @Test
    void maximumLikelihoodLearnsTheConditionalDensity() {
        ConditionalGaussian data = new ConditionalGaussian(5);
        ContinuousNormalizingFlow flow = flow();
        flow.setSolver(SolverConfig.dopri5(1e-5, 1e-5));
        TrainingConfig config = TrainingConfig.defaults()
                .withIterations(400)
                .withBatchSize(128)
                .withOptimizer(1e-2, 0)
                .withSchedule(LearningRateSchedule.LINEAR)
                .withValidationInterval(0)
                .withSeed(5)
                .withTestEvaluation(false)
                .withGradient(new org.cnf4j.adjoint.AdjointMethod())
                .withTraceEstimator(TraceEstimator.exact());
        new Trainer(flow, data, config).train();
        flow.setSolver(SolverConfig.dopri5(1e-6, 1e-6));
        double[] e = errors(flow, data);
        System.out.println("conditional maximum likelihood: mean |log p(x|c) error| " + e[0] + ", worst " + e[1]);
        // bound: 0.1 nats mean (400 adjoint iterations; a flow that ignored c would be off by about 1 nat)
        assertTrue(e[0] < 0.1, "mean |log p error| " + e[0]);
    }

    @Test
    void aModelFileKeepsTheContextColumnsAndScoresBitIdentically(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        ContinuousNormalizingFlow flow = ContinuousNormalizingFlow.builder(2)
                .contextDim(4)
                .hiddenDims(8)
                .traceEstimator(TraceEstimator.exact())
                .seed(6)
                .build();
        java.util.List<org.cnf4j.data.ContextColumn> context = java.util.List.of(
                org.cnf4j.data.ContextColumn.numeric("age"),
                new org.cnf4j.data.ContextColumn("label", java.util.List.of("a", "b", "c")));
        org.cnf4j.io.ModelMetadata meta = new org.cnf4j.io.ModelMetadata(
                Standardizer.identity(6), false, "test", java.util.List.of("x", "y"), null, context);
        java.nio.file.Path file = dir.resolve("m.zip");
        org.cnf4j.io.ModelFile.save(file, flow, meta);
        org.cnf4j.io.LoadedModel back = org.cnf4j.io.ModelFile.load(file);
        assertEquals(4, back.flow().contextDim());
        assertEquals(context, back.metadata().context());
        INDArray rows = Nd4j.rand(DataType.DOUBLE, 5, 6);
        assertArrayEquals(
                flow.logProb(rows).logProb().toDoubleVector(),
                back.flow().logProb(rows).logProb().toDoubleVector(),
                0.0);
        // metadata whose context columns do not match the flow's context is refused
        org.cnf4j.io.ModelMetadata wrong = new org.cnf4j.io.ModelMetadata(
                Standardizer.identity(6),
                false,
                "test",
                java.util.List.of("x", "y"),
                null,
                java.util.List.of(org.cnf4j.data.ContextColumn.numeric("age")));
        assertThrows(
                org.cnf4j.io.ModelFileException.class,
                () -> org.cnf4j.io.ModelFile.save(dir.resolve("w.zip"), flow, wrong));
    }

    @Test
    void aConditionalFlowRefusesCallsWithoutItsContext() {
        ContinuousNormalizingFlow flow = flow();
        INDArray x = Nd4j.zeros(DataType.DOUBLE, 3, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> flow.logProb(x));
        assertTrue(e.getMessage().contains("[n, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> flow.sample(5, 1));
        assertThrows(IllegalArgumentException.class, () -> flow.logProb(x, Nd4j.zeros(DataType.DOUBLE, 2, 1)));
        // an unconditional flow takes no context
        ContinuousNormalizingFlow plain =
                ContinuousNormalizingFlow.builder(2).seed(1).build();
        assertThrows(IllegalArgumentException.class, () -> plain.logProb(x, Nd4j.zeros(DataType.DOUBLE, 3, 1)));
    }

    @Test
    void theOtCouplingPairsRowsOnlyWithinEqualContexts() {
        SplittableRandom r = new SplittableRandom(1);
        int n = 12;
        double[] base = new double[n * 2];
        double[] data = new double[n * 2];
        double[] context = new double[n];
        for (int i = 0; i < n; i++) {
            base[2 * i] = r.nextGaussian();
            base[2 * i + 1] = r.nextGaussian();
            data[2 * i] = r.nextGaussian();
            data[2 * i + 1] = r.nextGaussian();
            context[i] = i % 3;
        }
        context[11] = 7;
        double[] paired = FlowMatching.coupledWithinContexts(base, data, context, n, 2, 1);
        // every row's draw comes from a row of the same context; the lone context keeps its own
        for (int i = 0; i < n; i++) {
            boolean found = false;
            for (int j = 0; j < n && !found; j++) {
                found = context[j] == context[i]
                        && paired[2 * i] == base[2 * j]
                        && paired[2 * i + 1] == base[2 * j + 1];
            }
            assertTrue(found, "row " + i);
        }
        assertEquals(base[22], paired[22]);
        assertEquals(base[23], paired[23]);
    }
}
