package org.cnf4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.SplittableRandom;
import org.cnf4j.linalg.KernelFamily;
import org.cnf4j.linalg.KernelSelection;
import org.cnf4j.trace.Probes;
import org.cnf4j.trace.TraceEstimator;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A network starts on the plain path and moves its products to the path {@link KernelSelection}
 * chose only once its own work passes the calibration threshold: before that call its results are
 * those of BLAS products bit for bit, from it on those of the chosen path, so where the switch
 * falls depends on the calls alone and a seeded run repeats itself.
 */
class KernelSwitchTest {

    private static final int ROWS = 300;
    private static final int D = 2;
    private static final KernelFamily[] DOUBLES = {
        KernelFamily.PRODUCTS_DOUBLE, KernelFamily.TANH_DOUBLE, KernelFamily.ELEMENTWISE_DOUBLE
    };

    @Test
    void theProductsSwitchAtTheCallThatPassesTheThreshold() {
        int[] dims = {D, 64, 64, 64, D};
        assumeFalse(KernelSelection.fixedByProperty(), "cnf4j.vector fixes the paths: nothing switches");
        // whatever this JVM measured before, a new network starts on the plain path
        MlpDynamics net = MlpDynamics.create(dims, LayerType.CONCAT_SQUASH, Activation.TANH, new SplittableRandom(3));
        INDArray z = Nd4j.rand(DataType.DOUBLE, ROWS, D);
        Probes probes = TraceEstimator.exact().draw(ROWS, D, new SplittableRandom(4));
        long perCall = (long) ROWS * (1 + D) * net.multiplyAddsPerSample();
        // the third forward call passes the threshold
        net.calibrateAfter(2 * perCall + perCall / 2);

        MlpDynamics blas = copyOf(net, dims);
        blas.setHeapProducts(false);
        for (int call = 1; call <= 4; call++) {
            double t = 0.1 * call;
            double[] got = forward(net, t, z, probes);
            if (call < 3) {
                assertFalse(net.heapProducts(), "plain products before the threshold, call " + call);
                assertArrayEquals(forward(blas, t, z, probes), got, "call " + call);
            } else {
                // from the threshold on: the chosen path
                assertTrue(KernelSelection.decided(DOUBLES), "the double families are measured by call " + call);
                boolean chosen = KernelSelection.vector(KernelFamily.PRODUCTS_DOUBLE);
                assertEquals(chosen, net.heapProducts(), "call " + call);
                MlpDynamics settled = copyOf(net, dims);
                settled.setHeapProducts(chosen);
                assertArrayEquals(forward(settled, t, z, probes), got, "call " + call);
            }
        }
    }

    @Test
    void keptPlainKernelsNeverSwitch() {
        int[] dims = {D, 64, 64, 64, D};
        MlpDynamics net = MlpDynamics.create(dims, LayerType.CONCAT_SQUASH, Activation.TANH, new SplittableRandom(5));
        INDArray z = Nd4j.rand(DataType.DOUBLE, ROWS, D);
        Probes probes = TraceEstimator.exact().draw(ROWS, D, new SplittableRandom(6));
        net.chooseKernels();
        assertTrue(KernelSelection.decided(DOUBLES));
        assertEquals(KernelSelection.vector(KernelFamily.PRODUCTS_DOUBLE), net.heapProducts());
        // a short run's kernels: the plain products, whatever the JVM measured, and no switch after
        net.keepPlainKernels();
        net.calibrateAfter(1);
        MlpDynamics blas = copyOf(net, dims);
        blas.setHeapProducts(false);
        for (int call = 1; call <= 3; call++) {
            assertArrayEquals(
                    forward(blas, 0.2 * call, z, probes), forward(net, 0.2 * call, z, probes), "call " + call);
            assertFalse(net.heapProducts(), "call " + call);
        }
    }

    private static MlpDynamics copyOf(MlpDynamics net, int[] dims) {
        MlpDynamics copy = new MlpDynamics(dims, LayerType.CONCAT_SQUASH, Activation.TANH);
        copy.parameters().assign(net.parameters());
        return copy;
    }

    /** f and the exact trace of one call, concatenated. */
    private static double[] forward(MlpDynamics net, double t, INDArray z, Probes probes) {
        INDArray f = Nd4j.create(DataType.DOUBLE, ROWS, D);
        INDArray trace = Nd4j.create(DataType.DOUBLE, ROWS);
        net.forward(t, z, probes, f, trace, null);
        double[] out = new double[ROWS * (D + 1)];
        System.arraycopy(f.data().asDouble(), 0, out, 0, ROWS * D);
        System.arraycopy(trace.data().asDouble(), 0, out, ROWS * D, ROWS);
        return out;
    }
}
