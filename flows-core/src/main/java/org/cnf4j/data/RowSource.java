package org.cnf4j.data;

import org.cnf4j.linalg.NativeArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Rows of {@code dim} values handed out a chunk at a time, so a consumer never needs them all at
 * once: a streamed file ({@link CsvRows}), an array in memory ({@link #of(INDArray)}), or rows
 * generated on demand (a density grid's cells).
 */
public interface RowSource extends AutoCloseable {

    /** Values per row. */
    int dim();

    /**
     * Writes up to {@code maxRows} next rows into {@code out}, row-major [rows, dim].
     *
     * @return the number of rows written; 0 once there are no more
     */
    int read(double[] out, int maxRows);

    /** Releases what the source holds open (a file); nothing by default. */
    @Override
    default void close() {}

    /** The rows of an array [rows, dim] in memory, in order. */
    static RowSource of(INDArray values) {
        if (values.rank() != 2) {
            throw new IllegalArgumentException("need [rows, dim] values, got rank " + values.rank());
        }
        double[] all = NativeArrays.toArray(values.castTo(DataType.DOUBLE).dup('c'));
        int dim = values.columns();
        long rows = values.rows();
        return new RowSource() {
            private long next;

            @Override
            public int dim() {
                return dim;
            }

            @Override
            public int read(double[] out, int maxRows) {
                int n = (int) Math.min(maxRows, rows - next);
                System.arraycopy(all, (int) (next * dim), out, 0, n * dim);
                next += n;
                return n;
            }
        };
    }
}
