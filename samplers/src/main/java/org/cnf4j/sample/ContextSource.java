package org.cnf4j.sample;

import org.cnf4j.linalg.NativeArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The contexts of the samples of a conditional model, in the data's units (categorical columns
 * one-hot): sample i is drawn from p(x | c_i).
 */
@FunctionalInterface
public interface ContextSource {

    /**
     * The contexts of samples {@code first} to {@code first + m - 1}, row-major [m, contextDim].
     */
    double[] contexts(long first, int m);

    /** The same context c [contextDim] for every sample. */
    static ContextSource constant(double[] c) {
        double[] copy = c.clone();
        return (first, m) -> {
            double[] out = new double[m * copy.length];
            for (int i = 0; i < m; i++) {
                System.arraycopy(copy, 0, out, i * copy.length, copy.length);
            }
            return out;
        };
    }

    /** Sample i takes row i of {@code rows} [n, contextDim]: one sample per row. */
    static ContextSource rows(INDArray rows) {
        double[] all = NativeArrays.toArray(rows.castTo(DataType.DOUBLE).dup('c'));
        int cd = rows.columns();
        return (first, m) -> {
            if (first + m > rows.rows()) {
                throw new IllegalArgumentException(
                        "samples up to " + (first + m) + " asked for, but there are " + rows.rows() + " context rows");
            }
            double[] out = new double[m * cd];
            System.arraycopy(all, (int) first * cd, out, 0, m * cd);
            return out;
        };
    }
}
