package org.cnf4j.ode;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.cnf4j.linalg.NativeArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The preallocated buffers of a solve (stage matrix, current and next state, stage input, error)
 * and the whole-vector arithmetic on them, done with BLAS on the raw memory: a stage input
 * {@code y + h sum_j a_ij K_j} is one copy and one gemv over the stage matrix. Reused by
 * consecutive solves of the same size and type.
 */
final class SolverWorkspace {

    /** One flat buffer with its views. */
    static final class Buf {
        final INDArray flat;
        final INDArray shaped;
        final DoublePointer dp;
        final FloatPointer fp;
        final DoubleBuffer db;
        final FloatBuffer fb;

        Buf(INDArray flat, long[] shape) {
            this.flat = flat;
            this.shaped = flat.reshape(shape);
            if (flat.dataType() == DataType.DOUBLE) {
                dp = NativeArrays.doublePointer(flat);
                db = dp.asBuffer();
                fp = null;
                fb = null;
            } else {
                fp = NativeArrays.floatPointer(flat);
                fb = fp.asBuffer();
                dp = null;
                db = null;
            }
        }
    }

    final DataType type;
    final int n;
    final int rows;
    final long[] shape;
    final INDArray stages;
    final Buf[] stage;
    final Buf y;
    final Buf y1;
    final Buf tmp;
    final Buf err;
    private final DoublePointer stagesD;
    private final FloatPointer stagesF;
    private final DoublePointer coefD;
    private final FloatPointer coefF;

    SolverWorkspace(DataType type, int n, int rows, long[] shape) {
        if (type != DataType.DOUBLE && type != DataType.FLOAT) {
            throw new IllegalArgumentException("the solver works on FLOAT or DOUBLE states, got " + type);
        }
        this.type = type;
        this.n = n;
        this.rows = rows;
        this.shape = shape.clone();
        this.stages = Nd4j.zeros(type, rows, n);
        this.stage = new Buf[rows];
        for (int i = 0; i < rows; i++) {
            stage[i] = new Buf(stages.getRow(i).reshape(n), shape);
        }
        this.y = new Buf(Nd4j.zeros(type, n), shape);
        this.y1 = new Buf(Nd4j.zeros(type, n), shape);
        this.tmp = new Buf(Nd4j.zeros(type, n), shape);
        this.err = new Buf(Nd4j.zeros(type, n), shape);
        if (type == DataType.DOUBLE) {
            stagesD = NativeArrays.doublePointer(stages);
            coefD = new DoublePointer(rows);
            stagesF = null;
            coefF = null;
        } else {
            stagesF = NativeArrays.floatPointer(stages);
            coefF = new FloatPointer(rows);
            stagesD = null;
            coefD = null;
        }
    }

    boolean fits(DataType t, int size, int stageRows, long[] s) {
        return t == type && size == n && stageRows == rows && java.util.Arrays.equals(s, shape);
    }

    /** The first {@code count} stage rows as a [count, n] view. */
    INDArray stageRows(int count) {
        return count == rows ? stages : stages.get(NDArrayIndex.interval(0, count), NDArrayIndex.all());
    }

    /**
     * {@code out = base + h * sum_{i < count} coef[i] * K_i}; {@code base} may be null (then
     * {@code out = h * sum ...}). {@code out} must not be a stage row.
     */
    void combine(Buf out, Buf base, double h, double[] coef, int count) {
        int used = 0;
        for (int i = 0; i < count; i++) {
            if (coef[i] != 0) {
                used = i + 1;
            }
        }
        if (type == DataType.DOUBLE) {
            if (base != null && base != out) {
                openblas_nolapack.cblas_dcopy(n, base.dp, 1, out.dp, 1);
            }
            if (used == 0) {
                if (base == null) {
                    zero(out);
                }
                return;
            }
            coefD.put(coef, 0, used);
            openblas_nolapack.cblas_dgemv(
                    openblas_nolapack.CblasRowMajor,
                    openblas_nolapack.CblasTrans,
                    used,
                    n,
                    h,
                    stagesD,
                    n,
                    coefD,
                    1,
                    base == null ? 0.0 : 1.0,
                    out.dp,
                    1);
        } else {
            if (base != null && base != out) {
                openblas_nolapack.cblas_scopy(n, base.fp, 1, out.fp, 1);
            }
            if (used == 0) {
                if (base == null) {
                    zero(out);
                }
                return;
            }
            for (int i = 0; i < used; i++) {
                coefF.put(i, (float) coef[i]);
            }
            openblas_nolapack.cblas_sgemv(
                    openblas_nolapack.CblasRowMajor,
                    openblas_nolapack.CblasTrans,
                    used,
                    n,
                    (float) h,
                    stagesF,
                    n,
                    coefF,
                    1,
                    base == null ? 0f : 1f,
                    out.fp,
                    1);
        }
    }

    void copy(Buf from, Buf to) {
        if (type == DataType.DOUBLE) {
            openblas_nolapack.cblas_dcopy(n, from.dp, 1, to.dp, 1);
        } else {
            openblas_nolapack.cblas_scopy(n, from.fp, 1, to.fp, 1);
        }
    }

    private void zero(Buf b) {
        if (type == DataType.DOUBLE) {
            for (int i = 0; i < n; i++) {
                b.db.put(i, 0.0);
            }
        } else {
            for (int i = 0; i < n; i++) {
                b.fb.put(i, 0f);
            }
        }
    }

    /** Copies {@code from} into a new array of the state's shape. */
    INDArray export(Buf from) {
        INDArray out = Nd4j.create(type, shape);
        Buf o = new Buf(out.reshape(n), shape);
        copy(from, o);
        return out;
    }

    /** A new array of the state's shape holding {@code base + h sum_i w_i K_i} over all rows. */
    INDArray exportCombination(Buf base, double h, double[] w) {
        INDArray out = Nd4j.create(type, shape);
        Buf o = new Buf(out.reshape(n), shape);
        combine(o, base, h, w, rows);
        return out;
    }

    private double[] heapE;
    private double[] heapA;
    private double[] heapB;

    /** Copies a buffer into a heap array (bulk copy; float values widened). */
    private double[] heap(Buf from, double[] into) {
        double[] out = into != null && into.length == n ? into : new double[n];
        if (type == DataType.DOUBLE) {
            from.db.get(0, out, 0, n);
        } else {
            for (int i = 0; i < n; i++) {
                out[i] = from.fb.get(i);
            }
        }
        return out;
    }

    /** The error norm over the given groups, computed on heap copies of the three buffers. */
    double norm(long[][] groups, Buf e, Buf a, Buf b, double rtol, double atol) {
        heapE = heap(e, heapE);
        heapA = heap(a, heapA);
        double[] other = heapA;
        if (b != a) {
            heapB = heap(b, heapB);
            other = heapB;
        }
        return ErrorNorm.norm(groups, heapE, heapA, other, rtol, atol);
    }

    boolean allFinite(Buf b) {
        if (type == DataType.DOUBLE) {
            heapE = heap(b, heapE);
            double[] v = heapE;
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += v[i] * 0.0;
            }
            return sum == 0.0;
        } else {
            for (int i = 0; i < n; i++) {
                if (!Float.isFinite(b.fb.get(i))) {
                    return false;
                }
            }
        }
        return true;
    }
}
