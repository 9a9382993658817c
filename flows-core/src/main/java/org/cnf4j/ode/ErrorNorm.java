package org.cnf4j.ode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The norm that step-size control compares with 1. Each element's error is scaled by
 * {@code atol + rtol * max(|a_i|, |b_i|)}; the scaled errors are combined by root mean square
 * over groups of elements, and the norm is the largest group's RMS:
 * <ul>
 *   <li>{@link #rms()}: one group, the whole state;</li>
 *   <li>{@link #mixed()}: one group per part of the system's {@link StateLayout} (torchdiffeq's
 *       norm for tuple states, so a small part is not drowned by a large one); the whole state
 *       when the system has no layout;</li>
 *   <li>{@link #mixedExcluding(String...)} and {@link #excluding(StateLayout, String...)}:
 *       seminorms that leave named parts out (Kidger, Chen and Lyons 2021, "Hey, that's not an
 *       ODE": the backward adjoint solve may ignore the parameter adjoints).</li>
 * </ul>
 * Immutable.
 */
public final class ErrorNorm {

    private static final ErrorNorm RMS = new ErrorNorm(false, null, List.of(), "rms");
    private static final ErrorNorm MIXED = new ErrorNorm(true, null, List.of(), "mixed");

    private final boolean perPart;
    private final StateLayout fixedLayout;
    private final List<String> excluded;
    private final String description;

    private ErrorNorm(boolean perPart, StateLayout fixedLayout, List<String> excluded, String description) {
        this.perPart = perPart;
        this.fixedLayout = fixedLayout;
        this.excluded = List.copyOf(excluded);
        this.description = description;
    }

    /** RMS over the whole state. */
    public static ErrorNorm rms() {
        return RMS;
    }

    /** The largest per-part RMS over the parts of the system's layout (whole-state RMS without one). */
    public static ErrorNorm mixed() {
        return MIXED;
    }

    /**
     * The mixed norm without the named parts of the system's layout; a name also leaves out the
     * parts named with it as a prefix followed by a dot (e.g. {@code a_theta} removes
     * {@code a_theta.layers.0.weight}).
     */
    public static ErrorNorm mixedExcluding(String... parts) {
        return new ErrorNorm(true, null, Arrays.asList(parts), "mixed seminorm without " + Arrays.toString(parts));
    }

    /** One RMS over the parts of {@code layout} other than the named ones. */
    public static ErrorNorm excluding(StateLayout layout, String... parts) {
        for (String name : parts) {
            layout.part(name);
        }
        ErrorNorm n =
                new ErrorNorm(false, layout, Arrays.asList(parts), "rms seminorm without " + Arrays.toString(parts));
        n.groups(layout.size(), null);
        return n;
    }

    /** True when some parts are left out. */
    public boolean isSeminorm() {
        return !excluded.isEmpty();
    }

    /**
     * The groups of element ranges for a state of n elements: each group is a flat array of
     * [start, end) pairs.
     *
     * @param systemLayout the layout the right-hand side declares, or null
     */
    long[][] groups(long n, StateLayout systemLayout) {
        StateLayout layout = fixedLayout != null ? fixedLayout : systemLayout;
        if (layout == null) {
            if (!excluded.isEmpty()) {
                throw new IllegalArgumentException(description + " needs a system with a StateLayout");
            }
            return new long[][] {{0, n}};
        }
        if (layout.size() != n) {
            throw new IllegalArgumentException(
                    description + " is for a state of " + layout.size() + " elements, the " + "state has " + n);
        }
        List<long[]> kept = new ArrayList<>();
        boolean[] used = new boolean[excluded.size()];
        for (StateLayout.Part p : layout.parts()) {
            boolean out = false;
            for (int i = 0; i < excluded.size(); i++) {
                String x = excluded.get(i);
                if (p.name().equals(x) || p.name().startsWith(x + ".")) {
                    out = true;
                    used[i] = true;
                }
            }
            if (!out) {
                kept.add(new long[] {p.offset(), p.end()});
            }
        }
        for (int i = 0; i < used.length; i++) {
            if (!used[i]) {
                layout.part(excluded.get(i));
            }
        }
        if (kept.isEmpty()) {
            throw new IllegalArgumentException("a seminorm must keep at least one part of " + layout);
        }
        if (perPart) {
            return kept.toArray(new long[0][]);
        }
        long[] union = new long[kept.size() * 2];
        for (int i = 0; i < kept.size(); i++) {
            union[2 * i] = kept.get(i)[0];
            union[2 * i + 1] = kept.get(i)[1];
        }
        return new long[][] {union};
    }

    /**
     * The norm of err scaled by {@code atol + rtol * max(|a|, |b|)} over the given groups (heap
     * arrays, so the loop vectorises). NaN when any included element is not finite.
     */
    static double norm(long[][] groups, double[] err, double[] a, double[] b, double rtol, double atol) {
        double worst = 0;
        for (long[] group : groups) {
            double sum = 0;
            long count = 0;
            for (int r = 0; r < group.length; r += 2) {
                int from = (int) group[r];
                int to = (int) group[r + 1];
                for (int i = from; i < to; i++) {
                    double scale = atol + rtol * Math.max(Math.abs(a[i]), Math.abs(b[i]));
                    double q = err[i] / scale;
                    sum += q * q;
                }
                count += to - from;
            }
            double rms = Math.sqrt(sum / count);
            if (!(rms <= worst)) {
                worst = rms;
            }
        }
        return worst;
    }

    @Override
    public String toString() {
        return description;
    }
}
