package org.cnf4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.cnf4j.adjoint.AdjointMethod;
import org.cnf4j.adjoint.Regularizers;
import org.cnf4j.data.ToyDataset;
import org.cnf4j.data.ToyTrainingData;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.io.LoadedModel;
import org.cnf4j.io.ModelFile;
import org.cnf4j.io.ModelMetadata;
import org.cnf4j.linalg.NativeArrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The defaults' training machinery: a run planned from the table alone, a time budget that only stops it, the moving
 * average of the weights (resumed exactly), and a model choice that noise in the validation rows
 * does not drive.
 */
class BudgetAndModelChoiceTest {

    @TempDir
    Path dir;

    static ToyTrainingData data() {
        return new ToyTrainingData(ToyDataset.MOONS, 1, 200, 200);
    }

    static ContinuousNormalizingFlow flow() {
        return ContinuousNormalizingFlow.builder(2).hiddenDims(16, 16).seed(1).build();
    }

    static TrainingConfig flowMatching(int iterations, int validationInterval) {
        return new TrainingConfig(
                iterations,
                100,
                2e-3,
                1e-5,
                validationInterval,
                new AdjointMethod(),
                null,
                Regularizers.NONE,
                1,
                false,
                new FlowMatching(0, true, TimeSampling.UNIFORM),
                LearningRateSchedule.LINEAR,
                0.99,
                0);
    }

    @Test
    void aDecayingRunGetsTheLengthWithTheFoldsAreaUnderItsLearningRate() {
        // constant rate: the checkpoint itself
        assertEquals(1920, FoldedLength.runLength(LearningRateSchedule.CONSTANT, 1920, 6400));
        // linear decay: 2c - c^2 / L, so that lr * (c - c^2 / 2L) = lr * length / 2
        assertEquals(3264, FoldedLength.runLength(LearningRateSchedule.LINEAR, 1920, 6400));
        assertEquals(6400, FoldedLength.runLength(LearningRateSchedule.LINEAR, 6400, 6400));
        assertEquals(199, FoldedLength.runLength(LearningRateSchedule.LINEAR, 100, 10000));
        double lr = 1e-3;
        double folds = lr * (1920 - 1920.0 * 1920 / (2 * 6400));
        assertEquals(folds, lr * 3264 / 2, 1e-12);
    }

    @Test
    void aLaterValidationIsKeptUnlessThePairedRowsShowItWorse() {
        SplittableRandom r = new SplittableRandom(3);
        double[] lowest = new double[30];
        double[] noisy = new double[30];
        double[] worse = new double[30];
        for (int i = 0; i < lowest.length; i++) {
            lowest[i] = 2 + r.nextGaussian();
            noisy[i] = lowest[i] + 0.01 + 0.3 * r.nextGaussian();
            worse[i] = lowest[i] + 0.5 + 0.1 * r.nextGaussian();
        }
        assertTrue(Trainer.withinNoise(lowest, lowest));
        assertTrue(Trainer.withinNoise(noisy, lowest), "0.01 nats worse in rows that differ by 0.3 is noise");
        assertFalse(Trainer.withinNoise(worse, lowest), "0.5 nats worse on every row is not noise");
        assertFalse(Trainer.withinNoise(new double[] {5}, new double[] {1}), "one row decides nothing");
    }

    @Test
    void aTimeBudgetStopsTheRunAfterOneLastValidation() {
        // a million iterations cannot finish in 3 s on any machine, loaded or not
        Trainer t = new Trainer(flow(), data(), flowMatching(1_000_000, 100).withTimeBudget(3));
        TrainingResult r = t.train();
        assertTrue(r.summary().iterations() < 1_000_000, "stopped early");
        assertTrue(
                r.summary().selection().contains("stopped at the time budget"),
                r.summary().selection());
        // the last iteration was validated
        assertEquals(
                r.summary().iterations(),
                r.validations().get(r.validations().size() - 1).iteration());
    }

    /** How long the capped run takes: a wall-clock assertion, left out of the default build. */
    @Test
    @org.junit.jupiter.api.Tag("wall-clock")
    void aTimeBudgetCapsTheWallTimeToTheBudgetAndOneValidation() {
        ToyTrainingData data = data();
        ContinuousNormalizingFlow f = flow();
        // how long one validation takes on these rows
        long v0 = System.nanoTime();
        Evaluation.logProbStandardized(f, data.standardizer(), data.validation());
        double validation = (System.nanoTime() - v0) / 1e9;
        double budget = 3;
        Trainer t = new Trainer(f, data, flowMatching(1_000_000, 100).withTimeBudget(budget));
        long t0 = System.nanoTime();
        t.train();
        double wall = (System.nanoTime() - t0) / 1e9;
        assertTrue(wall < budget + 3 * validation + 1, "ran " + wall + " s for a budget of " + budget + " s");
    }

