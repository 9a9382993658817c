package org.cnf4j.nn;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import org.cnf4j.linalg.ComputeThreads;

/**
 * Cuts one call of a network into equal chunks of rows and runs them on the {@link ComputeThreads}
 * workers, each worker taking the next chunk from a shared counter until none is left (a worker
 * descheduled by a busy machine leaves its share to the others, and nobody waits for a worker
 * that never started). The chunk size depends on the call only, never on the number of workers,
 * a chunk's results do not depend on which worker ran it, and per-chunk parameter gradients are
 * summed in chunk order ({@link #sumInOrder}), so results are bit-identical for any worker count
 * and any scheduling.
 */
final class ChunkScheduler {

    /**
     * Most rows of the stacked primal-and-tangent matrices processed together: 256 KB per buffer
     * of width 64, so a chunk's buffers stay in the core's cache (measured on a 10,000-point
     * log-density: 512 rows 567 ms, 2048 rows 625 ms, 4096 rows 793 ms).
     */
    static final int CHUNK_ROWS = 512;

    /**
     * Calls of at least this many rows are cut into two chunks or more, so that two workers can
     * share a training batch (measured at batch 100, exact trace: the adjoint products in 333
     * instead of 463 microseconds with two workers).
     */
    static final int SPLIT_ROWS = 128;

    /** Work on samples [b0, b0 + m) of a call, chunk number c, by worker {@code worker}. */
    interface ChunkTask {
        void run(int worker, int c, int b0, int m);
    }

    /** Prepares a worker (its buffers, for chunks of up to {@code samples} samples) before its chunks run. */
    interface WorkerSetup {
        void prepare(int worker, int samples);
    }

    private double[][] chunkGrads = new double[0][];

    /**
     * Samples per chunk for a call of {@code size} samples with {@code probes} probes: equal
     * chunks, as few as {@link #CHUNK_ROWS} and {@link #SPLIT_ROWS} allow.
     */
    static int chunkSamples(int size, int probes) {
        int most = Math.max(1, CHUNK_ROWS / (1 + probes));
        long rows = (long) size * (1 + probes);
        long chunks = Math.max((size + most - 1) / most, rows >= SPLIT_ROWS ? 2 : 1);
        return (int) Math.max(1, (size + chunks - 1) / chunks);
    }

    /** Number of chunks of a call of {@code size} samples cut into chunks of {@code chunk}. */
    static int chunks(int size, int chunk) {
        return (size + chunk - 1) / chunk;
    }

    /** Workers a call of {@code chunks} chunks uses. */
    static int workersFor(int chunks) {
        return Math.min(chunks, ComputeThreads.workers());
    }

    /**
     * Runs every chunk of a call of {@code size} samples in chunks of {@code chunk} on up to
     * {@code workers} workers, each worker set up before its first chunk; returns when every chunk
     * is done, rethrowing the first failure.
     */
    static void run(int size, int chunk, int workers, WorkerSetup setup, ChunkTask task) {
        SharedChunks shared = new SharedChunks(chunks(size, chunk));
        IntConsumer work = worker -> shared.work(worker, size, chunk, setup, task);
        ComputeThreads.startHelpers(workers, work);
        work.accept(0);
        shared.awaitAll();
    }

    /** The chunks of one call: the next to claim, those still to finish, and the first failure. */
    private static final class SharedChunks {
        private final int chunks;
        private final AtomicInteger next = new AtomicInteger();
        private final CountDownLatch unfinished;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        SharedChunks(int chunks) {
            this.chunks = chunks;
            this.unfinished = new CountDownLatch(chunks);
        }

        /** Claims and runs chunks until none is left; a worker that claims none touches nothing. */
        void work(int worker, int size, int chunk, WorkerSetup setup, ChunkTask task) {
            boolean prepared = false;
            for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                try {
                    if (failure.get() == null) {
                        if (!prepared) {
                            setup.prepare(worker, Math.min(chunk, size));
                            prepared = true;
                        }
                        int b0 = c * chunk;
                        task.run(worker, c, b0, Math.min(chunk, size - b0));
                    }
                } catch (RuntimeException | Error e) {
                    failure.compareAndSet(null, e);
                } finally {
                    unfinished.countDown();
                }
            }
        }

        /** Waits (not interruptibly: workers still write the caller's buffers) until every chunk is done. */
        void awaitAll() {
            boolean interrupted = false;
            while (true) {
                try {
                    unfinished.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            Throwable f = failure.get();
            if (f instanceof RuntimeException r) {
                throw r;
            }
            if (f instanceof Error e) {
                throw e;
            }
        }
    }

    /** Reused per-chunk gradient buffers of {@code length} values, at least {@code chunks} of them. */
    double[][] chunkGradients(int chunks, int length) {
        if (chunkGrads.length < chunks) {
            double[][] grown = Arrays.copyOf(chunkGrads, chunks);
            for (int c = chunkGrads.length; c < chunks; c++) {
                grown[c] = new double[length];
            }
            chunkGrads = grown;
        }
        return chunkGrads;
    }

    /** Adds chunks 1 .. chunks - 1 of {@code perChunk} into chunk 0, in order, and returns it. */
    static double[] sumInOrder(double[][] perChunk, int chunks) {
        double[] sum = perChunk[0];
        for (int c = 1; c < chunks; c++) {
            double[] g = perChunk[c];
            for (int i = 0; i < sum.length; i++) {
                sum[i] += g[i];
            }
        }
        return sum;
    }
}
