package org.cnf4j.adjoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.SolverConfig;
import org.cnf4j.flow.TestMixtures;
import org.cnf4j.ode.RungeKuttaMethod;
import org.cnf4j.trace.TraceEstimator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Adjoint gradients against backpropagation through the solver and central finite differences. */
class GradientTest {

    static final double EPS = 1e-4;

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> s = Stream.builder();
        for (String est : new String[] {"exact", "hutchinson"}) {
            for (int blocks : new int[] {1, 2}) {
                for (boolean reg : new boolean[] {false, true}) {
                    s.add(Arguments.of(est, blocks, reg, false));
                }
            }
        }
        // the latent's cotangent from a Gaussian mixture base instead of N(0, I)
        s.add(Arguments.of("exact", 1, false, true));
        s.add(Arguments.of("hutchinson", 2, true, true));
        return s.build();
    }

    static ContinuousNormalizingFlow flow(int blocks, SolverConfig solver) {
        ContinuousNormalizingFlow flow = ContinuousNormalizingFlow.builder(2)
                .hiddenDims(8, 8)
                .blocks(blocks)
                .endTime(0.4)
                .trainEndTime(true)
                .solver(solver)
                .seed(3)
                .build();
        flow.parameters()
                .get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, flow.networkParameterCount()))
                .muli(1.5);
        return flow;
    }

    static double loss(ContinuousNormalizingFlow flow, INDArray x, Regularizers obj, TraceEstimator est) {
        return new ForwardPass(
                        flow,
                        x,
                        obj,
                        est,
                        new SplittableRandom(17),
                        flow.solver().newSolver(),
                        null)
                .loss;
    }

    static double relative(double got, double want) {
        return Math.abs(got - want) / Math.max(Math.abs(want), 1e-3);
    }

    static double relative(INDArray got, INDArray want) {
        return got.sub(want).norm2Number().doubleValue() / want.norm2Number().doubleValue();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void adjointMatchesDirectBackpropAndFiniteDifferences(
            String estimatorName, int blocks, boolean regularized, boolean mixtureBase) {
        TraceEstimator est = TraceEstimator.byName(estimatorName);
        Regularizers obj = regularized ? new Regularizers(0.1, 0.05) : Regularizers.NONE;
        ContinuousNormalizingFlow flow = flow(blocks, SolverConfig.dopri5(1e-10, 1e-10));
        if (mixtureBase) {
            flow.setBase(TestMixtures.twoComponents());
        }
        INDArray x = ContinuousNormalizingFlow.standardNormal(5, 2, new SplittableRandom(4))
                .muli(1.5);
        GradientResult adj = new AdjointMethod().gradient(flow, x, obj, est, new SplittableRandom(17));
        GradientResult dir = new DirectBackprop().gradient(flow, x, obj, est, new SplittableRandom(17));
        assertEquals(adj.loss(), dir.loss(), 1e-12);
        assertEquals(adj.loss(), loss(flow, x, obj, est), 1e-12);
        System.out.printf(
                "%s, %d block(s), regularised %s, mixture base %s: adjoint vs direct: theta %.1e, x %.1e%n",
                estimatorName,
                blocks,
                regularized,
                mixtureBase,
                relative(adj.parameterGradient(), dir.parameterGradient()),
                relative(adj.inputGradient(), dir.inputGradient()));
        assertTrue(relative(adj.parameterGradient(), dir.parameterGradient()) < 1e-5, "theta: adjoint vs direct");
        assertTrue(relative(adj.inputGradient(), dir.inputGradient()) < 1e-5, "x: adjoint vs direct");
        for (int k = 0; k < blocks; k++) {
            assertTrue(relative(adj.endTimeGradient()[k], dir.endTimeGradient()[k]) < 1e-5, "T: adjoint vs direct");
        }
        if (regularized) {
            assertTrue(adj.kinetic() > 0 && adj.jacobian() > 0);
        }
        SplittableRandom r = new SplittableRandom(5);
        INDArray theta = flow.parameters();
        for (int d = 0; d < 3; d++) {
            INDArray v = ContinuousNormalizingFlow.standardNormal(1, (int) flow.networkParameterCount(), r)
                    .reshape(flow.networkParameterCount());
            v.divi(v.norm2Number());
            INDArray full = Nd4j.zeros(DataType.DOUBLE, theta.length());
            full.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, v.length()))
                    .assign(v);
            INDArray saved = theta.dup();
            theta.addi(full.mul(EPS));
            double up = loss(flow, x, obj, est);
            theta.assign(saved.sub(full.mul(EPS)));
            double down = loss(flow, x, obj, est);
            theta.assign(saved);
            double fd = (up - down) / (2 * EPS);
            double g = adj.parameterGradient().mul(full).sumNumber().doubleValue();
            System.out.printf(
                    "  theta direction %d: adjoint %.10f, central difference %.10f, relative %.1e%n",
                    d, g, fd, relative(g, fd));
            assertTrue(relative(g, fd) < 1e-5, "theta direction " + d + ": adjoint " + g + " vs fd " + fd);
        }
        INDArray vx = ContinuousNormalizingFlow.standardNormal(5, 2, r);
        double fdx = (loss(flow, x.add(vx.mul(EPS)), obj, est) - loss(flow, x.sub(vx.mul(EPS)), obj, est)) / (2 * EPS);
        assertTrue(relative(adj.inputGradient().mul(vx).sumNumber().doubleValue(), fdx) < 1e-5, "x direction");
        for (int k = 0; k < blocks; k++) {
            double t = flow.endTime(k);
            flow.setEndTime(k, t + EPS);
            double up = loss(flow, x, obj, est);
            flow.setEndTime(k, t - EPS);
            double down = loss(flow, x, obj, est);
            flow.setEndTime(k, t);
            double fdT = (up - down) / (2 * EPS);
            assertTrue(
                    relative(adj.endTimeGradient()[k], fdT) < 1e-5,
                    "T_" + k + ": adjoint " + adj.endTimeGradient()[k] + " vs fd " + fdT);
            assertEquals(
                    adj.endTimeGradient()[k] * 2 * Math.sqrt(t),
                    adj.parameterGradient().getDouble(flow.endTimeIndex(k)),
                    1e-12);
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(
            value = org.cnf4j.nn.LayerType.class,
            names = {"CONCAT_SQUASH", "CONCAT"})
    void contextWeightGradientsOfBothMethodsMatchFiniteDifferences(org.cnf4j.nn.LayerType type) {
        ContinuousNormalizingFlow flow = ContinuousNormalizingFlow.builder(2)
                .contextDim(2)
                .layerType(type)
                .hiddenDims(8, 8)
                .endTime(0.4)
                .solver(SolverConfig.dopri5(1e-10, 1e-10))
                .seed(3)
                .build();
        flow.parameters()
                .get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, flow.networkParameterCount()))
                .muli(1.5);
        INDArray x = ContinuousNormalizingFlow.standardNormal(5, 2, new SplittableRandom(4))
                .muli(1.5);
        INDArray c = ContinuousNormalizingFlow.standardNormal(5, 2, new SplittableRandom(6));
        TraceEstimator est = TraceEstimator.exact();
        Regularizers obj = Regularizers.NONE;
        GradientResult adj =
                flow.withContext(c, () -> new AdjointMethod().gradient(flow, x, obj, est, new SplittableRandom(17)));
        GradientResult dir =
                flow.withContext(c, () -> new DirectBackprop().gradient(flow, x, obj, est, new SplittableRandom(17)));
        java.util.function.Supplier<Double> loss = () -> flow.withContext(c, () -> loss(flow, x, obj, est));
        INDArray theta = flow.parameters();
        int checked = 0;
        for (org.cnf4j.nn.ParameterTensor t : flow.block(0).tensors()) {
            if (!t.name().contains("context_")) {
                continue;
            }
            // two elements of every context matrix, each by a central difference
            for (long i : new long[] {t.offset(), t.offset() + t.length() - 1}) {
                double saved = theta.getDouble(i);
                theta.putScalar(i, saved + EPS);
                double up = loss.get();
                theta.putScalar(i, saved - EPS);
                double down = loss.get();
                theta.putScalar(i, saved);
                double fd = (up - down) / (2 * EPS);
                for (GradientResult g : new GradientResult[] {adj, dir}) {
                    double got = g.parameterGradient().getDouble(i);
                    assertTrue(
                            Math.abs(got - fd) <= 1e-6 * Math.max(Math.abs(fd), 1e-2),
                            type + " " + t.name() + "[" + (i - t.offset()) + "]: " + got + " vs central difference "
                                    + fd);
                }
                checked++;
            }
        }
        assertEquals(type == org.cnf4j.nn.LayerType.CONCAT_SQUASH ? 12 : 6, checked);
    }

    @Test
    void adjointMemoryIsFlatInTheNumberOfStepsWhileDirectBackpropGrows() {
        INDArray x = ContinuousNormalizingFlow.standardNormal(20, 2, new SplittableRandom(1));
        long[] adjoint = new long[2];
        long[] direct = new long[2];
        int[] steps = {100, 1000};
        for (int i = 0; i < 2; i++) {
            ContinuousNormalizingFlow flow = flow(1, SolverConfig.fixed(RungeKuttaMethod.RK4, steps[i]));
            adjoint[i] = new AdjointMethod()
                    .gradient(flow, x, Regularizers.NONE, TraceEstimator.exact(), new SplittableRandom(1))
                    .storedBytes();
            direct[i] = new DirectBackprop()
                    .gradient(flow, x, Regularizers.NONE, TraceEstimator.exact(), new SplittableRandom(1))
                    .storedBytes();
        }
        System.out.printf(
                "stored solver states: adjoint %d / %d bytes, direct backprop %d / %d bytes at 100 / 1000 RK4 steps%n",
                adjoint[0], adjoint[1], direct[0], direct[1]);
        assertTrue(Math.abs(adjoint[1] - adjoint[0]) <= 0.2 * adjoint[0]);
        assertTrue(direct[1] > 8 * direct[0]);
    }
}
