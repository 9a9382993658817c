package org.cnf4j.linalg;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Java threads that share large network evaluations: a batch is cut into chunks of rows and
 * worker w takes chunks w, w + W, w + 2W, ... (a fixed striping, so results do not depend on
 * scheduling), each worker with its own buffers and single-threaded BLAS. On these small matrices
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
     * Runs {@code task.accept(w)} for w = 0 .. count - 1, worker 0 in the calling thread, the others
     * on the pool, and waits for all.
     */
    public static void run(int count, IntConsumer task) {
        if (count <= 1) {
            task.accept(0);
            return;
        }
        List<Future<?>> futures = new ArrayList<>();
        ExecutorService p = pool(count - 1);
        for (int w = 1; w < count; w++) {
            int worker = w;
            futures.add(p.submit(() -> task.accept(worker)));
        }
        RuntimeException failure = null;
        try {
            task.accept(0);
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = failure != null ? failure : new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (failure == null) {
                    failure = c instanceof RuntimeException r ? r : new IllegalStateException(c);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
