package org.cnf4j.flow;

import java.nio.DoubleBuffer;
import org.cnf4j.linalg.NativeArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Checks of user arrays before any work is done: shape and finiteness, with the offending place named. */
public final class Inputs {

    private Inputs() {}

    /**
     * Returns {@code x} as a contiguous DOUBLE [rows, dim] array (a copy when needed), after
     * checking it has {@code dim} columns and only finite values.
     *
     * @param what how to call the array in messages, e.g. "x"
     * @throws IllegalArgumentException naming the row and column of the first bad value
     */
    public static INDArray requireFiniteMatrix(INDArray x, int dim, String what) {
        if (x.rank() != 2 || x.columns() != dim) {
            throw new IllegalArgumentException(
                    what + " must have shape [n, " + dim + "], got " + java.util.Arrays.toString(x.shape()));
        }
        if (x.rows() == 0) {
            throw new IllegalArgumentException(what + " has no rows");
        }
        INDArray d = x.dataType() == DataType.DOUBLE && x.ordering() == 'c' && !x.isView()
                ? x
                : x.castTo(DataType.DOUBLE).dup('c');
        DoubleBuffer b = NativeArrays.doubles(d);
        long n = d.length();
        for (int i = 0; i < n; i++) {
            double v = b.get(i);
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException(String.format(
                        "%s has a non-finite value (%s) at row %d, column %d", what, v, i / dim, i % dim));
            }
        }
        return d;
    }
}
