package org.cnf4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.cnf4j.linalg.ComputeThreads;
import org.junit.jupiter.api.Test;

/** Workers share a call's chunks through a counter: each chunk once, nobody waits for a stalled worker. */
class ChunkSchedulerTest {

    @Test
    void everyChunkRunsOnceWithItsFixedBoundaries() {
        int size = 1000;
        int chunk = 64;
        int chunks = ChunkScheduler.chunks(size, chunk);
        for (int workers : new int[] {1, 2, 3, 5}) {
            AtomicIntegerArray runs = new AtomicIntegerArray(chunks);
            int[] starts = new int[chunks];
            int[] lengths = new int[chunks];
            ChunkScheduler.run(size, chunk, workers, (w, samples) -> assertEquals(64, samples), (w, c, b0, m) -> {
                runs.incrementAndGet(c);
                starts[c] = b0;
                lengths[c] = m;
            });
            for (int c = 0; c < chunks; c++) {
                assertEquals(1, runs.get(c), workers + " workers, chunk " + c);
                assertEquals(c * chunk, starts[c]);
                assertEquals(Math.min(chunk, size - c * chunk), lengths[c]);
            }
        }
    }

    @Test
    void aWorkerThatNeverStartsHoldsNobodyUp() throws InterruptedException {
        int saved = ComputeThreads.workers();
        CountDownLatch release = new CountDownLatch(1);
        try {
            // every thread of the pool (grown to 15 here, more than any call before asked for) is
            // kept busy, as descheduled threads would be: the call's helper task waits behind them,
            // so the calling thread must run every chunk itself
            ComputeThreads.startHelpers(16, w -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            int chunks = 10;
            int[] ranBy = new int[chunks];
            Arrays.fill(ranBy, -1);
            assertTimeoutPreemptively(
                    Duration.ofMinutes(2),
                    () -> ChunkScheduler.run(chunks * 8, 8, 2, (w, s) -> {}, (w, c, b0, m) -> ranBy[c] = w),
                    "the call waited for a worker that had not started");
            int[] caller = new int[chunks];
            assertArrayEquals(caller, ranBy, "every chunk ran on the calling thread (worker 0)");
        } finally {
            release.countDown();
            ComputeThreads.setWorkers(saved);
        }
    }

    @Test
    void aFailingChunkFailsTheCallAfterTheOthersFinish() {
        IllegalStateException thrown = assertThrows(
                IllegalStateException.class,
                () -> ChunkScheduler.run(100, 10, 3, (w, s) -> {}, (w, c, b0, m) -> {
                    if (c == 4) {
                        throw new IllegalStateException("chunk 4");
                    }
                }));
        assertEquals("chunk 4", thrown.getMessage());
    }
}
