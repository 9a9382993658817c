package org.cnf4j.linalg;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Chooses, per JVM and per {@link KernelFamily}, between the Vector API kernels and the plain path
 * (scalar loops of the same operations, or BLAS for the products), so that the default is never
 * slower than the plain path on the CPU and JDK at hand.
 *
 * <p>{@link #calibrate()} runs once, before the first network evaluation (a network's constructor
 * calls it): for each family it first runs the vector kernel on a small problem until a batch of
 * calls allocates nothing on the heap. Vector API code that the JIT compiled to vector
 * instructions allocates nothing; code left to the library's Java fallback (a width or operation
 * the JIT does not support) allocates on every operation and runs 10-100 times slower. A kernel
 * still allocating after {@value #WARMUP_LIMIT_MS} ms and {@value #WARMUP_CALLS} calls is not used. Otherwise both paths are timed
 * on the same problem, alternating, and the faster one is kept. On an AVX2 machine this takes
 * about 1-2 s, most of it the JIT compiling kernels the evaluation would compile anyway.
 *
 * <p>System properties: {@code cnf4j.vector=false} runs the plain path everywhere,
 * {@code cnf4j.vector=true} the vector path wherever the Vector API module is present (no
 * measurement), anything else or nothing chooses by measurement; {@code cnf4j.vector.bits}
 * (128, 256 or 512) sets the vector width instead of the CPU's preferred one. The scalar loops
 * and the vector kernels compute bit-identical results; the products' plain path (BLAS) agrees
 * with them to about 1e-12 relative, so the products' choice can change results in the last bits.
 */
public final class KernelSelection {

    /** System property: {@code auto} (default), {@code true} or {@code false}. */
    public static final String PROPERTY = Transcendentals.PROPERTY;
    /** System property: the vector width in bits, 0 or unset for the CPU's preferred width. */
    public static final String BITS_PROPERTY = "cnf4j.vector.bits";
    /**
     * How long a vector kernel may take to stop allocating before it is ruled out, provided it was
     * called {@link #WARMUP_CALLS} times (enough for the JIT to have queued it for compilation).
     */
    static final long WARMUP_LIMIT_MS = 2000;
    /** Calls of a kernel before it may be ruled out. */
    static final int WARMUP_CALLS = 4000;
    /** Longest warm-up in any case. */
    static final long WARMUP_MAX_MS = 6000;
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
    private static final Object MEASURING = new Object();

    private static final KernelFamily[] FAMILIES = KernelFamily.values();
    private static final boolean[] AVAILABLE = new boolean[FAMILIES.length];
    private static final boolean[] CHOSEN = new boolean[FAMILIES.length];
    private static volatile List<KernelChoice> choices;
    private static Thread background;

    static {
        AVAILABLE[KernelFamily.PRODUCTS_DOUBLE.ordinal()] = HeapGemm.vectorized();
        AVAILABLE[KernelFamily.PRODUCTS_FLOAT.ordinal()] = HeapGemm.vectorized();
        AVAILABLE[KernelFamily.TANH_DOUBLE.ordinal()] = Transcendentals.vectorized();
        AVAILABLE[KernelFamily.TANH_FLOAT.ordinal()] = SingleTanh.vectorized();
        AVAILABLE[KernelFamily.ELEMENTWISE_DOUBLE.ordinal()] = Transcendentals.vectorized();
        AVAILABLE[KernelFamily.ELEMENTWISE_FLOAT.ordinal()] = Transcendentals.vectorized();
        System.arraycopy(AVAILABLE, 0, CHOSEN, 0, AVAILABLE.length);
    }

    private KernelSelection() {
    }

    /** Whether the family runs its Vector API kernels (before {@link #calibrate()}: whether they are available). */
    public static boolean vector(KernelFamily family) {
        return CHOSEN[family.ordinal()];
    }

    /** Whether the family's Vector API kernels exist in this JVM (the module is present and they passed their self-test). */
    public static boolean available(KernelFamily family) {
        return AVAILABLE[family.ordinal()];
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
     * Starts {@link #calibrate()} on a daemon thread, so that the measurement overlaps other start-up
     * work (reading data, loading the native libraries); {@link #calibrate()} then waits for it.
     */
    public static void calibrateInBackground() {
        synchronized (KernelSelection.class) {
            if (choices != null || background != null) {
                return;
            }
            background = new Thread(KernelSelection::calibrate, "cnf4j-kernel-selection");
            background.setDaemon(true);
            background.start();
        }
    }

    /**
     * Measures and fixes each family's path, the first time it is called (later calls return at
     * once; a call while another thread measures waits for it). Thread-safe.
     */
    public static void calibrate() {
        if (choices != null) {
            return;
        }
        synchronized (MEASURING) {
            if (choices != null) {
                return;
            }
            // BLAS (the products' plain path) with the thread count the evaluations will use
            NativeThreads.ensureConfigured();
            String mode = mode();
            KernelChoice[] list = new KernelChoice[FAMILIES.length];
            List<KernelFamily> measured = new ArrayList<>();
            for (KernelFamily f : FAMILIES) {
                if (!AVAILABLE[f.ordinal()]) {
                    list[f.ordinal()] = new KernelChoice(f, false, mode.equals("false") ? PROPERTY + "=false"
                            : "no Vector API (run with --add-modules jdk.incubator.vector)", Double.NaN, Double.NaN);
                } else if (mode.equals("true")) {
                    list[f.ordinal()] = new KernelChoice(f, true, PROPERTY + "=true", Double.NaN, Double.NaN);
                } else {
                    measured.add(f);
                }
            }
            List<KernelWorkload> warm = new ArrayList<>();
            List<KernelWorkload> timed = new ArrayList<>();
            for (KernelFamily f : measured) {
                warm.add(KernelWorkload.of(f, KernelWorkload.WARMUP_ROWS));
                timed.add(KernelWorkload.of(f, KernelWorkload.ROWS));
            }
            for (KernelChoice c : measure(measured, warm, timed)) {
                list[c.family().ordinal()] = c;
            }
            for (KernelChoice c : list) {
                CHOSEN[c.family().ordinal()] = c.vector();
            }
            choices = List.of(list);
        }
    }

    /** The choices made by {@link #calibrate()} (which this calls first). */
    public static List<KernelChoice> choices() {
        calibrate();
        return choices;
    }

    /**
     * Warms the vector kernels of the families in turn, on small problems ({@code warm}), until each
     * runs a few batches without allocating or is given up; then times both paths of each on the
     * larger problems ({@code timed}); see the class comment.
     */
    static List<KernelChoice> measure(List<KernelFamily> families, List<KernelWorkload> warm,
            List<KernelWorkload> timed) {
        int n = families.size();
        int[] clean = new int[n];
        int[] calls = new int[n];
        boolean counting = AllocationCounter.supported();
        long start = System.nanoTime();
        boolean warming = true;
        while (warming) {
            long elapsedMs = (System.nanoTime() - start) / 1_000_000L;
            warming = false;
            for (int i = 0; i < n; i++) {
                boolean givenUp = elapsedMs >= WARMUP_MAX_MS || elapsedMs >= WARMUP_LIMIT_MS && calls[i] >= WARMUP_CALLS;
                if (clean[i] >= CLEAN_BATCHES || givenUp) {
                    continue;
                }
                KernelWorkload w = warm.get(i);
                long before = AllocationCounter.currentThread();
                for (int c = 0; c < BATCH; c++) {
                    w.vector();
                }
                calls[i] += BATCH;
                long after = AllocationCounter.currentThread();
                clean[i] = !counting || after == before ? clean[i] + 1 : 0;
                warming = true;
            }
        }
        List<KernelChoice> result = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            result.add(timed(families.get(i), timed.get(i), clean[i] >= CLEAN_BATCHES));
        }
        return result;
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
            return new KernelChoice(family, false, "vector code not compiled to vector instructions (it allocates on"
                    + " every call)", vectorGflops, plainGflops);
        }
        boolean vector = vectorNs <= plainNs;
        return new KernelChoice(family, vector, vector ? "faster" : "plain path faster", vectorGflops, plainGflops);
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

        private AllocationCounter() {
        }

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
