package org.cnf4j.data;

import java.nio.file.Files;
import java.nio.file.Path;
import org.cnf4j.linalg.NativeArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reads a 2-D NumPy {@code .npy} file [rows, dim] of floats, integers or booleans ({@link NpyArray});
 * every value must be finite (the first bad one is named by row and column).
 */
public final class NpyReader {

    private NpyReader() {}

    /**
     * @throws DataException for a missing file, a file ND4J cannot parse, a shape other than 2-D,
     *     a non-finite value, or more values than the {@link DataMemory} limit
     */
    public static Dataset read(Path file) {
        return read(file, MissingValues.FAIL, dropped -> {});
    }

    /**
     * Reads the file; NaN is a missing value, handled by {@code missing}, and infinities are refused.
     *
     * @param dropped told the number of rows left out for missing values
     * @throws DataException as {@link #read(Path)}, and for NaN under {@link MissingValues#FAIL}
     */
    public static Dataset read(Path file, MissingValues missing, java.util.function.LongConsumer dropped) {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": no such file");
        }
        INDArray a;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            NpyHeader header = NpyHeader.check(in.readNBytes(1 << 16), Files.size(file));
            DataMemory.check(
                    header.elements(),
                    DataMemory.limitBytes(),
                    file.toString(),
                    "the " + header.elements() + " values its shape " + java.util.Arrays.toString(header.shape())
                            + " declares");
            a = NpyArray.read(Files.readAllBytes(file));
        } catch (IllegalArgumentException e) {
            throw new DataException(file + ": refused: " + e.getMessage(), e);
        } catch (OutOfMemoryError e) {
            throw new DataException(file + ": too large to read whole (" + e.getMessage() + ")");
        } catch (java.io.IOException e) {
            throw new DataException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
        if (a.rank() != 2) {
            throw new DataException(
                    file + ": expected a 2-D array [rows, columns], got shape " + java.util.Arrays.toString(a.shape()));
        }
        if (a.rows() == 0 || a.columns() == 0) {
            throw new DataException(file + ": the array has no " + (a.rows() == 0 ? "rows" : "columns"));
        }
        INDArray d = a.castTo(DataType.DOUBLE).dup('c');
        double[] v = NativeArrays.toArray(d);
        int cols = d.columns();
        int rows = d.rows();
        boolean[] drop = new boolean[rows];
        int kept = rows;
        for (int i = 0; i < v.length; i++) {
            if (Double.isNaN(v[i]) && missing == MissingValues.DROP_ROWS) {
                if (!drop[i / cols]) {
                    drop[i / cols] = true;
                    kept--;
                }
            } else if (!Double.isFinite(v[i])) {
                throw new DataException(String.format(
                        "%s: row %d, column %d holds %s, not a finite value%s",
                        file,
                        i / cols,
                        i % cols,
                        v[i],
                        Double.isNaN(v[i])
                                ? " (a missing value; leave out rows with missing values with --missing drop-rows)"
                                : ""));
            }
        }
        if (kept == 0) {
            throw new DataException(file + ": every row has a missing value (NaN)");
        }
        dropped.accept(rows - kept);
        if (kept < rows) {
            double[] complete = new double[kept * cols];
            int n = 0;
            for (int r = 0; r < rows; r++) {
                if (!drop[r]) {
                    System.arraycopy(v, r * cols, complete, n * cols, cols);
                    n++;
                }
            }
            d = org.nd4j.linalg.factory.Nd4j.create(complete, new long[] {kept, cols}, DataType.DOUBLE);
        }
        return Dataset.of(d, file.getFileName().toString());
    }
}
