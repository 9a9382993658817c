package org.cnf4j.nn;

import java.nio.DoubleBuffer;
import java.util.Arrays;
import org.cnf4j.linalg.NativeArrays;
import org.cnf4j.trace.Probes;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One call of {@link MlpDynamics}: its inputs and outputs checked once and seen as buffers; the
 * chunks of the call read and write their own rows. Null outputs and weights are not wanted.
 */
final class MlpCall {
    final int size;
    final int probes;
    final Probes pr;
    final DoubleBuffer z;
    final DoubleBuffer right;
    final DoubleBuffer left;
    final DoubleBuffer f;
    final DoubleBuffer trace;
    final DoubleBuffer jac;
    final DoubleBuffer vf;
    final DoubleBuffer vk;
    final DoubleBuffer vt;
    final DoubleBuffer vj;
    final INDArray gradZ;
    final boolean wantTheta;

    MlpCall(
            int dim,
            long parameterCount,
            INDArray z,
            Probes pr,
            INDArray f,
            INDArray trace,
            INDArray jac,
            Cotangents weights,
            INDArray gradZ,
            INDArray gradTheta) {
        this.size = z.rows();
        check(z, size, dim, "z");
        this.pr = pr;
        this.probes = pr == null ? 0 : pr.count();
        if (pr != null && (pr.batch() != size || pr.dim() != dim)) {
            throw new IllegalArgumentException("probes are for batch " + pr.batch() + " and dim " + pr.dim()
                    + ", state is [" + size + ", " + dim + "]");
        }
        this.z = NativeArrays.doubles(z);
        this.right = pr == null ? null : NativeArrays.doubles(pr.right());
        this.left = pr == null ? null : NativeArrays.doubles(pr.left());
        this.f = f == null ? null : checked(f, size, dim, "f");
        this.trace = trace == null ? null : checked(trace, size, 1, "trace");
        this.jac = jac == null ? null : checked(jac, size, 1, "jacobianSq");
        this.vf = weights == null || weights.f() == null ? null : checked(weights.f(), size, dim, "vf");
        this.vk = weights == null || weights.kinetic() == null
                ? null
                : checked(weights.kinetic(), size, 1, "kinetic weights");
        this.vt =
                weights == null || weights.trace() == null ? null : checked(weights.trace(), size, 1, "trace weights");
        this.vj = weights == null || weights.jacobian() == null
                ? null
                : checked(weights.jacobian(), size, 1, "jacobian weights");
        if (gradZ != null) {
            check(gradZ, size, dim, "gradZ");
        }
        this.gradZ = gradZ;
        if (gradTheta != null) {
            check(gradTheta, parameterCount, 1, "gradTheta");
        }
        this.wantTheta = gradTheta != null;
    }

    /**
     * Reads samples [b0, b0 + m) of the call into {@code x0}: the primal rows, then each probe's
     * right vectors (the tangents' seeds) stacked under them; the probes' left vectors into
     * {@code e} (probe k's rows from k * m * dim).
     */
    void readRows(int b0, int m, int dim, double[] x0, double[] e) {
        int nz = m * dim;
        z.get(b0 * dim, x0, 0, nz);
        for (int k = 0; k < probes; k++) {
            int src = (k * size + b0) * dim;
            right.get(src, x0, (k + 1) * nz, nz);
            left.get(src, e, k * nz, nz);
        }
    }

    /**
     * Writes the trace and squared-norm estimates of samples [b0, b0 + m) (when the call wants
     * them) from the network's output rows {@code out}: primal rows, then each probe's tangents J u.
     */
    void writeProbeTerms(int b0, int m, int dim, double[] e, double[] out) {
        if (trace == null && jac == null) {
            return;
        }
        for (int b = 0; b < m; b++) {
            double ts = 0;
            double js = 0;
            for (int k = 0; k < probes; k++) {
                int row = (k * m + b) * dim;
                int tangent = ((k + 1) * m + b) * dim;
                double dot = 0;
                double sq = 0;
                for (int j = 0; j < dim; j++) {
                    double ju = out[tangent + j];
                    dot += e[row + j] * ju;
                    sq += ju * ju;
                }
                ts += pr.weight(k) * dot;
                js += pr.weight(k) * sq;
            }
            if (trace != null) {
                trace.put(b0 + b, ts);
            }
            if (jac != null) {
                jac.put(b0 + b, js);
            }
        }
    }

    /**
     * The cotangents of the probe tangents' output rows of samples [b0, b0 + m) into {@code top}
     * (after the primal rows): {@code w_k (vt_b e + 2 vj_b J u)}, from the probes' left vectors
     * {@code e} and the output rows {@code out}.
     */
    void probeCotangents(int b0, int m, int dim, double[] e, double[] out, double[] top) {
        for (int k = 0; k < probes; k++) {
            double wk = pr.weight(k);
            for (int b = 0; b < m; b++) {
                double ct = vt == null ? 0 : wk * vt.get(b0 + b);
                double cj = vj == null ? 0 : 2 * wk * vj.get(b0 + b);
                int row = (k * m + b) * dim;
                int tangent = ((k + 1) * m + b) * dim;
                for (int j = 0; j < dim; j++) {
                    top[tangent + j] = ct * e[row + j] + cj * out[tangent + j];
                }
            }
        }
    }

    /** Samples per chunk of this call. */
    int chunkSamples() {
        return ChunkScheduler.chunkSamples(size, probes);
    }

    /** Number of chunks of this call. */
    int chunks() {
        return ChunkScheduler.chunks(size, chunkSamples());
    }

    private static DoubleBuffer checked(INDArray a, long rows, long cols, String what) {
        check(a, rows, cols, what);
        return NativeArrays.doubles(a);
    }

    /** Checks that {@code a} is a DOUBLE array of rows * cols elements, naming it otherwise. */
    static void check(INDArray a, long rows, long cols, String what) {
        if (a.dataType() != DataType.DOUBLE || a.length() != rows * cols) {
            throw new IllegalArgumentException(what + " must be a DOUBLE [" + rows + ", " + cols + "] array, got "
                    + a.dataType() + " " + Arrays.toString(a.shape()));
        }
    }
}
