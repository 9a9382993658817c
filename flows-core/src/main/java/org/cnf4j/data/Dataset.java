package org.cnf4j.data;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A table of samples: values [rows, dim] (contiguous DOUBLE), the column names, and where it
 * came from (for reports).
 */
public final class Dataset {

    private final INDArray values;
    private final List<String> columns;
    private final String source;

    /**
     * @param values [rows, dim], any type (stored as contiguous DOUBLE)
     * @param columns one name per column
     * @param source a description of the origin, e.g. a file name
     */
    public Dataset(INDArray values, List<String> columns, String source) {
        if (values.rank() != 2 || values.columns() != columns.size()) {
            throw new IllegalArgumentException(
                    "need [rows, " + columns.size() + "] values, got " + java.util.Arrays.toString(values.shape()));
        }
        this.values = values.dataType() == DataType.DOUBLE && values.ordering() == 'c' && !values.isView()
                ? values
                : values.castTo(DataType.DOUBLE).dup('c');
        this.columns = List.copyOf(columns);
        this.source = source;
    }

    /** A data set with columns named x0, x1, ... */
    public static Dataset of(INDArray values, String source) {
        java.util.List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < values.columns(); i++) {
            names.add("x" + i);
        }
        return new Dataset(values, names, source);
    }

    /** The values, [rows, dim]. */
    public INDArray values() {
        return values;
    }

    /** Column names. */
    public List<String> columns() {
        return columns;
    }

    /** Where the data came from. */
    public String source() {
        return source;
    }

    /** Number of rows. */
    public int rows() {
        return values.rows();
    }

    /** Number of columns. */
    public int dim() {
        return values.columns();
    }

    /** The rows with the given indices, in that order. */
    public Dataset rows(int[] index) {
        double[] src = org.cnf4j.linalg.NativeArrays.toArray(values);
        int d = dim();
        double[] out = new double[index.length * d];
        for (int i = 0; i < index.length; i++) {
            System.arraycopy(src, index[i] * d, out, i * d, d);
        }
        return new Dataset(Nd4j.create(out, new long[] {index.length, d}, DataType.DOUBLE), columns, source);
    }
}
