package org.cnf4j.ode;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cnf4j.linalg.NativeArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The mixed root-mean-square norm that step-size control compares with 1:
 * {@code sqrt(mean_i (err_i / (atol + rtol * max(|a_i|, |b_i|)))^2)}, over the whole state or,
 * as a seminorm, over chosen parts only (Kidger, Chen and Lyons 2021, "Hey, that's not an ODE":
 * the backward adjoint solve may leave the parameter adjoints out). Immutable.
 */
public final class ErrorNorm {

    private static final ErrorNorm RMS = new ErrorNorm(null, "rms");

    /** Included element ranges as [start, end) pairs, sorted; null means everything. */
    private final long[] ranges;
    private final String description;

    private ErrorNorm(long[] ranges, String description) {
        this.ranges = ranges;
        this.description = description;
    }

    /** The norm over the whole state. */
    public static ErrorNorm rms() {
        return RMS;
    }

    /** A seminorm that leaves the named parts of the layout out. */
    public static ErrorNorm excluding(StateLayout layout, String... excluded) {
        List<String> ex = Arrays.asList(excluded);
        for (String name : excluded) {
            layout.part(name);
        }
        List<String> included = new ArrayList<>();
        for (StateLayout.Part p : layout.parts()) {
            if (!ex.contains(p.name())) {
                included.add(p.name());
            }
        }
        if (included.isEmpty()) {
            throw new IllegalArgumentException("a seminorm must keep at least one part of " + layout);
        }
        return over(layout, included.toArray(new String[0]));
    }

    /** A seminorm over the named parts of the layout only. */
    public static ErrorNorm over(StateLayout layout, String... included) {
        List<long[]> rs = new ArrayList<>();
        for (String name : included) {
            StateLayout.Part p = layout.part(name);
            rs.add(new long[] {p.offset(), p.end()});
        }
        rs.sort((x, y) -> Long.compare(x[0], y[0]));
        long[] flat = new long[rs.size() * 2];
        for (int i = 0; i < rs.size(); i++) {
            flat[2 * i] = rs.get(i)[0];
            flat[2 * i + 1] = rs.get(i)[1];
        }
        return new ErrorNorm(flat, "seminorm over " + Arrays.toString(included));
    }

    /** True when some parts are left out. */
    public boolean isSeminorm() {
        return ranges != null;
    }

    /**
     * The norm of {@code err} scaled by {@code atol + rtol * max(|a|, |b|)}; all three arrays
     * contiguous, same length and data type. NaN when any included element is not finite.
     */
    public double norm(INDArray err, INDArray a, INDArray b, double rtol, double atol) {
        if (err.dataType() == DataType.DOUBLE) {
            return norm(NativeArrays.doubles(err), NativeArrays.doubles(a), NativeArrays.doubles(b),
                    err.length(), rtol, atol);
        }
        return norm(NativeArrays.floats(err), NativeArrays.floats(a), NativeArrays.floats(b),
                err.length(), rtol, atol);
    }

    double norm(DoubleBuffer err, DoubleBuffer a, DoubleBuffer b, long n, double rtol, double atol) {
        double sum = 0;
        long count = 0;
        int parts = ranges == null ? 1 : ranges.length / 2;
        for (int p = 0; p < parts; p++) {
            int from = ranges == null ? 0 : (int) ranges[2 * p];
            int to = ranges == null ? (int) n : (int) ranges[2 * p + 1];
            for (int i = from; i < to; i++) {
                double scale = atol + rtol * Math.max(Math.abs(a.get(i)), Math.abs(b.get(i)));
                double r = err.get(i) / scale;
                sum += r * r;
            }
            count += to - from;
        }
        return Math.sqrt(sum / count);
    }

    double norm(FloatBuffer err, FloatBuffer a, FloatBuffer b, long n, double rtol, double atol) {
        double sum = 0;
        long count = 0;
        int parts = ranges == null ? 1 : ranges.length / 2;
        for (int p = 0; p < parts; p++) {
            int from = ranges == null ? 0 : (int) ranges[2 * p];
            int to = ranges == null ? (int) n : (int) ranges[2 * p + 1];
            for (int i = from; i < to; i++) {
                double scale = atol + rtol * Math.max(Math.abs(a.get(i)), Math.abs(b.get(i)));
                double r = err.get(i) / scale;
                sum += r * r;
            }
            count += to - from;
        }
        return Math.sqrt(sum / count);
    }

    /** Checks that the ranges fit a state of n elements. */
    void check(long n) {
        if (ranges != null && ranges[ranges.length - 1] > n) {
            throw new IllegalArgumentException(description + " reaches element " + ranges[ranges.length - 1]
                    + " of a state of " + n);
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