    @Test
    void thePlanFollowsFromTheTableAndTheSettingsAlone() {
        // 1,000 rows: 800 train, 100 validation (enough to tell, too few to choose by without folds), 100 test
        org.cnf4j.data.Dataset table = new org.cnf4j.data.Dataset(
                ToyDataset.MOONS.sample(1000, new SplittableRandom(5)), java.util.List.of("a", "b"), "moons");
        org.cnf4j.data.TableTrainingData tableData =
                new org.cnf4j.data.TableTrainingData(table, 0.1, 0.1, 1, false, true);
        // validated on 100 rows: up to 5,000 passes (40,000 iterations), so the work a run is sized
        // for (30,000) bounds it; the folds would train for less than that (a sixth of it) and do not apply
        Trainer validated = new Trainer(flow(), tableData, flowMatching(RunLength.MAX_ITERATIONS, 100));
        Trainer.Plan five = validated.plan();
        assertEquals(RunLength.FLOW_MATCHING_ITERATIONS, five.iterations());
        assertTrue(five.limit().contains("the work a run is sized for"), five.limit());
        assertEquals(five.iterations(), validated.config().iterations());
        assertEquals(five.iterations() / RunLength.PLANNED_VALIDATIONS, five.validationInterval());
        assertEquals(five.validationInterval(), validated.config().validationInterval());
        assertEquals(0, validated.config().timeBudgetSeconds(), "no budget given, none set");
        // the same table and settings: the same plan, whatever the machine is doing
        assertEquals(five, new Trainer(flow(), tableData, flowMatching(RunLength.MAX_ITERATIONS, 100)).plan());
        // without validations: at most 1,000 passes over the 800 rows
        Trainer.Plan one = new Trainer(flow(), tableData, flowMatching(RunLength.MAX_ITERATIONS, 0)).plan();
        assertEquals(8000, one.iterations());
        assertTrue(one.limit().contains("1000 passes over the 800 training rows"), one.limit());
        // the configured iterations cap the plan (a generator's fresh rows, validated on 200: no folds)
        Trainer.Plan capped = new Trainer(flow(), data(), flowMatching(2000, 100)).plan();
        assertEquals(2000, capped.iterations());
        assertTrue(capped.limit().contains("the cap of 2000 iterations"), capped.limit());
        // a larger batch or network buys fewer iterations; maximum likelihood fewer than flow matching
        assertEquals(6000, RunLength.workIterations(true, 500, 9000, 1));
        assertEquals(15000, RunLength.workIterations(true, 100, 40_000, 1));
        assertEquals(RunLength.LIKELIHOOD_ITERATIONS, RunLength.workIterations(false, 100, 9000, 1));
        assertEquals(4000, RunLength.workIterations(false, 100, 9000, 2));
    }

    @Test
    void aTimeBudgetCapsAPlannedRunAndTheSummarySaysSo() {
        Trainer t = new Trainer(
                flow(), data(), flowMatching(RunLength.MAX_ITERATIONS, 100).withTimeBudget(1));
        Trainer.Plan plan = t.plan();
        assertEquals(RunLength.FLOW_MATCHING_ITERATIONS, plan.iterations(), "the budget does not change the plan");
        TrainingResult r = t.train();
        assertTrue(r.summary().iterations() < plan.iterations());
        assertTrue(
                r.summary()
                        .selection()
                        .contains("stopped at the time budget of 1 s after "
                                + r.summary().iterations() + " of the " + plan.iterations()
                                + " planned iterations (a longer or no "
                                + "time budget runs them all)"),
                r.summary().selection());
    }

