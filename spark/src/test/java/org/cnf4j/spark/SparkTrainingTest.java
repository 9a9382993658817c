package org.cnf4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.cnf4j.adjoint.AdjointMethod;
import org.cnf4j.adjoint.Regularizers;
import org.cnf4j.data.DataException;
import org.cnf4j.data.MissingValues;
import org.cnf4j.data.TableTrainingData;
import org.cnf4j.data.ToyDataset;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.RandomStreams;
import org.cnf4j.train.FlowMatching;
import org.cnf4j.train.LearningRateSchedule;
import org.cnf4j.train.Objective;
import org.cnf4j.train.ObjectiveResult;
import org.cnf4j.train.TimeSampling;
import org.cnf4j.train.Trainer;
import org.cnf4j.train.TrainingConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Data-parallel flow matching on local[2] against the same run in one JVM. */
class SparkTrainingTest {

    private static final int N = 1_500;
    private static final long SEED = 4;

    static SparkSession spark;
    static org.cnf4j.data.Dataset table;
    static Dataset<Row> frame;

    @BeforeAll
    static void data() {
        spark = SparkTestSupport.spark();
        INDArray x = ToyDataset.byName("moons").sample(N, new SplittableRandom(2));
        table = new org.cnf4j.data.Dataset(x, List.of("a", "b"), "moons");
        double[] v = x.data().asDouble();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            rows.add(RowFactory.create(v[2 * i], v[2 * i + 1]));
        }
        StructType schema = new StructType().add("a", DataTypes.DoubleType).add("b", DataTypes.DoubleType);
        frame = spark.createDataFrame(
                JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, 3), schema);
    }

    static TrainingConfig config(int iterations) {
        return new TrainingConfig(
                iterations,
                100,
                5e-3,
                1e-5,
                50,
                new AdjointMethod(),
                null,
                Regularizers.NONE,
                SEED,
                true,
                new FlowMatching(0, false, TimeSampling.UNIFORM),
                LearningRateSchedule.CONSTANT);
    }

    static ContinuousNormalizingFlow flow() {
        return ContinuousNormalizingFlow.builder(2)
                .hiddenDims(16, 16)
                .blocks(2)
                .seed(SEED)
                .build();
    }

    @Test
    void missingValuesInACsvFailNamingTheColumnOrDropTheirRows(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        StringBuilder csv = new StringBuilder("name,a,b\n");
        for (int i = 0; i < 200; i++) {
            String b = i == 5 ? "" : i == 9 ? "NA" : i == 13 ? "NaN" : String.valueOf(Math.cos(3 * i));
            csv.append("row")
                    .append(i)
                    .append(',')
                    .append(Math.sin(i))
                    .append(',')
                    .append(b)
                    .append('\n');
        }
        java.nio.file.Path file = dir.resolve("m.csv");
        java.nio.file.Files.writeString(file, csv);
        Dataset<Row> df = SparkIo.read(spark, file.toString(), "csv");
        // NA and empty cells are null, so the column is still read as numbers
        assertEquals(DataTypes.DoubleType, df.schema().apply("b").dataType());
        Exception failed = assertThrows(
                Exception.class,
                () -> SparkTrainingData.of(df, List.of("a", "b"), 0.1, 0.1, SEED, "m.csv", MissingValues.FAIL));
        Throwable cause = failed;
        while (cause.getCause() != null && !(cause instanceof DataException)) {
            cause = cause.getCause();
        }
        String message = String.valueOf(cause.getMessage());
        assertTrue(message.contains("column 'b'") && message.contains("--missing drop-rows"), message);
        SparkTrainingData kept =
                SparkTrainingData.of(df, List.of("a", "b"), 0.1, 0.1, SEED, "m.csv", MissingValues.DROP_ROWS);
        try {
            assertEquals(3, kept.droppedRows());
            assertTrue(kept.describe().contains("197 rows"), kept.describe());
        } finally {
            kept.unpersist();
        }
    }

    @Test
    void constantAndDependentColumnsAreRefusedAsInOneJvm() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            double a = Math.sin(i);
            rows.add(RowFactory.create(a, Math.cos(3 * i), 3.0, 2 * a));
        }
        StructType schema = new StructType()
                .add("a", DataTypes.DoubleType)
                .add("b", DataTypes.DoubleType)
                .add("c", DataTypes.DoubleType)
                .add("d", DataTypes.DoubleType);
        Dataset<Row> df = spark.createDataFrame(
                JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, 3), schema);
        DataException constant = assertThrows(
                DataException.class, () -> SparkTrainingData.of(df, List.of("a", "b", "c"), 0.1, 0.1, SEED, "t"));
        assertTrue(constant.getMessage().contains("the column 'c' is constant"), constant.getMessage());
        DataException dependent = assertThrows(
                DataException.class, () -> SparkTrainingData.of(df, List.of("a", "b", "d"), 0.1, 0.1, SEED, "t"));
        assertTrue(
                dependent.getMessage().contains("the column 'd' is a linear combination of the columns [a, b]"),
                dependent.getMessage());
    }

    @Test
    void theDistributedGradientEqualsTheSingleJvmGradientOfTheSameBatch() {
        TableTrainingData local = new TableTrainingData(table, 0.1, 0.1, SEED, false, true);
        SparkTrainingData spread = SparkTrainingData.of(frame, List.of("a", "b"), 0.1, 0.1, SEED, "moons");
        ContinuousNormalizingFlow flow = flow();
        Objective fm = config(1).newObjective(2);
        for (long iteration : new long[] {0, 13}) {
            ObjectiveResult one =
                    fm.evaluate(flow, local.batch(iteration, 100), RandomStreams.stream(SEED, "noise-" + iteration));
            ObjectiveResult many = spread.batchGradient(flow, fm)
                    .compute(flow, fm, iteration, 100, RandomStreams.stream(SEED, "noise-" + iteration));
            assertEquals(one.loss(), many.loss(), 1e-12);
            double diff = one.parameterGradient()
                    .sub(many.parameterGradient())
                    .amaxNumber()
                    .doubleValue();
            assertTrue(diff < 1e-12, "gradient difference " + diff);
        }
        assertEquals(local.validation().rows(), spread.validation().rows());
        assertTrue(local.validation().sub(spread.validation()).amaxNumber().doubleValue() < 1e-12);
        assertThrows(
                IllegalArgumentException.class,
                () -> spread.batchGradient(flow, new FlowMatching(0, true, TimeSampling.UNIFORM)));
        // a table read as one partition, spread over 4: the same rows numbered the same, the same gradient
        SparkTrainingData four = SparkTrainingData.of(
                frame.coalesce(1), List.of("a", "b"), 0.1, 0.1, SEED, "moons", org.cnf4j.data.MissingValues.FAIL, 4);
        assertEquals(4, four.partitions());
        ObjectiveResult one = fm.evaluate(flow, local.batch(5, 100), RandomStreams.stream(SEED, "noise-5"));
        ObjectiveResult spreadFour =
                four.batchGradient(flow, fm).compute(flow, fm, 5, 100, RandomStreams.stream(SEED, "noise-5"));
        assertTrue(one.parameterGradient()
                        .sub(spreadFour.parameterGradient())
                        .amaxNumber()
                        .doubleValue()
                < 1e-12);
        four.unpersist();
    }

    @Test
    void objectivesReachTheExecutorsWithEverySetting() {
        org.cnf4j.train.MaximumLikelihood ml = new org.cnf4j.train.MaximumLikelihood(
                new AdjointMethod(new AdjointMethod.BackwardTolerances(1e-6, 1e-7), true),
                new Regularizers(0.1, 0.2),
                new org.cnf4j.trace.HutchinsonEstimator(org.cnf4j.trace.HutchinsonEstimator.Noise.RADEMACHER, 3));
        org.cnf4j.train.MaximumLikelihood back =
                (org.cnf4j.train.MaximumLikelihood) ObjectiveRecipe.of(ml).build();
        AdjointMethod a = (AdjointMethod) back.method();
        assertEquals(new AdjointMethod.BackwardTolerances(1e-6, 1e-7), a.backwardTolerances());
        assertTrue(a.seminorm());
        assertEquals(new Regularizers(0.1, 0.2), back.regularizers());
        assertEquals("rademacherx3", back.estimator().toString());
        FlowMatching fm = new FlowMatching(0.01, false, TimeSampling.LOGIT_NORMAL);
        assertEquals(fm, ObjectiveRecipe.of(fm).build());
        FlowMatching guided = new FlowMatching(0.01, false, TimeSampling.LOGIT_NORMAL, 0.15);
        assertEquals(guided, ObjectiveRecipe.of(guided).build());
    }

    @Test
    void theDistributedLikelihoodGradientAgreesToTheSolverTolerance() {
        TableTrainingData local = new TableTrainingData(table, 0.1, 0.1, SEED, false, true);
        SparkTrainingData spread = SparkTrainingData.of(frame, List.of("a", "b"), 0.1, 0.1, SEED, "moons");
        ContinuousNormalizingFlow flow = flow();
        Objective mle = TrainingConfig.defaults().newObjective(2);
        ObjectiveResult one = mle.evaluate(flow, local.batch(3, 100), RandomStreams.stream(SEED, "noise-3"));
        ObjectiveResult many =
                spread.batchGradient(flow, mle).compute(flow, mle, 3, 100, RandomStreams.stream(SEED, "noise-3"));
        double relative = one.parameterGradient()
                        .sub(many.parameterGradient())
                        .norm2Number()
                        .doubleValue()
                / one.parameterGradient().norm2Number().doubleValue();
        System.out.printf(
                "maximum likelihood, 3 partitions against one batch: loss %.8f vs %.8f, gradient relative "
                        + "difference %.3g%n",
                one.loss(), many.loss(), relative);
        assertEquals(one.loss(), many.loss(), 1e-4);
        assertTrue(relative < 1e-3, "relative gradient difference " + relative);
    }

    @Test
    void twoHundredDistributedIterationsEndWhereTheSingleJvmRunEnds() {
        ContinuousNormalizingFlow single = flow();
        new Trainer(single, new TableTrainingData(table, 0.1, 0.1, SEED, false, true), config(200)).train();
        ContinuousNormalizingFlow distributed = flow();
        SparkTrainingData spread = SparkTrainingData.of(frame, List.of("a", "b"), 0.1, 0.1, SEED, "moons");
        Trainer t = new Trainer(distributed, spread, config(200));
        t.setBatchGradient(spread.batchGradient(distributed, t.objective()));
        long start = System.nanoTime();
        t.train();
        System.out.printf(
                "200 distributed iterations (local[2], batch 100): %.2f s%n", (System.nanoTime() - start) / 1e9);
        double diff =
                single.parameters().sub(distributed.parameters()).amaxNumber().doubleValue();
        System.out.printf("largest parameter difference after 200 iterations: %.3g%n", diff);
        assertTrue(diff < 1e-9, "parameters differ by " + diff);
    }

    @Test
    void aRunFromTheMixtureBaseEndsWhereTheSingleJvmRunEnds() {
        ContinuousNormalizingFlow single = flow();
        new Trainer(
                        single,
                        new TableTrainingData(table, 0.1, 0.1, SEED, false, true),
                        config(100).withMixtureBase(true))
                .train();
        ContinuousNormalizingFlow distributed = flow();
        SparkTrainingData spread = SparkTrainingData.of(frame, List.of("a", "b"), 0.1, 0.1, SEED, "moons");
        Trainer t = new Trainer(distributed, spread, config(100).withMixtureBase(true));
        t.setBatchGradient(spread.batchGradient(distributed, t.objective()));
        t.train();
        // the same training rows fitted (standardised by sums aggregated in another order: equal to
        // rounding), the same mixture: the executors draw from it too
        org.cnf4j.flow.GaussianMixtureBase a = (org.cnf4j.flow.GaussianMixtureBase) single.base();
        org.cnf4j.flow.GaussianMixtureBase b = (org.cnf4j.flow.GaussianMixtureBase) distributed.base();
        org.junit.jupiter.api.Assertions.assertArrayEquals(a.logWeights(), b.logWeights(), 1e-12);
        double diff =
                single.parameters().sub(distributed.parameters()).amaxNumber().doubleValue();
        assertTrue(diff < 1e-9, "parameters differ by " + diff);
    }
}
