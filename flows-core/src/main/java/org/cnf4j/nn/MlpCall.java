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

    MlpCall(int dim, long parameterCount, INDArray z, Probes pr, INDArray f, INDArray trace, INDArray jac,
            Cotangents weights, INDArray gradZ, INDArray gradTheta) {
        this.size = (int) z.rows();
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
        this.vk = weights == null || weights.kinetic() == null ? null
                : checked(weights.kinetic(), size, 1, "kinetic weights");
        this.vt = weights == null || weights.trace() == null ? null : checked(weights.trace(), size, 1, "trace weights");
        this.vj = weights == null || weights.jacobian() == null ? null
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
