package org.cnf4j.linalg;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Direct access to the off-heap memory of contiguous ND4J arrays: NIO views for Java loops
 * and javacpp pointers for BLAS calls.
 *
 * <p>ND4J charges 10-40 microseconds of dispatch per operation on small arrays; the hot paths
 * of this toolkit (solver arithmetic, network kernels) therefore work on the memory directly.
 * A view is only valid while the array it was taken from is reachable: keep the array.
 */
public final class NativeArrays {

    private NativeArrays() {}

    /**
     * Throws unless {@code a} is laid out contiguously in row-major order (a fresh array, a
     * reshape of one, or a run of whole rows), so that element {@code i} of its flattened
     * row-major form sits at offset {@code i} from its first element.
     */
    public static void requireContiguous(INDArray a) {
        long[] shape = a.shape();
        long[] stride = a.stride();
        long expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && stride[d] != expected) {
                throw new IllegalArgumentException("array is not contiguous row-major: shape "
                        + java.util.Arrays.toString(shape) + ", stride " + java.util.Arrays.toString(stride));
            }
            expected *= shape[d];
        }
    }

    /** A double view of the array's elements in row-major order; the array must be DOUBLE and contiguous. */
    public static DoubleBuffer doubles(INDArray a) {
        return doublePointer(a).asBuffer();
    }

    /** A float view of the array's elements in row-major order; the array must be FLOAT and contiguous. */
    public static FloatBuffer floats(INDArray a) {
        return floatPointer(a).asBuffer();
    }

    /** The elements of a contiguous DOUBLE array in row-major order, copied into a new heap array. */
    public static double[] toArray(INDArray a) {
        double[] out = new double[(int) a.length()];
        doubles(a).get(0, out, 0, out.length);
        return out;
    }

    /** A pointer to the array's first element, limited to its length; DOUBLE and contiguous. */
    public static DoublePointer doublePointer(INDArray a) {
        requireType(a, DataType.DOUBLE);
        requireContiguous(a);
        long n = a.length();
        return new DoublePointer(a.data().addressPointer())
                .position(0)
                .capacity(n)
                .limit(n);
    }

    /** A pointer to the array's first element, limited to its length; FLOAT and contiguous. */
    public static FloatPointer floatPointer(INDArray a) {
        requireType(a, DataType.FLOAT);
        requireContiguous(a);
        long n = a.length();
        return new FloatPointer(a.data().addressPointer())
                .position(0)
                .capacity(n)
                .limit(n);
    }

    private static void requireType(INDArray a, DataType type) {
        if (a.dataType() != type) {
            throw new IllegalArgumentException("expected a " + type + " array, got " + a.dataType());
        }
    }
}
