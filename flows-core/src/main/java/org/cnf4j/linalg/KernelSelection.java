package org.cnf4j.linalg;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Chooses, per JVM and per {@link KernelFamily}, between the Vector API kernels and the plain path
 * (scalar loops of the same operations, or BLAS for the products). The choice follows from the CPU
 * and the JVM, never from timings: the same machine chooses the same kernels idle or busy, every
 * run, so a run's results (and its model file) do not depend on the load.
 *
 * <p>Every family starts on the plain path. Vector API code costs a second or two of the JIT's
 * time before it runs at speed (until then the library's Java fallback runs 10-100 times slower
 * and allocates on every operation), which a short command never earns back. So
 * {@link #calibrate(KernelFamily...)} runs only when a command has done enough work to be worth it
 * ({@link #CALIBRATION_WORK}; {@code MlpDynamics} counts its multiply-adds and calls it once they
 * pass that, a point fixed by the work, not the clock). For each family asked for it then runs the
 * vector kernel on a small problem until a batch of calls allocates nothing on the heap (the JIT
 * compiled it to vector instructions). That wait counts calls and asks the JIT, never the clock:
 * a kernel still allocating is given up only after {@value #WARMUP_CALLS} calls and a further
 * {@value #QUIET_CALLS} during which the JIT had none of the kernels' or the Vector API's code
 * left to compile ({@link CompileQueue}): the JIT has then finished and left it in the fallback
 * (seen with JDK 17 at a forced width). A JIT that is only late, its compiler threads starved by
 * a busy machine or busy with other methods, is waited for, so the choice is the idle machine's.
 * A compiled family runs its vector kernels when the vector width is at least
 * {@value #MIN_VECTOR_BITS} bits (AVX2 and wider; 128-bit vectors do not beat the plain loops
 * here). Both paths are still timed on the same problem, for {@code cnf bench} to print; the
 * timings decide nothing.
 */
public final class KernelSelection {

    /** System property: {@code auto} (default), {@code true} or {@code false}. */
    public static final String PROPERTY = Transcendentals.PROPERTY;
    /** System property: the vector width in bits, 0 or unset for the CPU's preferred width. */
    public static final String BITS_PROPERTY = "cnf4j.vector.bits";
    /**
     * Calls of a kernel's warm-up after which one still allocating is ruled out. A count, not a
     * time: a loaded machine runs the calls and the JIT's compiler more slowly alike, so the JIT
     * gets the same share of the warm-up idle or busy, and the choice does not depend on the load.
     */
    static final int WARMUP_CALLS = 200_000;
    /**
     * Calls, after {@link #WARMUP_CALLS}, in a row during which no kernel code waits for the JIT,
     * before a kernel still allocating is given up: enough for the invocation counters of code that
     * has just left a queue to ask for the next tier.
     */
    static final int QUIET_CALLS = 20_000;
    /**
     * Calls after which a kernel still allocating is given up even if the JIT keeps kernel code in
     * its queue (a JIT that compiles, throws away and recompiles without end): a safety net.
     */
    static final int MAX_WARMUP_CALLS = 25 * WARMUP_CALLS;
    /** The narrowest vector width the vector kernels are chosen at. */
    static final int MIN_VECTOR_BITS = 256;
    /**
     * Multiply-adds of network evaluation (forward-pass equivalents) after which a network asks for
     * the measurement: about 2 s of plain-path work on a 2-core machine, somewhat more than the
     * measurement costs, so that a short command never pays for it and a command that does pays
     * less than it had already run.
     */
    public static final long CALIBRATION_WORK = 30_000_000_000L;
    /** Calls a batch when checking allocation. */
    private static final int BATCH = 8;
    /** Clean batches in a row that show a kernel is compiled. */
    private static final int CLEAN_BATCHES = 3;
    /** Alternating timing rounds per family; the fastest round of each path counts. */
    private static final int ROUNDS = 7;
    /** Calls a timing round. */
    private static final int REPS = 4;
    /** Warm-up calls of the plain path before timing. */
    private static final int PLAIN_WARMUP = 400;

    private static final KernelFamily[] FAMILIES = KernelFamily.values();
    private static final boolean[] CHOSEN = new boolean[FAMILIES.length];
    /** Each family's choice once made (null before). */
    private static final KernelChoice[] CHOICES = new KernelChoice[FAMILIES.length];

    static {
        // without the module or with cnf4j.vector=false nothing touches the Vector API; otherwise
        // the kernels' self-tests run when a family is first decided (they load and run the API)
        String mode = mode();
        boolean module = Transcendentals.vectorModuleEnabled();
        for (KernelFamily f : FAMILIES) {
            int i = f.ordinal();
            if (!module) {
                CHOICES[i] = new KernelChoice(
                        f,
                        false,
                        mode.equals("false")
                                ? PROPERTY + "=false"
                                : "no Vector API (run with --add-modules jdk.incubator.vector)",
                        Double.NaN,
                        Double.NaN);
            } else if (mode.equals("true")) {
                CHOICES[i] = available(f)
                        ? new KernelChoice(f, true, PROPERTY + "=true", Double.NaN, Double.NaN)
                        : selfTestFailed(f);
            }
            CHOSEN[i] = CHOICES[i] != null && CHOICES[i].vector();
        }
    }

    private KernelSelection() {}

    /** Whether the family runs its Vector API kernels now (the plain path until it is chosen by measurement). */
    public static boolean vector(KernelFamily family) {
        return CHOSEN[family.ordinal()];
    }

    /**
     * Whether the family's Vector API kernels exist in this JVM (the module is present and they
     * passed their self-test, which this runs the first time).
     */
    public static boolean available(KernelFamily family) {
        return switch (family) {
            case PRODUCTS_DOUBLE, PRODUCTS_FLOAT -> HeapGemm.vectorized();
            case TANH_FLOAT -> SingleTanh.vectorized();
            case TANH_DOUBLE, ELEMENTWISE_DOUBLE, ELEMENTWISE_FLOAT -> Transcendentals.vectorized();
        };
    }

    private static KernelChoice selfTestFailed(KernelFamily f) {
        return new KernelChoice(f, false, "vector kernels failed their self-test", Double.NaN, Double.NaN);
    }

    /** The vector width the kernels use, in bits (0 without the Vector API module). */
    public static int vectorBits() {
        if (!HeapGemm.vectorized() && !Transcendentals.vectorized() && !SingleTanh.vectorized()) {
            return 0;
        }
        return VectorLanes.DOUBLES.vectorBitSize();
    }

    /** The mode {@code cnf4j.vector} asks for: "true", "false" or "auto". */
    static String mode() {
        String value = System.getProperty(PROPERTY, "auto").trim().toLowerCase(java.util.Locale.ROOT);
        return value.equals("true") || value.equals("false") ? value : "auto";
    }

    /**
     * Whether the system property fixes every family's path ({@code cnf4j.vector=true} or
     * {@code false}, or no Vector API module), so that nothing is measured.
     */
    public static boolean fixedByProperty() {
        return !mode().equals("auto") || !Transcendentals.vectorModuleEnabled();
    }

    /** Whether every one of the families has its path fixed (measured, or fixed by the system property). */
    public static boolean decided(KernelFamily... families) {
        synchronized (CHOICES) {
            for (KernelFamily f : families) {
                if (CHOICES[f.ordinal()] == null) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Measures and fixes the path of each of the families not yet decided (families decided before
     * return at once; a call while another thread measures waits for it). Thread-safe.
     */
    public static void calibrate(KernelFamily... families) {
        synchronized (CHOICES) {
            List<KernelFamily> measured = new ArrayList<>();
            for (KernelFamily f : families) {
                if (CHOICES[f.ordinal()] != null || measured.contains(f)) {
                    continue;
                }
                if (available(f)) {
                    measured.add(f);
                } else {
                    CHOICES[f.ordinal()] = selfTestFailed(f);
                }
            }
            if (measured.isEmpty()) {
                return;
            }
            // BLAS (the products' plain path) with the thread count the evaluations will use
            NativeThreads.ensureConfigured();
            List<KernelWorkload> warm = new ArrayList<>();
            List<KernelWorkload> timed = new ArrayList<>();
            for (KernelFamily f : measured) {
                warm.add(KernelWorkload.of(f, KernelWorkload.WARMUP_ROWS));
                timed.add(KernelWorkload.of(f, KernelWorkload.ROWS));
            }
            for (KernelChoice c : measure(measured, warm, timed, CompileQueue::kernelCodePending)) {
                CHOICES[c.family().ordinal()] = c;
                CHOSEN[c.family().ordinal()] = c.vector();
            }
        }
    }

    /** Measures every family not yet decided ({@link #calibrate(KernelFamily...)}). */
    public static void calibrate() {
        calibrate(FAMILIES);
    }

    /** Every family's choice, measuring those not yet decided first. */
    public static List<KernelChoice> choices() {
        calibrate();
        synchronized (CHOICES) {
            return List.of(CHOICES);
        }
    }

    /**
     * Warms the vector kernels of the families in turn, on small problems ({@code warm}), until each
     * runs a few batches without allocating or is given up; then times both paths of each on the
     * larger problems ({@code timed}) for the record; see the class comment for what decides.
     *
     * @param jitPending whether the JIT still has kernel code to compile (asked once a kernel has
     *     had {@link #WARMUP_CALLS} calls and still allocates)
     */
    static List<KernelChoice> measure(
            List<KernelFamily> families,
            List<KernelWorkload> warm,
            List<KernelWorkload> timed,
            BooleanSupplier jitPending) {
        int n = families.size();
        int[] clean = new int[n];
        int[] calls = new int[n];
        int[] quiet = new int[n];
        boolean counting = AllocationCounter.supported();
        boolean warming = true;
        while (warming) {
            warming = false;
            for (int i = 0; i < n; i++) {
                if (clean[i] >= CLEAN_BATCHES || givenUp(calls[i], quiet[i])) {
                    continue;
                }
                KernelWorkload w = warm.get(i);
                long before = AllocationCounter.currentThread();
                for (int c = 0; c < BATCH; c++) {
                    w.vector();
                }
                calls[i] += BATCH;
                long after = AllocationCounter.currentThread();
                if (!counting || after == before) {
                    clean[i]++;
                } else {
                    clean[i] = 0;
                    if (calls[i] >= WARMUP_CALLS) {
                        quiet[i] = jitPending.getAsBoolean() ? 0 : quiet[i] + BATCH;
                    }
                }
                warming = true;
            }
        }
        List<KernelChoice> result = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            result.add(timed(families.get(i), timed.get(i), clean[i] >= CLEAN_BATCHES));
        }
        return result;
    }

    /**
     * Whether a kernel still allocating after {@code calls} warm-up calls, the last {@code quiet}
     * of them with no kernel code waiting for the JIT, is given up.
     */
    static boolean givenUp(int calls, int quiet) {
        return calls >= MAX_WARMUP_CALLS || (calls >= WARMUP_CALLS && quiet >= QUIET_CALLS);
    }

    /** Times both paths of a family, alternating; {@code compiled}: whether its vector kernel stopped allocating. */
    private static KernelChoice timed(KernelFamily family, KernelWorkload w, boolean compiled) {
        // the plain path's loops need the JIT too
        for (int i = 0; i < PLAIN_WARMUP; i++) {
            w.plain();
        }
        long vectorNs = Long.MAX_VALUE;
        long plainNs = Long.MAX_VALUE;
        for (int r = 0; r < ROUNDS; r++) {
            vectorNs = Math.min(vectorNs, time(w, true));
            plainNs = Math.min(plainNs, time(w, false));
        }
        double vectorGflops = (double) w.flops() * REPS / vectorNs;
        double plainGflops = (double) w.flops() * REPS / plainNs;
        if (!compiled) {
            return new KernelChoice(
                    family,
                    false,
                    "vector code not compiled to vector instructions (it allocates on" + " every call)",
                    vectorGflops,
                    plainGflops);
        }
        int bits = VectorLanes.DOUBLES.vectorBitSize();
        if (bits < MIN_VECTOR_BITS) {
            return new KernelChoice(
                    family,
                    false,
                    bits + "-bit vectors (the vector kernels are used from " + MIN_VECTOR_BITS + " bits)",
                    vectorGflops,
                    plainGflops);
        }
        return new KernelChoice(family, true, "compiled, " + bits + "-bit vectors", vectorGflops, plainGflops);
    }

    private static long time(KernelWorkload w, boolean vector) {
        long t0 = System.nanoTime();
        for (int i = 0; i < REPS; i++) {
            if (vector) {
                w.vector();
            } else {
                w.plain();
            }
        }
        return Math.max(1, System.nanoTime() - t0);
    }

    /** Heap bytes allocated by the current thread, where the JVM counts them. */
    static final class AllocationCounter {
        private static final com.sun.management.ThreadMXBean BEAN = bean();

        private AllocationCounter() {}

        static boolean supported() {
            return BEAN != null;
        }

        /** Bytes allocated so far by the current thread, or 0 where not counted. */
        static long currentThread() {
            return BEAN == null ? 0 : BEAN.getCurrentThreadAllocatedBytes();
        }

        private static com.sun.management.ThreadMXBean bean() {
            try {
                if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean b
                        && b.isThreadAllocatedMemorySupported()) {
                    b.setThreadAllocatedMemoryEnabled(true);
                    return b;
                }
            } catch (LinkageError | RuntimeException e) {
                // not HotSpot: fall back to timing alone
            }
            return null;
        }
    }
}
