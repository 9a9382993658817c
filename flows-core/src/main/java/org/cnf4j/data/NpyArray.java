package org.cnf4j.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads a whole NumPy {@code .npy} array from bytes into a DOUBLE array of its declared shape,
 * in Java: the header is checked by {@link NpyHeader} first, then the data are decoded for each
 * plain numeric dtype (bool, signed and unsigned integers of 1-8 bytes, half, single and double
 * floats), either byte order, C or Fortran order. Untrusted bytes never reach ND4J's native NPY
 * parser, whose assertions abort the whole process on some malformed headers (a big-endian dtype
 * among them).
 */
public final class NpyArray {

    private NpyArray() {}

    /**
     * Decodes a whole .npy file.
     *
     * @return the values as DOUBLE, shape as declared (a 0-d array is a scalar)
     * @throws IllegalArgumentException naming what is wrong, as {@link NpyHeader#check(byte[])}
     */
    public static INDArray read(byte[] bytes) {
        NpyHeader h = NpyHeader.check(bytes);
        long n = h.elements();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the .npy array has " + n + " elements, more than one array can hold");
        }
        double[] values = decode(h, ByteBuffer.wrap(bytes, h.dataOffset(), bytes.length - h.dataOffset()), (int) n);
        long[] shape = h.shape();
        if (n == 0) {
            return Nd4j.create(DataType.DOUBLE, shape);
        }
        if (shape.length == 0) {
            return Nd4j.scalar(values[0]);
        }
        INDArray a = Nd4j.create(values, shape, DataType.DOUBLE);
        return h.fortranOrder() && shape.length > 1 ? fromFortran(values, shape) : a;
    }

    private static INDArray fromFortran(double[] columnMajor, long[] shape) {
        // Fortran order is C order of the reversed shape; permuting the axes back gives the array
        long[] reversed = new long[shape.length];
        int[] axes = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            reversed[i] = shape[shape.length - 1 - i];
            axes[i] = shape.length - 1 - i;
        }
        return Nd4j.create(columnMajor, reversed, DataType.DOUBLE).permute(axes).dup('c');
    }

    private static double[] decode(NpyHeader h, ByteBuffer data, int n) {
        String dtype = h.dtype();
        char order = dtype.charAt(0);
        data.order(
                order == '>' ? ByteOrder.BIG_ENDIAN : order == '=' ? ByteOrder.nativeOrder() : ByteOrder.LITTLE_ENDIAN);
        char kind = Character.toLowerCase(dtype.charAt(1));
        int size = Integer.parseInt(dtype.substring(2));
        double[] out = new double[n];
        int at = data.position();
        for (int i = 0; i < n; i++, at += size) {
            out[i] = switch (kind) {
                case 'b' -> data.get(at) != 0 ? 1 : 0;
                case 'i' ->
                    switch (size) {
                        case 1 -> data.get(at);
                        case 2 -> data.getShort(at);
                        case 4 -> data.getInt(at);
                        default -> data.getLong(at);
                    };
                case 'u' ->
                    switch (size) {
                        case 1 -> data.get(at) & 0xff;
                        case 2 -> data.getShort(at) & 0xffff;
                        case 4 -> data.getInt(at) & 0xffffffffL;
                        default -> unsigned(data.getLong(at));
                    };
                default ->
                    switch (size) {
                        case 2 -> halfToDouble(data.getShort(at));
                        case 4 -> data.getFloat(at);
                        default -> data.getDouble(at);
                    };
            };
        }
        return out;
    }

    private static double unsigned(long v) {
        return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
    }

    /** IEEE 754 binary16 to double. */
    static double halfToDouble(short half) {
        int bits = half & 0xffff;
        double sign = (bits & 0x8000) != 0 ? -1 : 1;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0) {
            return sign * mantissa * 0x1p-24;
        }
        if (exponent == 31) {
            return mantissa == 0 ? sign * Double.POSITIVE_INFINITY : Double.NaN;
        }
        return sign * (1024 + mantissa) * Math.scalb(1.0, exponent - 25);
    }
}
