package org.cnf4j.linalg;

import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Thread settings of the native libraries (libnd4j's OpenMP pool and OpenBLAS).
 *
 * <p>On the small arrays of this toolkit one native thread is fastest: ND4J's default of two
 * threads stalls under any other load on the machine (measured: tanh on [512, 64] went from
 * 0.48 ms to 8 ms). Every entry point calls {@link #ensureConfigured()}, which applies the
 * system property {@code cnf4j.threads} (default 1) once; callers may change it with
 * {@link #set(int)}.
 */
public final class NativeThreads {

    /** System property naming the number of native threads (default 1). */
    public static final String PROPERTY = "cnf4j.threads";

    private static volatile boolean configured;
    private static volatile int threads;

    private NativeThreads() {}

    /** Applies {@code cnf4j.threads} (default 1) the first time it is called; later calls do nothing. */
    public static void ensureConfigured() {
        if (!configured) {
            synchronized (NativeThreads.class) {
                if (!configured) {
                    set(Integer.getInteger(PROPERTY, 1));
                }
            }
        }
    }

    /** Sets the number of threads libnd4j and OpenBLAS may use for one operation. */
    public static synchronized void set(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("thread count must be at least 1, got " + n);
        }
        Nd4j.getEnvironment().setMaxMasterThreads(n);
        Nd4j.getEnvironment().setMaxThreads(n);
        openblas_nolapack.blas_set_num_threads(n);
        threads = n;
        configured = true;
    }

    /** The thread count last applied. */
    public static int get() {
        ensureConfigured();
        return threads;
    }
}
