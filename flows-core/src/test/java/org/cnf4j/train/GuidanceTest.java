package org.cnf4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.RandomStreams;
import org.cnf4j.io.LoadedModel;
import org.cnf4j.io.ModelFile;
import org.cnf4j.io.ModelMetadata;
import org.cnf4j.trace.TraceEstimator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Classifier-free guidance: a conditional flow trained by flow matching with context dropout holds
 * the conditional and the unconditional field; guidance weight 1 is the conditional flow exactly,
 * 0 the unconditional one (whatever the context), on x | c ~ N(A c + b, L L^T) with c ~ N(0, 1).
 */
class GuidanceTest {

    static ContinuousNormalizingFlow flow;

    @BeforeAll
    static void train() {
        ConditionalTrainingTest.ConditionalGaussian data = new ConditionalTrainingTest.ConditionalGaussian(7);
        flow = ContinuousNormalizingFlow.builder(2)
                .contextDim(1)
                .learnsUnconditional(true)
                .hiddenDims(32, 32)
                .endTime(1.0)
                .traceEstimator(TraceEstimator.exact())
                .seed(7)
                .build();
        TrainingConfig config = TrainingConfig.defaults()
                .withIterations(6000)
                .withBatchSize(256)
                .withOptimizer(3e-3, 0)
                .withSchedule(LearningRateSchedule.LINEAR)
                .withValidationInterval(0)
                .withSeed(7)
                .withTestEvaluation(false)
                .withFlowMatching(new FlowMatching(0, true, TimeSampling.UNIFORM, 0.2));
        new Trainer(flow, data, config).train();
    }

    static INDArray latent(int n) {
        return ContinuousNormalizingFlow.standardNormal(n, 2, RandomStreams.stream(11, "base"));
    }

    @Test
    void weightOneIsTheConditionalFlowAndZeroTheUnconditionalOne() {
        int n = 3000;
        INDArray z = latent(n);
        INDArray c = Nd4j.valueArrayOf(new long[] {n, 1}, 1.5, DataType.DOUBLE);
        INDArray conditional = flow.decode(flow.jointRows(z, c)).value();
        assertArrayEquals(
                conditional.data().asDouble(),
                flow.decodeGuided(z, c, 1.0).value().data().asDouble(),
                0.0);
        INDArray free = flow.decodeGuided(z, c, 0.0).value();
        INDArray other = flow.decodeGuided(z, c.neg(), 0.0).value();
        assertArrayEquals(free.data().asDouble(), other.data().asDouble(), 0.0, "w = 0 ignores the context");
        // the conditional samples follow N(A c + b, L L^T), the unconditional ones the marginal
        // N(b, A A^T + L L^T): x0 has standard deviation 0.5 given c and 1.3 without
        double[] cm = conditional.mean(0).toDoubleVector();
        assertEquals(ConditionalTrainingTest.A[0] * 1.5 + ConditionalTrainingTest.B[0], cm[0], 0.06);
        assertEquals(0.5, conditional.getColumn(0).stdNumber().doubleValue(), 0.05);
        assertEquals(ConditionalTrainingTest.B[0], free.mean(0).getDouble(0), 0.1);
        assertEquals(1.3, free.getColumn(0).stdNumber().doubleValue(), 0.1);
        // above 1 the samples move past the conditional mean, away from the unconditional one
        INDArray pushed = flow.decodeGuided(z, c, 2.0).value();
        assertTrue(
                pushed.mean(0).getDouble(0) > cm[0] + 0.1,
                "guided mean " + pushed.mean(0).getDouble(0));
    }

    @Test
    void aModelFileKeepsTheUnconditionalField(@TempDir Path dir) {
        Path file = dir.resolve("g.zip");
        ModelFile.save(
                file,
                flow,
                new ModelMetadata(
                        org.cnf4j.data.Standardizer.identity(3),
                        false,
                        "test",
                        java.util.List.of("x", "y"),
                        null,
                        java.util.List.of(org.cnf4j.data.ContextColumn.numeric("c"))));
        LoadedModel back = ModelFile.load(file);
        assertTrue(back.flow().learnsUnconditional());
        assertEquals(1, back.flow().contextDim());
        INDArray z = latent(5);
        INDArray c = Nd4j.rand(DataType.DOUBLE, 5, 1);
        assertArrayEquals(
                flow.decodeGuided(z, c, 3.0).value().data().asDouble(),
                back.flow().decodeGuided(z, c, 3.0).value().data().asDouble(),
                0.0);
    }

    @Test
    void guidanceNeedsTheUnconditionalField() {
        ContinuousNormalizingFlow plain = ContinuousNormalizingFlow.builder(2)
                .contextDim(1)
                .hiddenDims(8)
                .seed(1)
                .build();
        INDArray z = latent(4);
        INDArray c = Nd4j.zeros(DataType.DOUBLE, 4, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> plain.decodeGuided(z, c, 2));
        assertTrue(e.getMessage().contains("context dropout"), e.getMessage());
        FlowMatching dropout = new FlowMatching(0, false, TimeSampling.UNIFORM, 0.1);
        INDArray rows = Nd4j.rand(DataType.DOUBLE, 8, 3);
        assertThrows(
                IllegalArgumentException.class, () -> dropout.evaluate(plain, rows, new java.util.SplittableRandom(1)));
        assertThrows(IllegalArgumentException.class, () -> new FlowMatching(0, false, TimeSampling.UNIFORM, 1.0));
    }
}