    @Test
    void aTableWhoseFoldsItsChecksRefuseIsPlannedWithoutFolds() {
        // column b varies on one training row only: the fold that holds that row out would train
        // on a constant column, which the table's checks refuse
        int only = new org.cnf4j.data.TableSplit(100, 0.1, 0.1, 1, "t").train()[0];
        double[] values = new double[200];
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 100; i++) {
            values[2 * i] = r.nextGaussian();
            values[2 * i + 1] = i == only ? 1 : 0;
        }
        org.cnf4j.data.Dataset table = new org.cnf4j.data.Dataset(
                org.nd4j.linalg.factory.Nd4j.create(
                        values, new long[] {100, 2}, org.nd4j.linalg.api.buffer.DataType.DOUBLE),
                java.util.List.of("a", "b"),
                "t");
        org.cnf4j.data.TableTrainingData data = new org.cnf4j.data.TableTrainingData(table, 0.1, 0.1, 1, false, true);
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(
                        org.cnf4j.data.DataException.class, () -> data.folds(FoldedLength.FOLDS))
                .getMessage()
                .contains("b"));
        // folds of 400 iterations would apply, were it not for that column
        Trainer t = new Trainer(flow(), data, flowMatching(400, 100).withBatchSize(40));
        Trainer.Plan plan = t.plan();
        assertEquals(400, plan.iterations());
        assertFalse(plan.limit().contains("cross-validation"), plan.limit());
    }

    @Test
    void aSmallTableGetsTheLengthItsFoldsChooseAndTheRunRepeatsFromItsPlan() {
        // 100 rows: 80 train, 10 validation (too few to choose by), 10 test
        org.cnf4j.data.Dataset table = new org.cnf4j.data.Dataset(
                ToyDataset.MOONS.sample(100, new SplittableRandom(6)), java.util.List.of("a", "b"), "moons");
        org.cnf4j.data.TableTrainingData data = new org.cnf4j.data.TableTrainingData(table, 0.1, 0.1, 1, false, true);
        TrainingConfig config = flowMatching(300, 100).withBatchSize(40);
        ContinuousNormalizingFlow f = flow();
        INDArray initial = f.parameters().dup();
        Trainer t = new Trainer(f, data, config);
        java.util.List<TrainingResult> folds = new java.util.ArrayList<>();
        t.addListener(new TrainingListener() {
            @Override
            public void onFold(int fold, int count, TrainingResult result) {
                assertEquals(folds.size(), fold);
                assertEquals(FoldedLength.FOLDS, count);
                folds.add(result);
            }
        });
        Trainer.Plan plan = t.plan();
        assertEquals(FoldedLength.FOLDS, folds.size());
        assertTrue(plan.limit().contains("5-fold cross-validation chose"), plan.limit());
        assertTrue(plan.limit().contains("up to 300"), plan.limit());
        assertFalse(plan.limit().contains("time budget"), plan.limit());
        assertEquals(f.parameters(), initial, "the folds leave the flow as it was");
        // the length is that of one of the folds' checkpoints, with the linear decay's correction
        int chosen = plan.iterations();
        for (TrainingResult fold : folds) {
            assertEquals(300, fold.summary().iterations());
        }
        assertTrue(
                folds.get(0).validations().stream()
                        .anyMatch(v -> FoldedLength.runLength(config.schedule(), (int) v.iteration(), 300) == chosen),
                "" + chosen);
        assertTrue(chosen <= 300);
        assertEquals(chosen, plan.validationInterval(), "one validation, at the end");
        TrainingResult r = t.train();
        assertEquals(chosen, r.summary().iterations());
        assertTrue(
                r.summary()
                        .selection()
                        .contains("after " + chosen + " iterations, the length 5-fold " + "cross-validation chose"),
                r.summary().selection());
        // the same iterations and validation interval without a plan give the same model, bit for bit
        ContinuousNormalizingFlow again = flow();
        new Trainer(again, data, config.withIterations(chosen).withValidationInterval(chosen)).train();
        assertEquals(f.parameters(), again.parameters());
    }

    /** A constant rate: a linear decay is defined over the run's iterations, so a half run would decay sooner. */
    static TrainingConfig constantRate(int iterations) {
        return flowMatching(iterations, 10).withSchedule(LearningRateSchedule.CONSTANT);
    }

    @Test
    void theMovingAverageIsKeptAndResumedBitForBit() {
        ContinuousNormalizingFlow straight = flow();
        Trainer a = new Trainer(straight, data(), constantRate(40));
        TrainingResult whole = a.train();
        assertTrue(
                whole.summary().selection().contains("moving average"),
                whole.summary().selection());

        ContinuousNormalizingFlow first = flow();
        Path file = dir.resolve("half.zip");
        new Trainer(first, data(), constantRate(20)).trainAndSave(file, ModelMetadata.none(2));
        LoadedModel loaded = ModelFile.load(file);
        Trainer b = Trainer.resume(loaded.flow(), data(), constantRate(40), loaded.checkpoint());
        TrainingResult resumed = b.train();
        assertArrayEquals(
                NativeArrays.toArray(straight.parameters()),
                NativeArrays.toArray(loaded.flow().parameters()),
                0.0,
                "kept parameters");
        assertArrayEquals(
                NativeArrays.toArray(a.checkpoint().parameters()),
                NativeArrays.toArray(b.checkpoint().parameters()),
                0.0,
                "last raw parameters");
        assertEquals(whole.validations(), resumed.validations());
        // the kept parameters are the average, not the last raw ones
        assertFalse(java.util.Arrays.equals(
                NativeArrays.toArray(straight.parameters()),
                NativeArrays.toArray(a.checkpoint().parameters())));
    }
}
