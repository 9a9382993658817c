package org.cnf4j.nn;

import static org.cnf4j.nn.MlpDynamicsTest.B;
import static org.cnf4j.nn.MlpDynamicsTest.D;
import static org.cnf4j.nn.MlpDynamicsTest.H;
import static org.cnf4j.nn.MlpDynamicsTest.T;
import static org.cnf4j.nn.MlpDynamicsTest.gradient;
import static org.cnf4j.nn.MlpDynamicsTest.random;
import static org.cnf4j.nn.MlpDynamicsTest.relativeError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.Function;
import org.cnf4j.trace.Probes;
import org.cnf4j.trace.TraceEstimator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The conditional network f(z, t, c) against a naive implementation and central finite differences, in double. */
class ConditionalMlpDynamicsTest {

    static final int C = 2;

    static MlpDynamics net(LayerType type, Activation act) {
        MlpDynamics net = MlpDynamics.create(new int[] {D, 7, 5, D}, type, act, C, new SplittableRandom(12));
        net.parameters().muli(2.0);
        return net;
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> architectures() {
        return MlpDynamicsTest.architectures();
    }

    /** f of each row from the documented layout: layers' tensors, then each layer's context matrices. */
    static INDArray naiveForward(MlpDynamics net, double[] t, INDArray z, INDArray c) {
        int[] dims = net.dims();
        INDArray p = net.parameters();
        int layers = dims.length - 1;
        long[] ctxAt = new long[layers];
        long off = 0;
        for (int l = 0; l < layers; l++) {
            off += net.layerType().parameterCount(dims[l], dims[l + 1]);
        }
        for (int l = 0; l < layers; l++) {
            ctxAt[l] = off;
            off += (long) (net.layerType() == LayerType.CONCAT_SQUASH ? 2 : 1) * C * dims[l + 1];
        }
        assertEquals(off, net.parameterCount());
        INDArray x = z.dup();
        off = 0;
        for (int l = 0; l < layers; l++) {
            int in = dims[l];
            int n = dims[l + 1];
            INDArray out = Nd4j.create(DataType.DOUBLE, x.rows(), n);
            for (int b = 0; b < x.rows(); b++) {
                double tb = t[b];
                for (int j = 0; j < n; j++) {
                    double acc = 0;
                    for (int i = 0; i < in; i++) {
                        acc += x.getDouble(b, i) * p.getDouble(off + (long) i * n + j);
                    }
                    long v = off + (long) in * n;
                    double cg = 0;
                    double cs = 0;
                    boolean squash = net.layerType() == LayerType.CONCAT_SQUASH;
                    long shiftAt = ctxAt[l] + (squash ? (long) C * n : 0);
                    for (int i = 0; i < C; i++) {
                        cs += c.getDouble(b, i) * p.getDouble(shiftAt + (long) i * n + j);
                        if (squash) {
                            cg += c.getDouble(b, i) * p.getDouble(ctxAt[l] + (long) i * n + j);
                        }
                    }
                    double o;
                    switch (net.layerType()) {
                        case CONCAT_SQUASH: {
                            double gate = 1
                                    / (1 + Math.exp(-(p.getDouble(v + n + j) * tb + p.getDouble(v + 2L * n + j) + cg)));
                            o = (acc + p.getDouble(v + j)) * gate + p.getDouble(v + 3L * n + j) * tb + cs;
                            break;
                        }
                        case CONCAT:
                            o = acc + p.getDouble(v + j) * tb + p.getDouble(v + n + j) + cs;
                            break;
                        default:
                            o = acc + p.getDouble(v + j) + cs;
                    }
                    out.putScalar(b, j, l < layers - 1 ? net.activation().value(o) : o);
                }
            }
            off += net.layerType().parameterCount(in, n);
            x = out;
        }
        return x;
    }

    static double[] same(double t, int n) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, t);
        return a;
    }

    @ParameterizedTest
    @MethodSource("architectures")
    void forwardMatchesANaiveImplementationAtOneTimeAndPerRowTimes(LayerType type, Activation act) {
        MlpDynamics net = net(type, act);
        SplittableRandom r = new SplittableRandom(1);
        INDArray z = random(r, B, D);
        INDArray c = random(r, B, C);
        net.setContext(c);
        assertTrue(relativeError(net.f(T, z), naiveForward(net, same(T, B), z, c)) < 1e-12, "one time");
        double[] t = MlpDynamicsTest.times(r, B);
        INDArray f = Nd4j.create(DataType.DOUBLE, B, D);
        net.forwardAtTimes(t, z, f);
        assertTrue(relativeError(f, naiveForward(net, t, z, c)) < 1e-12, "per-row times");
        // the context changes f
        net.setContext(c.add(1.0));
        assertTrue(relativeError(net.f(T, z), naiveForward(net, same(T, B), z, c)) > 1e-3);
    }

    @ParameterizedTest
    @MethodSource("architectures")
    void combinedBackwardMatchesFiniteDifferencesWithExactAndNoiseProbes(LayerType type, Activation act) {
        MlpDynamics net = net(type, act);
        SplittableRandom r = new SplittableRandom(5);
        INDArray z = random(r, B, D);
        net.setContext(random(r, B, C));
        INDArray vf = random(r, B, D);
        INDArray vt = random(r, B);
        INDArray vj = random(r, B);
        INDArray vk = random(r, B);
        for (TraceEstimator est : new TraceEstimator[] {TraceEstimator.exact(), TraceEstimator.rademacher()}) {
            Probes probes = est.draw(B, D, new SplittableRandom(6));
            Function<INDArray, Double> s = any -> {
                INDArray f = Nd4j.create(DataType.DOUBLE, B, D);
                INDArray tr = Nd4j.create(DataType.DOUBLE, B);
                INDArray jq = Nd4j.create(DataType.DOUBLE, B);
                net.forward(T, z, probes, f, tr, jq);
                return f.mul(vf).sumNumber().doubleValue()
                        + tr.mul(vt).sumNumber().doubleValue()
                        + jq.mul(vj).sumNumber().doubleValue()
                        + f.mul(f).sum(1).mul(vk).sumNumber().doubleValue();
            };
            INDArray gz = Nd4j.create(DataType.DOUBLE, B, D);
            INDArray gt = Nd4j.create(DataType.DOUBLE, net.parameterCount());
            INDArray f = Nd4j.create(DataType.DOUBLE, B, D);
            INDArray tr = Nd4j.create(DataType.DOUBLE, B);
            net.backward(T, z, probes, new Cotangents(vf, vk, vt, vj), f, tr, null, gz, gt);
            assertTrue(relativeError(gz, gradient(z, s)) < 1e-6, est + " dS/dz");
            assertTrue(relativeError(gt, gradient(net.parameters(), s)) < 1e-6, est + " dS/dtheta");
            assertTrue(relativeError(f, net.f(T, z)) < 1e-14);
            if (est.isExact()) {
                for (int b = 0; b < B; b++) {
                    double trace = 0;
                    for (int i = 0; i < D; i++) {
                        INDArray dz = Nd4j.zeros(DataType.DOUBLE, B, D);
                        dz.putScalar(b, i, H);
                        trace += (net.f(T, z.add(dz)).getDouble(b, i)
                                        - net.f(T, z.sub(dz)).getDouble(b, i))
                                / (2 * H);
                    }
                    assertEquals(trace, tr.getDouble(b), 1e-7 * Math.max(1, Math.abs(trace)));
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("architectures")
    void perRowTimeGradientsMatchFiniteDifferences(LayerType type, Activation act) {
        MlpDynamics net = net(type, act);
        SplittableRandom r = new SplittableRandom(22);
        INDArray z = random(r, B, D);
        net.setContext(random(r, B, C));
        INDArray v = random(r, B, D);
        double[] t = MlpDynamicsTest.times(r, B);
        Function<INDArray, Double> vDotF = zz -> {
            INDArray f = Nd4j.create(DataType.DOUBLE, B, D);
            net.forwardAtTimes(t, zz, f);
            return f.mul(v).sumNumber().doubleValue();
        };
        INDArray gz = Nd4j.create(DataType.DOUBLE, B, D);
        INDArray gt = Nd4j.create(DataType.DOUBLE, net.parameterCount());
        INDArray f = Nd4j.create(DataType.DOUBLE, B, D);
        net.backwardAtTimes(t, z, v, f, gz, gt);
        assertTrue(relativeError(gz, gradient(z, vDotF)) < 1e-6, "dz");
        assertTrue(relativeError(gt, gradient(net.parameters(), th -> vDotF.apply(z))) < 1e-6, "dtheta");
        // the row-cotangent form gives the same gradient
        INDArray gt2 = Nd4j.create(DataType.DOUBLE, net.parameterCount());
        double[] vv = v.dup().data().asDouble();
        net.backwardAtTimes(t, z, (first, rows, fv, out) -> System.arraycopy(vv, first * D, out, 0, rows * D), gt2);
        assertTrue(relativeError(gt2, gt) < 1e-14);
    }

    @Test
    void largeBatchesInChunksAgreeWithRowByRowEvaluation() {
        MlpDynamics net = net(LayerType.CONCAT_SQUASH, Activation.TANH);
        SplittableRandom r = new SplittableRandom(8);
        int n = 700;
        INDArray z = random(r, n, D);
        INDArray c = random(r, n, C);
        Probes probes = TraceEstimator.exact().draw(n, D, new SplittableRandom(1));
        INDArray f = Nd4j.create(DataType.DOUBLE, n, D);
        INDArray tr = Nd4j.create(DataType.DOUBLE, n);
        net.setContext(c);
        net.forward(T, z, probes, f, tr, null);
        for (int b : new int[] {0, 350, 699}) {
            INDArray row = z.getRow(b).reshape(1, D).dup();
            net.setContext(c.getRow(b).reshape(1, C).dup());
            INDArray fr = Nd4j.create(DataType.DOUBLE, 1, D);
            INDArray trr = Nd4j.create(DataType.DOUBLE, 1);
            net.forward(T, row, TraceEstimator.exact().draw(1, D, new SplittableRandom(1)), fr, trr, null);
            assertTrue(relativeError(f.getRow(b), fr.reshape(D)) < 1e-13, "f row " + b);
            assertEquals(trr.getDouble(0), tr.getDouble(b), 1e-12);
        }
    }

    @Test
    void contextDimensionZeroIsTheUnconditionalNetworkExactly() {
        int[] dims = {D, 7, 5, D};
        MlpDynamics plain = MlpDynamics.create(dims, LayerType.CONCAT_SQUASH, Activation.TANH, new SplittableRandom(3));
        MlpDynamics zero =
                MlpDynamics.create(dims, LayerType.CONCAT_SQUASH, Activation.TANH, 0, new SplittableRandom(3));
        assertEquals(plain.parameterCount(), zero.parameterCount());
        assertEquals(plain.describe(), zero.describe());
        assertArrayEquals(
                plain.parameters().data().asDouble(), zero.parameters().data().asDouble());
        INDArray z = random(new SplittableRandom(4), B, D);
        assertArrayEquals(plain.f(T, z).data().asDouble(), zero.f(T, z).data().asDouble());
        // a conditional network draws the same layer parameters first, its context matrices after them
        MlpDynamics cond =
                MlpDynamics.create(dims, LayerType.CONCAT_SQUASH, Activation.TANH, C, new SplittableRandom(3));
        double[] head = java.util.Arrays.copyOf(cond.parameters().data().asDouble(), (int) plain.parameterCount());
        assertArrayEquals(plain.parameters().data().asDouble(), head);
        assertEquals(plain.parameterCount() + 2L * C * (7 + 5 + D), cond.parameterCount());
        assertTrue(cond.tensors().stream().anyMatch(t -> t.name().equals("layers.2.context_gate")));
    }

    @Test
    void callsWithoutAMatchingContextAreRefused() {
        MlpDynamics net = net(LayerType.CONCAT, Activation.TANH);
        INDArray z = random(new SplittableRandom(1), B, D);
        IllegalStateException none = assertThrows(IllegalStateException.class, () -> net.f(T, z));
        assertTrue(none.getMessage().contains("setContext"), none.getMessage());
        net.setContext(Nd4j.zeros(DataType.DOUBLE, B + 1, C));
        assertThrows(IllegalStateException.class, () -> net.f(T, z));
        assertThrows(IllegalArgumentException.class, () -> net.setContext(Nd4j.zeros(DataType.DOUBLE, B, C + 1)));
        MlpDynamics plain = MlpDynamicsTest.net(LayerType.CONCAT, Activation.TANH);
        assertThrows(IllegalArgumentException.class, () -> plain.setContext(Nd4j.zeros(DataType.DOUBLE, B, 1)));
    }
}
