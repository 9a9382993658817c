package org.cnf4j.linalg;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Java threads that share large network evaluations: a batch is cut into chunks of rows with
 * fixed boundaries, and the workers (the calling thread among them) take the next chunk from a
 * shared counter until none is left, each worker with its own buffers and single-threaded BLAS;
 * a worker the operating system leaves waiting (a busy machine) holds nobody up, the others take
 * its chunks. On these small matrices
 * this beats letting BLAS or ND4J spread one product over threads (measured: 1 vs 2 native
 * threads gained nothing, 2 Java workers on separate chunks nearly halved a 10,000-point
 * log-density). The count is the system property {@code cnf4j.workers}, by default the number
 * of available processors. Callers combine per-chunk results in chunk order, so results are
 * bit-identical whatever the count.
 */
public final class ComputeThreads {

    /** System property naming the number of workers. */
    public static final String PROPERTY = "cnf4j.workers";

    private static volatile int workers =
            Math.max(1, Integer.getInteger(PROPERTY, Runtime.getRuntime().availableProcessors()));
    private static ExecutorService pool;
    private static int poolSize;

    private ComputeThreads() {}

    /** The number of workers. */
    public static int workers() {
        return workers;
    }

    /** Sets the number of workers (at least 1) for the calls that start after this one. */
    public static void setWorkers(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("workers must be at least 1, got " + count);
        }
        workers = count;
    }

    private static synchronized ExecutorService pool(int size) {
        if (pool == null || poolSize < size) {
            // a larger pool replaces the old one, which is not shut down: another thread may be
            // submitting to it right now; its idle threads end by themselves after a minute
            ThreadPoolExecutor grown =
                    new ThreadPoolExecutor(size, size, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                        Thread t = new Thread(r, "cnf4j-worker");
                        t.setDaemon(true);
                        return t;
                    });
            grown.allowCoreThreadTimeOut(true);
            poolSize = size;
            pool = grown;
        }
        return pool;
    }

    /**
     * Starts {@code task.accept(w)} for w = 1 .. count - 1 on the pool and returns at once, without
     * waiting: for work that the caller shares out itself (workers claiming chunks from a shared
     * counter, the caller among them as worker 0) and waits for by counting what is done. A task
     * may start after its call's work is finished (its thread was descheduled) and must then do
     * nothing; so nobody waits for a worker that never got the CPU.
     */
    public static void startHelpers(int count, IntConsumer task) {
        if (count <= 1) {
            return;
        }
        ExecutorService p = pool(count - 1);
        for (int w = 1; w < count; w++) {
            int worker = w;
            p.execute(() -> task.accept(worker));
        }
    }
}
