package org.cnf4j.flow;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.cnf4j.nn.Activation;
import org.cnf4j.nn.LayerType;
import org.cnf4j.nn.MlpDynamics;
import org.cnf4j.nn.ParameterTensor;
import org.cnf4j.nn.SameDiffDynamics;
import org.cnf4j.trace.TraceEstimator;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** A flow over user-defined SameDiff dynamics gives the same densities as the built-in network. */
class SameDiffFlowTest {

    @Test
    void aSameDiffFlowMatchesTheBuiltInFlow() {
        MlpDynamics net =
                MlpDynamics.create(new int[] {2, 8, 2}, LayerType.IGNORE, Activation.SOFTPLUS, new SplittableRandom(2));
        SameDiffDynamics sd = new SameDiffDynamics(
                2,
                (g, z, t) -> {
                    SDVariable w0 = g.var("a_w0", Nd4j.zeros(DataType.DOUBLE, 2, 8));
                    SDVariable b0 = g.var("a_b0", Nd4j.zeros(DataType.DOUBLE, 1, 8));
                    SDVariable w1 = g.var("b_w1", Nd4j.zeros(DataType.DOUBLE, 8, 2));
                    SDVariable b1 = g.var("b_b1", Nd4j.zeros(DataType.DOUBLE, 1, 2));
                    return g.nn().softplus(z.mmul(w0).add(b0)).mmul(w1).add(b1);
                },
                "2-8-2 SameDiff");
        // a_b0, a_w0, b_b1, b_w1 sorted by name; the built-in order is w0, b0, w1, b1
        String[] order = {"a_w0", "a_b0", "b_w1", "b_b1"};
        List<ParameterTensor> builtIn = net.tensors();
        for (int i = 0; i < 4; i++) {
            ParameterTensor src = builtIn.get(i);
            String name = order[i];
            ParameterTensor dst = sd.tensors().stream()
                    .filter(t -> t.name().equals(name))
                    .findFirst()
                    .orElseThrow();
            sd.parameters()
                    .get(NDArrayIndex.interval(dst.offset(), dst.offset() + dst.length()))
                    .assign(net.parameters().get(NDArrayIndex.interval(src.offset(), src.offset() + src.length())));
        }
        SolverConfig tight = SolverConfig.dopri5(1e-9, 1e-9);
        ContinuousNormalizingFlow a = new ContinuousNormalizingFlow(
                List.of(net), new double[] {0.5}, false, tight, TraceEstimator.exact(), 0);
        ContinuousNormalizingFlow b =
                new ContinuousNormalizingFlow(List.of(sd), new double[] {0.5}, false, tight, TraceEstimator.exact(), 0);
        INDArray x = ContinuousNormalizingFlow.standardNormal(6, 2, new SplittableRandom(3));
        double diff =
                a.logProb(x).logProb().sub(b.logProb(x).logProb()).amaxNumber().doubleValue();
        assertTrue(diff < 1e-9, "log p differs by " + diff);
    }
}
