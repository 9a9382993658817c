package org.cnf4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Flow used from 8 threads gives the numbers one thread gives, and stays as it was. */
class FlowThreadSafetyTest {

    private static final int THREADS = 8;

    @TempDir
    static Path dir;

    static Flow flow;
    static double[][] rows;

    @BeforeAll
    static void train() {
        SplittableRandom r = new SplittableRandom(5);
        rows = new double[300][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new double[] {r.nextGaussian(), 2 * r.nextGaussian() + (i % 3)};
        }
        flow = Flow.train(
                Table.of(rows, "a", "b"),
                TrainOptions.builder()
                        .iterations(30)
                        .hidden(8, 8)
                        .baselines(false)
                        .build());
    }

    private static <T> List<T> inThreads(Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                futures.add(pool.submit(task));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void oneFlowFromEightThreadsScoresAndSamplesAsFromOne() throws Exception {
        double[] logp = flow.logDensity(rows);
        double[][] samples = flow.sample(200, 7);
        for (double[] got : inThreads(() -> flow.logDensity(rows))) {
            assertArrayEquals(logp, got, 0.0);
        }
        for (double[][] got : inThreads(() -> flow.sample(200, 7))) {
            for (int i = 0; i < got.length; i++) {
                assertArrayEquals(samples[i], got[i], 0.0);
            }
        }
        // mixed calls, and the flow is unchanged afterwards
        inThreads(() -> {
            flow.sample(50, 1);
            return flow.logDensity(rows);
        });
        assertArrayEquals(logp, flow.logDensity(rows), 0.0);
    }

    @Test
    void flowsLoadedPerThreadRunSideBySideWithTheSameNumbers() throws Exception {
        Path file = dir.resolve("m.zip");
        flow.save(file);
        double[] logp = flow.logDensity(rows);
        for (double[] got : inThreads(() -> Flow.load(file).logDensity(rows))) {
            assertArrayEquals(logp, got, 0.0);
        }
    }
}
