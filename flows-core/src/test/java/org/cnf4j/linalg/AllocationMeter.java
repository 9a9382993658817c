package org.cnf4j.linalg;

import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;

/**
 * Heap bytes allocated by all live threads, for tests that check hot code allocates nothing
 * (Vector API code compiled to vector instructions allocates nothing; its Java fallback
 * allocates on every operation).
 */
public final class AllocationMeter {

    private static final com.sun.management.ThreadMXBean BEAN =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private AllocationMeter() {}

    /** Bytes allocated so far by the threads now alive. */
    public static long allThreads() {
        BEAN.setThreadAllocatedMemoryEnabled(true);
        long sum = 0;
        for (long b : BEAN.getThreadAllocatedBytes(BEAN.getAllThreadIds())) {
            sum += Math.max(0, b);
        }
        return sum;
    }

    /** Bytes allocated so far by the current thread (the counter the kernel selection uses). */
    public static long currentThread() {
        return KernelSelection.AllocationCounter.currentThread();
    }

    /** {@link #bytesPerCallAfterWarmUp} counting the current thread's allocations only. */
    public static double currentThreadBytesPerCall(Runnable work, int calls, long allowed, long limitMs) {
        return perCall(work, calls, allowed, limitMs, AllocationMeter::currentThread);
    }

    /**
     * Runs {@code work} until a batch of calls allocates at most {@code allowed} bytes per call (the
     * JIT has compiled it) or {@code limitMs} passes, then returns the bytes per call of
     * {@code calls} further calls.
     */
    public static double bytesPerCallAfterWarmUp(Runnable work, int calls, long allowed, long limitMs) {
        return perCall(work, calls, allowed, limitMs, AllocationMeter::allThreads);
    }

    private static double perCall(Runnable work, int calls, long allowed, long limitMs, LongSupplier meter) {
        long end = System.nanoTime() + limitMs * 1_000_000L;
        int clean = 0;
        while (clean < 3 && System.nanoTime() < end) {
            long before = meter.getAsLong();
            for (int i = 0; i < 8; i++) {
                work.run();
            }
            clean = (meter.getAsLong() - before) / 8 <= allowed ? clean + 1 : 0;
        }
        long before = meter.getAsLong();
        for (int i = 0; i < calls; i++) {
            work.run();
        }
        return (double) (meter.getAsLong() - before) / calls;
    }
}
