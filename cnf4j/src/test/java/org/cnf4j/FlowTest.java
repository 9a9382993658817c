package org.cnf4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.cnf4j.adjoint.AdjointMethod;
import org.cnf4j.adjoint.Regularizers;
import org.cnf4j.data.DataException;
import org.cnf4j.data.Dataset;
import org.cnf4j.data.MissingValues;
import org.cnf4j.data.TableTrainingData;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.SolverConfig;
import org.cnf4j.io.ModelFileException;
import org.cnf4j.linalg.NativeArrays;
import org.cnf4j.ode.RungeKuttaMethod;
import org.cnf4j.sample.DensityModel;
import org.cnf4j.sample.Sampler;
import org.cnf4j.trace.TraceEstimator;
import org.cnf4j.train.Evaluation;
import org.cnf4j.train.FlowMatching;
import org.cnf4j.train.LearningRateSchedule;
import org.cnf4j.train.TimeSampling;
import org.cnf4j.train.Trainer;
import org.cnf4j.train.TrainingConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** The facade against the lower-level API it wraps, bit for bit, and its checks of bad input. */
class FlowTest {

    @TempDir
    static Path dir;

    static double[][] rows;
    static Flow trained;
    static TrainOptions options;

    @BeforeAll
    static void train() {
        SplittableRandom r = new SplittableRandom(3);
        rows = new double[600][];
        for (int i = 0; i < rows.length; i++) {
            double c = i % 2 == 0 ? -2 : 2;
            rows[i] = new double[] {c + 0.5 * r.nextGaussian(), 10 + 3 * c + r.nextGaussian()};
        }
        options = TrainOptions.builder()
                .iterations(60)
                .hidden(16, 16)
                .baselines(false)
                .build();
        trained = Flow.train(Table.of(rows, "a", "b"), options);
    }

    @Test
    void trainingEqualsTheLowerLevelApiWithTheSameSettings() {
        // what TrainOptions.defaults() stands for, spelled out in the lower-level API
        ContinuousNormalizingFlow flow = ContinuousNormalizingFlow.builder(2)
                .hiddenDims(16, 16)
                .blocks(1)
                .endTime(0.5)
                .solver(new SolverConfig(RungeKuttaMethod.DOPRI5, 1e-5, 1e-5, 0, 10_000))
                .seed(0)
                .build();
        TableTrainingData data = new TableTrainingData(
                new Dataset(Nd4j.createFromArray(rows), List.of("a", "b"), "t"), 0.1, 0.1, 0, false, true);
        TrainingConfig config = new TrainingConfig(
                60,
                100,
                1e-3,
                1e-5,
                100,
                new AdjointMethod(),
                null,
                Regularizers.NONE,
                0,
                true,
                new FlowMatching(0, true, TimeSampling.UNIFORM),
                LearningRateSchedule.LINEAR,
                0.999,
                0,
                true /* the base: the training rows' Gaussian mixture */);
        new Trainer(flow, data, config).train();
        assertArrayEquals(
                NativeArrays.toArray(flow.parameters()),
                NativeArrays.toArray(trained.model().flow().parameters()),
                0.0);

        flow.setTraceEstimator(TraceEstimator.exact());
        flow.setSeed(0);
        double[] expected =
                NativeArrays.toArray(Evaluation.logProb(flow, data.standardizer(), Nd4j.createFromArray(rows))
                        .logProb());
        assertArrayEquals(expected, trained.logDensity(rows), 0.0);

        double[] samples = NativeArrays.toArray(new Sampler(new DensityModel(flow, data.standardizer()))
                .sample(300, 9)
                .samples());
        double[][] got = trained.sample(300, 9);
        assertEquals(300, got.length);
        for (int i = 0; i < got.length; i++) {
            assertArrayEquals(new double[] {samples[2 * i], samples[2 * i + 1]}, got[i], 0.0);
        }
    }

    @Test
    void theDefaultsAreFlowMatchingWithOtCouplingPlannedWithoutATimeBudget() {
        TrainOptions d = TrainOptions.defaults();
        assertEquals(new FlowMatching(0, true, TimeSampling.UNIFORM), d.flowMatching());
        assertEquals(null, d.timeBudgetSeconds());
        assertTrue(d.iterationsPlanned());
        assertEquals(0, d.config().timeBudgetSeconds());
        assertEquals(
                30.0,
                d.toBuilder()
                        .timeBudget(java.time.Duration.ofSeconds(30))
                        .build()
                        .config()
                        .timeBudgetSeconds());
        assertFalse(d.toBuilder().iterations(5).build().iterationsPlanned());
        assertEquals(d, d.toBuilder().build());
        assertEquals(null, d.toBuilder().maximumLikelihood().build().flowMatching());
    }

    @Test
    void aSavedFlowLoadsWithTheSameDensitiesSamplesAndSummary() {
        Path file = dir.resolve("flow.zip");
        trained.save(file);
        Flow loaded = Flow.load(file);
        assertEquals(List.of("a", "b"), loaded.columns());
        assertArrayEquals(trained.logDensity(rows), loaded.logDensity(rows), 0.0);
        assertArrayEquals(trained.sample(50, 1)[49], loaded.sample(50, 1)[49], 0.0);
        assertEquals(60, loaded.summary().iterations());
        assertEquals(trained.summary().testNll(), loaded.summary().testNll(), 0.0);
        assertTrue(Double.isFinite(loaded.summary().testNll()));
    }

    @Test
    void tablesAreReadWithTheirColumnsAndMissingValues() throws Exception {
        Path csv = dir.resolve("t.csv");
        Files.writeString(csv, "name,x,y\nq,1,2\nr,NA,3\ns,4,5\n");
        DataException e = assertThrows(
                DataException.class,
                () -> Table.read(csv, Table.ReadOptions.defaults().withExcludeColumns("name")));
        assertTrue(e.getMessage().contains("column 2 (x): missing value"), e.getMessage());
        Table t = Table.read(
                csv, Table.ReadOptions.defaults().withColumns("y", "x").withMissing(MissingValues.DROP_ROWS));
        assertEquals(List.of("y", "x"), t.columns());
        assertEquals(1, t.droppedRows());
        assertArrayEquals(new double[] {5, 4}, t.toArray()[1], 0.0);
        assertThrows(
                IllegalArgumentException.class,
                () -> Table.ReadOptions.defaults().withColumns("x").withExcludeColumns("y"));
    }

    @Test
    void badInputGetsAClearException() {
        DataException shape = assertThrows(DataException.class, () -> trained.logDensity(new double[][] {{1, 2, 3}}));
        assertTrue(shape.getMessage().contains("3 values; the flow has 2 dimensions"), shape.getMessage());
        DataException nan =
                assertThrows(DataException.class, () -> trained.logDensity(new double[][] {{1, Double.NaN}}));
        assertTrue(nan.getMessage().contains("column 'b' holds NaN"), nan.getMessage());
        assertThrows(DataException.class, () -> Table.of(new double[][] {{1, 2}, {3}}, "a", "b"));
        assertThrows(DataException.class, () -> Table.of(Nd4j.create(DataType.DOUBLE, 2, 3), List.of("a", "b")));
        IllegalArgumentException batch = assertThrows(
                IllegalArgumentException.class,
                () -> TrainOptions.builder().batch(-1).build());
        assertTrue(batch.getMessage().contains("batch"), batch.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> TrainOptions.builder().batch(1000).build());
        assertThrows(ModelFileException.class, () -> Flow.load(dir.resolve("missing.zip")));
    }
}
