package org.cnf4j.linalg;

/**
 * The allocation check of one kernel family in a JVM of its own, for {@link KernelAllocationTest}:
 * warms the family's vector kernel until it stops allocating (or 20 s pass) and prints
 * {@code bytes-per-call N} for 200 further calls.
 */
public final class KernelAllocationProbe {

    static final String PREFIX = "bytes-per-call ";

    private KernelAllocationProbe() {}

    /** {@code args[0]}: the family's enum name. */
    public static void main(String[] args) {
        KernelWorkload w = KernelWorkload.of(KernelFamily.valueOf(args[0]), KernelWorkload.ROWS);
        double perCall = AllocationMeter.currentThreadBytesPerCall(
                w::vector, 200, KernelAllocationTest.ALLOWED, KernelAllocationTest.WARMUP_MS);
        System.out.println(PREFIX + perCall);
    }
}
