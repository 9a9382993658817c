package org.cnf4j.spark;

import org.apache.spark.broadcast.Broadcast;
import org.cnf4j.io.LoadedModel;
import org.cnf4j.io.ModelFile;
import org.cnf4j.linalg.ComputeThreads;
import org.cnf4j.linalg.NativeThreads;

/**
 * The model a Spark task works with, loaded once per executor thread from the broadcast model
 * file and reused by every partition that thread runs for the same broadcast (a flow keeps work
 * buffers, so one instance serves one thread). Also applies the per-executor settings once per
 * JVM: ND4J's native libraries load on first use, with one native thread (ND4J/OpenBLAS) and one
 * cnf4j worker per task, since Spark's task slots are already the parallelism (an executor with
 * 4 cores runs 4 tasks). {@code -Dcnf4j.threads} and {@code -Dcnf4j.workers} in
 * {@code spark.executor.extraJavaOptions} override both.
 */
final class ExecutorModels {

    private record Cached(long broadcastId, LoadedModel model) {}

    private static final ThreadLocal<Cached> CACHE = new ThreadLocal<>();
    private static volatile boolean configured;

    private ExecutorModels() {}

    /** The model of {@code broadcast} for the calling thread, loading it on first use. */
    static LoadedModel get(Broadcast<byte[]> broadcast, String name) {
        configure();
        Cached c = CACHE.get();
        if (c == null || c.broadcastId() != broadcast.id()) {
            c = new Cached(broadcast.id(), ModelFile.load(broadcast.value(), name));
            CACHE.set(c);
        }
        return c.model();
    }

    private static void configure() {
        if (!configured) {
            synchronized (ExecutorModels.class) {
                if (!configured) {
                    NativeThreads.ensureConfigured();
                    if (System.getProperty(ComputeThreads.PROPERTY) == null) {
                        ComputeThreads.setWorkers(1);
                    }
                    configured = true;
                }
            }
        }
    }
}
