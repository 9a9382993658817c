package org.cnf4j.nn;

import static org.cnf4j.nn.SameDiffDynamicsTest.B;
import static org.cnf4j.nn.SameDiffDynamicsTest.DIMS;
import static org.cnf4j.nn.SameDiffDynamicsTest.T;
import static org.cnf4j.nn.SameDiffDynamicsTest.assertClose;
import static org.cnf4j.nn.SameDiffDynamicsTest.toSameDiffOrder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.cnf4j.trace.Probes;
import org.cnf4j.trace.TraceEstimator;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A conditional ConcatSquash MLP built in and as a conditional SameDiff graph: every operation agrees. */
class ConditionalSameDiffTest {

    static final int C = 2;

    /** out = (x W + b) * sigmoid(t g + c + ctx G) + t h + ctx H, in SameDiff ops. */
    static SameDiffDynamics conditionalMlp() {
        return new SameDiffDynamics(
                DIMS[0],
                C,
                (sd, z, t, ctx) -> {
                    SDVariable x = z;
                    for (int l = 0; l < DIMS.length - 1; l++) {
                        int in = DIMS[l];
                        int out = DIMS[l + 1];
                        SDVariable w = sd.var("w" + l, Nd4j.zeros(DataType.DOUBLE, in, out));
                        SDVariable b = sd.var("b" + l, Nd4j.zeros(DataType.DOUBLE, 1, out));
                        SDVariable g = sd.var("g" + l, Nd4j.zeros(DataType.DOUBLE, 1, out));
                        SDVariable c = sd.var("c" + l, Nd4j.zeros(DataType.DOUBLE, 1, out));
                        SDVariable h = sd.var("h" + l, Nd4j.zeros(DataType.DOUBLE, 1, out));
                        SDVariable gc = sd.var("G" + l, Nd4j.zeros(DataType.DOUBLE, C, out));
                        SDVariable hc = sd.var("H" + l, Nd4j.zeros(DataType.DOUBLE, C, out));
                        SDVariable gate = sd.nn().sigmoid(t.mul(g).add(c).add(ctx.mmul(gc)));
                        x = x.mmul(w).add(b).mul(gate).add(t.mul(h)).add(ctx.mmul(hc));
                        if (l < DIMS.length - 2) {
                            x = sd.nn().tanh(x);
                        }
                    }
                    return x;
                },
                "3-6-5-3 conditional SameDiff concatsquash");
    }

    @Test
    void everyOperationAgreesWithTheBuiltInConditionalNetwork() {
        MlpDynamics net =
                MlpDynamics.create(DIMS, LayerType.CONCAT_SQUASH, Activation.TANH, C, new SplittableRandom(3));
        net.parameters().muli(2.0);
        SameDiffDynamics sd = conditionalMlp();
        assertEquals(net.parameterCount(), sd.parameterCount());
        sd.parameters().assign(toSameDiffOrder(net, sd, net.parameters()));
        SplittableRandom r = new SplittableRandom(4);
        INDArray z = MlpDynamicsTest.random(r, B, DIMS[0]);
        INDArray ctx = MlpDynamicsTest.random(r, B, C);
        net.setContext(ctx);
        sd.setContext(ctx);
        INDArray v = MlpDynamicsTest.random(r, B, DIMS[0]);
        assertClose(net.f(T, z), sd.f(T, z), "f");
        assertClose(net.vjpZ(T, z, v), sd.vjpZ(T, z, v), "vjp z");
        assertClose(toSameDiffOrder(net, sd, net.vjpTheta(T, z, v)), sd.vjpTheta(T, z, v), "vjp theta");
        INDArray vt = MlpDynamicsTest.random(r, B);
        INDArray vj = MlpDynamicsTest.random(r, B);
        INDArray vk = MlpDynamicsTest.random(r, B);
        for (TraceEstimator est : new TraceEstimator[] {TraceEstimator.exact(), TraceEstimator.hutchinson()}) {
            Probes probes = est.draw(B, DIMS[0], new SplittableRandom(9));
            INDArray[] outN = SameDiffDynamicsTest.combined(net, z, probes, new Cotangents(v, vk, vt, vj));
            INDArray[] outS = SameDiffDynamicsTest.combined(sd, z, probes, new Cotangents(v, vk, vt, vj));
            String[] names = {"f", "trace", "jacobian", "grad z"};
            for (int i = 0; i < 4; i++) {
                assertClose(outN[i], outS[i], est + " " + names[i]);
            }
            assertClose(toSameDiffOrder(net, sd, outN[4]), outS[4], est + " grad theta");
        }
        sd.setContext(null);
        assertThrows(IllegalStateException.class, () -> sd.f(T, z));
    }
}
