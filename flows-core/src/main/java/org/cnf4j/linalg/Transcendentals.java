package org.cnf4j.linalg;

/**
 * exp and log1p over runs of a double array, in place: the transcendental part of the
 * activations, which dominated the network kernels (Math.exp costs about 3.5 ns and the JIT does
 * not vectorise it).
 *
 * <p>When the JVM runs with {@code --add-modules jdk.incubator.vector} these use the JDK's
 * Vector API, whose exp and log1p are Intel SVML kernels on x86 (about 0.6 ns an element here,
 * within an ulp of Math.exp); otherwise, or with {@code -Dcnf4j.vector=false}, plain
 * {@link Math} loops. The choice is made once, at class loading, and reported by
 * {@link #vectorized()}.
 */
public final class Transcendentals {

    /** System property: {@code false} forces the scalar loops. */
    public static final String PROPERTY = "cnf4j.vector";

    private static final boolean VECTOR = detect();

    private Transcendentals() {
    }

    /** True when the Vector API path is in use. */
    public static boolean vectorized() {
        return VECTOR;
    }

    /** {@code x[i] = exp(x[i])} for i in [from, to). */
    public static void exp(double[] x, int from, int to) {
        if (VECTOR) {
            VectorTranscendentals.exp(x, from, to);
        } else {
            scalarExp(x, from, to);
        }
    }

    /** {@code x[i] = log(1 + x[i])} for i in [from, to). */
    public static void log1p(double[] x, int from, int to) {
        if (VECTOR) {
            VectorTranscendentals.log1p(x, from, to);
        } else {
            scalarLog1p(x, from, to);
        }
    }

    /** The scalar exp loop (also the reference for tests). */
    public static void scalarExp(double[] x, int from, int to) {
        for (int i = from; i < to; i++) {
            x[i] = Math.exp(x[i]);
        }
    }

    /** The scalar log1p loop (also the reference for tests). */
    public static void scalarLog1p(double[] x, int from, int to) {
        for (int i = from; i < to; i++) {
            x[i] = Math.log1p(x[i]);
        }
    }

    private static boolean detect() {
        if ("false".equalsIgnoreCase(System.getProperty(PROPERTY))) {
            return false;
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return false;
        }
        try {
            return VectorTranscendentals.selfTest();
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }
}
