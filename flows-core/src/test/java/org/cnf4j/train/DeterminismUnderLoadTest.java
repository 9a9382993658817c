package org.cnf4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.cnf4j.baseline.Baselines;
import org.cnf4j.data.Dataset;
import org.cnf4j.data.TableTrainingData;
import org.cnf4j.data.ToyDataset;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.io.BaselineSummary;
import org.cnf4j.linalg.ComputeThreads;
import org.cnf4j.linalg.NativeArrays;
import org.junit.jupiter.api.Test;

/**
 * Same input, same output: a planned run (its base mixture and baselines searched, its length
 * chosen by folds) gives bit-identical parameters, plan and summary on an idle machine, with a
 * thread spinning on a core beside it, and with one worker instead of the default count.
 */
class DeterminismUnderLoadTest {

    /** What a run produced. */
    private record Outcome(Trainer.Plan plan, double[] parameters, String selection, BaselineSummary baselines) {}

    private static Outcome run() {
        // 100 rows: 80 train, 10 validation (folds choose the length), 10 test
        Dataset table = new Dataset(ToyDataset.MOONS.sample(100, new SplittableRandom(11)), List.of("a", "b"), "moons");
        TableTrainingData data = new TableTrainingData(table, 0.1, 0.1, 3, false, true);
        ContinuousNormalizingFlow flow =
                ContinuousNormalizingFlow.builder(2).hiddenDims(16, 16).seed(3).build();
        // the default recipe: the flow starts as the fitted mixture (the baselines' search, done once)
        Trainer trainer = new Trainer(
                flow,
                data,
                BudgetAndModelChoiceTest.flowMatching(200, 100)
                        .withBatchSize(40)
                        .withMixtureBase(true));
        BaselineSummary baselines = trainer.prepareBase().summary();
        assertEquals(Baselines.beforeTraining(data, 2, List.of()), baselines);
        trainer.setBaselines(baselines);
        Trainer.Plan plan = trainer.plan();
        TrainingResult r = trainer.train();
        return new Outcome(
                plan, NativeArrays.toArray(flow.parameters()), r.summary().selection(), baselines);
    }

    @Test
    void aRunIsTheSameIdleBusyAndOnOneWorker() throws InterruptedException {
        Outcome idle = run();
        assertTrue(idle.plan().limit().contains("cross-validation"), idle.plan().limit());

        AtomicBoolean spinning = new AtomicBoolean(true);
        Thread hog = new Thread(
                () -> {
                    long x = 0;
                    while (spinning.get()) {
                        x += System.nanoTime() % 7;
                    }
                    if (x == 42) {
                        System.out.print("");
                    }
                },
                "cpu-hog");
        hog.setDaemon(true);
        hog.start();
        Outcome busy;
        try {
            busy = run();
        } finally {
            spinning.set(false);
            hog.join();
        }
        int workers = ComputeThreads.workers();
        Outcome single;
        try {
            ComputeThreads.setWorkers(1);
            single = run();
        } finally {
            ComputeThreads.setWorkers(workers);
        }
        for (Outcome other : List.of(busy, single)) {
            assertEquals(idle.plan(), other.plan());
            assertArrayEquals(idle.parameters(), other.parameters(), 0.0);
            assertEquals(idle.selection(), other.selection());
            assertEquals(idle.baselines(), other.baselines());
        }
    }
}
