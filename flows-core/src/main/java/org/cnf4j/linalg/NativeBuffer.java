package org.cnf4j.linalg;

import java.nio.DoubleBuffer;
import org.bytedeco.javacpp.DoublePointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A run of doubles in native memory, seen both as a {@link DoubleBuffer} for Java loops (index 0
 * is the first element) and through {@link #at(long)} as BLAS pointers. Either owns its memory
 * (freed with the object) or wraps a contiguous DOUBLE INDArray (kept reachable by this object).
 */
public final class NativeBuffer {

    private final DoublePointer base;
    private final DoubleBuffer buffer;
    private final long length;

    @SuppressWarnings("unused")
    private final INDArray owner;

    private NativeBuffer(DoublePointer base, long length, INDArray owner) {
        this.base = base;
        this.length = length;
        this.buffer = base.asBuffer();
        this.owner = owner;
    }

    /** New native memory for {@code length} doubles, zeroed. */
    public static NativeBuffer allocate(long length) {
        long n = Math.max(1, length);
        DoublePointer p = new DoublePointer(n);
        p.position(0).limit(n).capacity(n);
        p.fill(0);
        return new NativeBuffer(p, length, null);
    }

    /** A view of a contiguous DOUBLE array's memory. */
    public static NativeBuffer wrap(INDArray array) {
        return new NativeBuffer(NativeArrays.doublePointer(array), array.length(), array);
    }

    /** The elements as a buffer; index 0 is the first element. */
    public DoubleBuffer buffer() {
        return buffer;
    }

    /** Number of elements. */
    public long length() {
        return length;
    }

    /** A pointer to element {@code offset}, for BLAS. */
    public DoublePointer at(long offset) {
        return new DoublePointer(base).position(offset);
    }

    /** Copies {@code length} doubles from {@code src[srcOffset..]} to this buffer at {@code offset}. */
    public void copyFrom(double[] src, int srcOffset, long offset, int length) {
        buffer.put((int) offset, src, srcOffset, length);
    }

    /** Copies {@code length} doubles of this buffer from {@code offset} to {@code dst[dstOffset..]}. */
    public void copyTo(long offset, double[] dst, int dstOffset, int length) {
        buffer.get((int) offset, dst, dstOffset, length);
    }

    /** A pointer to element 0. */
    public DoublePointer pointer() {
        return base;
    }
}
