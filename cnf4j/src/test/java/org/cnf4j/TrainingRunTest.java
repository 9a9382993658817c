package org.cnf4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.cnf4j.baseline.FittedBaselines;
import org.cnf4j.data.TrainingData;
import org.cnf4j.flow.GaussianMixtureBase;
import org.cnf4j.io.LoadedModel;
import org.cnf4j.io.ModelFile;
import org.cnf4j.io.Provenance;
import org.cnf4j.io.TrainingSummary;
import org.cnf4j.train.TrainingResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one home of a training run: its steps, a resume that continues where it stopped, and the checks. */
class TrainingRunTest {

    @TempDir
    Path dir;

    private static Table table() {
        return table(240);
    }

    private static Table table(int n) {
        SplittableRandom r = new SplittableRandom(4);
        double[][] rows = new double[n][];
        for (int i = 0; i < rows.length; i++) {
            double shift = i % 2 == 0 ? -2 : 2;
            rows[i] = new double[] {shift + 0.5 * r.nextGaussian(), r.nextGaussian()};
        }
        return Table.of(rows, "a", "b");
    }

    private static TrainingRun fresh(TrainingData data, TrainOptions options) {
        return TrainingRun.fresh(
                data,
                options.newFlow(data.dim(), 0),
                options.config(),
                List.of("a", "b"),
                List.of(),
                Provenance.of("TrainingRunTest", data, options.seed()));
    }

    @Test
    void aFreshRunStartsFromTheMixtureRecordsTheBaselinesAndPlans() {
        TrainOptions options = TrainOptions.builder().hidden(8).seed(3).build();
        // enough validation rows (240) that the plan needs no folds
        TrainingData data = options.split(table(2400).dataset());
        TrainingRun run = fresh(data, options);
        FittedBaselines models = run.prepare(true);
        assertNotNull(models, "an unconditional run keeps the baseline models");
        assertTrue(run.flow().base() instanceof GaussianMixtureBase, "the default base is the fitted mixture");
        assertTrue(run.plan(false).isPresent(), "a fresh run without iterations is planned");
        assertTrue(run.plan(true).isEmpty(), "iterations given: no plan");
        assertEquals("TrainingRunTest", run.metadata().provenance().command());
    }

    @Test
    void theSameRunThroughFlowTrainAndThroughTrainingRunGivesTheSameModel() {
        TrainOptions options =
                TrainOptions.builder().hidden(8).iterations(40).seed(5).build();
        Table t = table();
        Flow viaFlow = Flow.train(t, options);
        TrainingData data = options.split(t.dataset());
        TrainingRun run = fresh(data, options);
        run.prepare(options.baselines());
        TrainingResult r = run.train();
        assertEquals(viaFlow.summary().testNll(), r.summary().testNll(), 0.0);
        assertEquals(viaFlow.summary().baselines(), run.metadata(r).training().baselines());
    }

    @Test
    void aResumedRunContinuesToTheSameModelAndTakesItsBaselinesFromTheFile() {
        TrainOptions options = TrainOptions.builder()
                .hidden(8)
                .iterations(60)
                .validationInterval(20)
                .seed(7)
                .build();
        TrainingData data = options.split(table().dataset());
        // uninterrupted
        TrainingRun whole = fresh(data, options);
        whole.prepare(true);
        Path wholeFile = dir.resolve("whole.zip");
        TrainingSummary end = whole.trainAndSave(wholeFile).summary();
        // the same run stopped after its checkpoint at iteration 20 (as a killed process would be),
        // then resumed to 60
        TrainingRun part = fresh(options.split(table().dataset()), options);
        part.prepare(true);
        Path partFile = dir.resolve("part.zip");
        part.checkpointEachValidation(partFile, v -> {
            if (v.iteration() == 20) {
                throw new IllegalStateException("stopped");
            }
        });
        assertEquals(
                "stopped",
                assertThrows(IllegalStateException.class, () -> part.trainAndSave(partFile))
                        .getMessage());
        TrainingData again = options.split(table().dataset());
        TrainingRun resumed = TrainingRun.resume(
                again,
                ModelFile.load(partFile),
                partFile.toString(),
                options.config(),
                0,
                List.of("a", "b"),
                List.of(),
                Provenance.of("TrainingRunTest --resume", again, 7));
        assertTrue(resumed.resumed());
        assertNull(resumed.prepare(true), "a resumed run fits nothing");
        assertTrue(resumed.plan(false).isEmpty(), "a resumed run continues to the iterations given");
        TrainingSummary continued = resumed.trainAndSave(partFile).summary();
        assertEquals(end.iterations(), continued.iterations());
        assertEquals(end.testNll(), continued.testNll(), 0.0);
        assertEquals(end.baselines(), continued.baselines());
    }

    @Test
    void aModelWithoutACheckpointCannotBeResumed() throws Exception {
        TrainOptions options =
                TrainOptions.builder().hidden(8).iterations(5).seed(1).build();
        Flow flow = Flow.train(table(), options);
        Path file = dir.resolve("no-checkpoint.zip");
        LoadedModel bare = ModelFile.load(saveWithoutCheckpoint(flow, file));
        TrainingData data = options.split(table().dataset());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> TrainingRun.resume(
                        data,
                        bare,
                        "no-checkpoint.zip",
                        options.config(),
                        0,
                        List.of("a", "b"),
                        List.of(),
                        Provenance.of("x", data, 1)));
        assertEquals("no-checkpoint.zip holds no checkpoint to resume from", e.getMessage());
    }

    private static Path saveWithoutCheckpoint(Flow flow, Path file) {
        LoadedModel m = flow.model();
        ModelFile.save(file, m.flow(), m.metadata());
        return file;
    }
}
