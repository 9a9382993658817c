package org.cnf4j.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.cnf4j.linalg.AllocationMeter;
import org.cnf4j.linalg.KernelSelection;
import org.cnf4j.trace.Probes;
import org.cnf4j.trace.TraceEstimator;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A whole evaluation of the default network on a 512-row chunk (forward with the exact trace, and
 * the adjoint side: f, the trace and their vector-Jacobian products; flow matching's gradient with a
 * time per row), once warm, allocates next to
 * nothing on the heap, in double and float, whichever path {@link KernelSelection} chose. A kernel
 * left to the Vector API's Java fallback allocates megabytes per evaluation.
 */
class MlpAllocationTest {

    private static final int ROWS = 512;
    private static final int D = 2;
    /**
     * Bytes an evaluation may allocate, all threads together: the pointer handles of the BLAS calls,
     * the workers' task objects, and the test runner's own threads. A kernel left to the Java
     * fallback allocates megabytes.
     */
    private static final long ALLOWED = 32 * 1024;

    @Test
    void evaluationsAllocateNextToNothing() {
        for (MatrixPrecision precision : MatrixPrecision.values()) {
            MlpDynamics net = MlpDynamics.create(
                    new int[] {D, 64, 64, 64, D}, LayerType.CONCAT_SQUASH, Activation.TANH, new SplittableRandom(3));
            net.setPrecision(precision);
            // the kernels measured and chosen, as a long run has them
            net.chooseKernels();
            SplittableRandom r = new SplittableRandom(4);
            INDArray z = Nd4j.rand(DataType.DOUBLE, ROWS, D);
            INDArray v = Nd4j.rand(DataType.DOUBLE, ROWS, D);
            Probes probes = TraceEstimator.exact().draw(ROWS, D, r);
            INDArray f = Nd4j.create(DataType.DOUBLE, ROWS, D);
            INDArray tr = Nd4j.create(DataType.DOUBLE, ROWS);
            INDArray gz = Nd4j.create(DataType.DOUBLE, ROWS, D);
            INDArray gt = Nd4j.create(DataType.DOUBLE, net.parameterCount());
            Cotangents cot = new Cotangents(v, null, Nd4j.ones(DataType.DOUBLE, ROWS), null);
            double forward = AllocationMeter.bytesPerCallAfterWarmUp(
                    () -> net.forward(0.3, z, probes, f, tr, null), 50, ALLOWED, 20_000);
            double backward = AllocationMeter.bytesPerCallAfterWarmUp(
                    () -> net.backward(0.3, z, probes, cot, f, tr, null, gz, gt), 50, ALLOWED, 20_000);
            // flow matching's call: a time per row, rows and cotangents on the heap
            double[] times = new double[ROWS];
            for (int b = 0; b < ROWS; b++) {
                times[b] = r.nextDouble();
            }
            double[] rows = org.cnf4j.linalg.NativeArrays.toArray(z);
            RowCotangent residual = (first, count, fv, out) -> {
                for (int i = 0; i < count * D; i++) {
                    out[i] = 0.01 * fv[i];
                }
            };
            double perRowTime = AllocationMeter.bytesPerCallAfterWarmUp(
                    () -> net.backwardAtTimes(times, rows, residual, gt), 50, ALLOWED, 20_000);
            String where = precision + " at " + KernelSelection.vectorBits() + " bits, " + KernelSelection.choices();
            assertTrue(forward <= ALLOWED, "forward evaluation allocates " + forward + " bytes, " + where);
            assertTrue(backward <= ALLOWED, "adjoint-side evaluation allocates " + backward + " bytes, " + where);
            assertTrue(perRowTime <= ALLOWED, "per-row-time gradient allocates " + perRowTime + " bytes, " + where);
        }
    }
}
