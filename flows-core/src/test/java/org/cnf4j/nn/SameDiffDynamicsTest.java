package org.cnf4j.nn;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.cnf4j.trace.Probes;
import org.cnf4j.trace.TraceEstimator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The same ConcatSquash MLP built in and as a SameDiff graph: every operation agrees. */
class SameDiffDynamicsTest {

    static final int[] DIMS = {3, 6, 5, 3};
    static final double T = 0.42;
    static final int B = 5;

    static SDVariable activate(SameDiff sd, SDVariable x, Activation a) {
        switch (a) {
            case TANH:
                return sd.nn().tanh(x);
            case SOFTPLUS:
                return sd.nn().softplus(x);
            case ELU:
                return sd.nn().elu(x);
            default:
                return sd.nn().swish(x);
        }
    }

    /** ConcatSquash layers out = (x W + b) * sigmoid(t g + c) + t h, written with SameDiff ops. */
    static SameDiffDynamics sameDiffMlp(Activation act) {
        return new SameDiffDynamics(
                DIMS[0],
                (sd, z, t) -> {
                    SDVariable x = z;
                    for (int l = 0; l < DIMS.length - 1; l++) {
                        int in = DIMS[l];
                        int out = DIMS[l + 1];
                        SDVariable w = sd.var("w" + l, Nd4j.zeros(DataType.DOUBLE, in, out));
                        SDVariable b = sd.var("b" + l, Nd4j.zeros(DataType.DOUBLE, 1, out));
                        SDVariable g = sd.var("g" + l, Nd4j.zeros(DataType.DOUBLE, 1, out));
                        SDVariable c = sd.var("c" + l, Nd4j.zeros(DataType.DOUBLE, 1, out));
                        SDVariable h = sd.var("h" + l, Nd4j.zeros(DataType.DOUBLE, 1, out));
                        SDVariable gate = sd.nn().sigmoid(t.mul(g).add(c));
                        x = x.mmul(w).add(b).mul(gate).add(t.mul(h));
                        if (l < DIMS.length - 2) {
                            x = activate(sd, x, act);
                        }
                    }
                    return x;
                },
                "3-6-5-3 SameDiff concatsquash");
    }

    static String sameDiffName(String builtIn) {
        String[] p = builtIn.split("\\.");
        String l = p[1];
        switch (p[2]) {
            case "weight":
                return "w" + l;
            case "bias":
                return "b" + l;
            case "gate_weight":
                return "g" + l;
            case "gate_bias":
                return "c" + l;
            case "context_gate":
                return "G" + l;
            case "context_shift":
                return "H" + l;
            default:
                return "h" + l;
        }
    }

    /** The built-in network's parameters rearranged into the SameDiff network's order. */
    static INDArray toSameDiffOrder(MlpDynamics net, SameDiffDynamics sd, INDArray builtInFlat) {
        INDArray out = Nd4j.zeros(DataType.DOUBLE, sd.parameterCount());
        for (ParameterTensor t : net.tensors()) {
            ParameterTensor target = sd.tensors().stream()
                    .filter(x -> x.name().equals(sameDiffName(t.name())))
                    .findFirst()
                    .orElseThrow();
            out.get(NDArrayIndex.interval(target.offset(), target.offset() + target.length()))
                    .assign(builtInFlat.get(NDArrayIndex.interval(t.offset(), t.offset() + t.length())));
        }
        return out;
    }

    static void assertClose(INDArray want, INDArray got, String what) {
        double err = want.sub(got).norm2Number().doubleValue()
                / Math.max(1e-300, want.norm2Number().doubleValue());
        assertTrue(err < 1e-10, what + ": relative difference " + err);
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void everyOperationAgreesWithTheBuiltInNetwork(Activation act) {
        MlpDynamics net = MlpDynamics.create(DIMS, LayerType.CONCAT_SQUASH, act, new SplittableRandom(3));
        net.parameters().muli(2.0);
        SameDiffDynamics sd = sameDiffMlp(act);
        sd.parameters().assign(toSameDiffOrder(net, sd, net.parameters()));
        SplittableRandom r = new SplittableRandom(4);
        INDArray z = MlpDynamicsTest.random(r, B, DIMS[0]);
        INDArray v = MlpDynamicsTest.random(r, B, DIMS[0]);
        INDArray e = MlpDynamicsTest.random(r, B, DIMS[0]);
        INDArray u = MlpDynamicsTest.random(r, B, DIMS[0]);
        assertClose(net.f(T, z), sd.f(T, z), "f");
        assertClose(net.vjpZ(T, z, v), sd.vjpZ(T, z, v), "vjp z");
        assertClose(toSameDiffOrder(net, sd, net.vjpTheta(T, z, v)), sd.vjpTheta(T, z, v), "vjp theta");
        assertClose(net.probe(T, z, e, u), sd.probe(T, z, e, u), "probe");
        INDArray[] gn = net.probeGradient(T, z, e, u);
        INDArray[] gs = sd.probeGradient(T, z, e, u);
        assertClose(gn[0], gs[0], "probe gradient z");
        assertClose(toSameDiffOrder(net, sd, gn[1]), gs[1], "probe gradient theta");
        INDArray vt = MlpDynamicsTest.random(r, B);
        INDArray vj = MlpDynamicsTest.random(r, B);
        INDArray vk = MlpDynamicsTest.random(r, B);
        for (TraceEstimator est : new TraceEstimator[] {TraceEstimator.exact(), TraceEstimator.hutchinson()}) {
            Probes probes = est.draw(B, DIMS[0], new SplittableRandom(9));
            INDArray[] outN = combined(net, z, probes, new Cotangents(v, vk, vt, vj));
            INDArray[] outS = combined(sd, z, probes, new Cotangents(v, vk, vt, vj));
            String[] names = {"f", "trace", "jacobian", "grad z", "grad theta"};
            for (int i = 0; i < 4; i++) {
                assertClose(outN[i], outS[i], est + " " + names[i]);
            }
            assertClose(toSameDiffOrder(net, sd, outN[4]), outS[4], est + " grad theta");
        }
    }

    static INDArray[] combined(Dynamics d, INDArray z, Probes probes, Cotangents weights) {
        INDArray f = Nd4j.create(DataType.DOUBLE, B, DIMS[0]);
        INDArray tr = Nd4j.create(DataType.DOUBLE, B);
        INDArray jq = Nd4j.create(DataType.DOUBLE, B);
        INDArray gz = Nd4j.create(DataType.DOUBLE, B, DIMS[0]);
        INDArray gt = Nd4j.create(DataType.DOUBLE, d.parameterCount());
        d.backward(T, z, probes, weights, f, tr, jq, gz, gt);
        return new INDArray[] {f, tr, jq, gz, gt};
    }

    @Test
    void unsupportedOpsAreNamed() {
        SameDiffDynamics sd = new SameDiffDynamics(
                2, (g, z, t) -> g.math().sin(z.mmul(g.var("w", Nd4j.eye(2).castTo(DataType.DOUBLE)))), "sin");
        INDArray z = Nd4j.ones(DataType.DOUBLE, 1, 2);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> sd.probe(0.1, z, z, z));
        assertTrue(ex.getMessage().contains("'sin'"), ex.getMessage());
    }
}
