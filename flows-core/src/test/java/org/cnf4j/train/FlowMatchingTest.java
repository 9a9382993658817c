package org.cnf4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.cnf4j.data.Standardizer;
import org.cnf4j.data.ToyDataset;
import org.cnf4j.data.ToyTrainingData;
import org.cnf4j.data.TrainingData;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.RandomStreams;
import org.cnf4j.flow.SolverConfig;
import org.cnf4j.io.LoadedModel;
import org.cnf4j.io.ModelFile;
import org.cnf4j.io.ModelMetadata;
import org.cnf4j.linalg.NativeArrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Flow matching: its gradient, what it learns, and that it resumes and saves like maximum likelihood. */
class FlowMatchingTest {

    @TempDir
    Path dir;

    static INDArray gaussianRows(SplittableRandom r, int n, int d) {
        INDArray a = Nd4j.create(DataType.DOUBLE, n, d);
        for (long i = 0; i < a.length(); i++) {
            a.putScalar(i, r.nextGaussian());
        }
        return a;
    }

    @Test
    void gradientMatchesCentralDifferences() {
        for (FlowMatching fm : new FlowMatching[] {
            new FlowMatching(0, false, TimeSampling.UNIFORM), new FlowMatching(0.05, true, TimeSampling.LOGIT_NORMAL)
        }) {
            ContinuousNormalizingFlow flow = ContinuousNormalizingFlow.builder(2)
                    .hiddenDims(8, 8)
                    .blocks(2)
                    .endTime(0.3)
                    .seed(3)
                    .build();
            flow.parameters().muli(2.0);
            flow.setEndTime(0, 0.3);
            flow.setEndTime(1, 0.5);
            INDArray x = gaussianRows(new SplittableRandom(5), 12, 2);
            ObjectiveResult r = fm.evaluate(flow, x, RandomStreams.stream(7, "noise"));
            assertTrue(Double.isNaN(r.nll()));
            INDArray p = flow.parameters();
            double h = 1e-6;
            double num = 0;
            double den = 0;
            for (long i = 0; i < flow.networkParameterCount(); i++) {
                double v = p.getDouble(i);
                p.putScalar(i, v + h);
                double up =
                        fm.evaluate(flow, x, RandomStreams.stream(7, "noise")).loss();
                p.putScalar(i, v - h);
                double down =
                        fm.evaluate(flow, x, RandomStreams.stream(7, "noise")).loss();
                p.putScalar(i, v);
                double fd = (up - down) / (2 * h);
                double g = r.parameterGradient().getDouble(i);
                num += (g - fd) * (g - fd);
                den += fd * fd;
            }
            double rel = Math.sqrt(num / den);
            assertTrue(rel < 1e-6, fm.describe() + ": relative error " + rel);
            for (int k = 0; k < 2; k++) {
                assertEquals(0.0, r.parameterGradient().getDouble(flow.endTimeIndex(k)), 0.0, "T is not fitted");
            }
        }
    }

    @Test
    void aReusedGradientArrayHoldsExactlyTheGradientOfEvaluate() {
        for (FlowMatching fm :
                new FlowMatching[] {FlowMatching.defaults(), new FlowMatching(0.05, true, TimeSampling.LOGIT_NORMAL)}) {
            ContinuousNormalizingFlow flow = ContinuousNormalizingFlow.builder(2)
                    .hiddenDims(8, 8)
                    .blocks(2)
                    .seed(3)
                    .build();
            INDArray x = gaussianRows(new SplittableRandom(6), 40, 2);
            ObjectiveResult want = fm.evaluate(flow, x, RandomStreams.stream(7, "noise"));
            // the buffer holds last iteration's values, end times included: all overwritten
            INDArray reused = Nd4j.ones(DataType.DOUBLE, flow.parameterCount()).muli(3.0);
            ObjectiveResult got = fm.evaluateInto(flow, x, RandomStreams.stream(7, "noise"), reused);
            assertTrue(got.parameterGradient() == reused, "the result's gradient is the given array");
            assertEquals(want.loss(), got.loss(), 0.0);
            assertEquals(want.parameterGradient(), reused, fm.describe());
            // the default of an objective copies evaluate's gradient
            ObjectiveResult copied = new Objective() {
                public String name() {
                    return "copy";
                }

                public String describe() {
                    return "copy";
                }

                public ObjectiveResult evaluate(
                        ContinuousNormalizingFlow f, INDArray rows, java.util.random.RandomGenerator noise) {
                    return fm.evaluate(f, rows, noise);
                }

                public boolean fitsEndTime() {
                    return false;
                }

                public com.fasterxml.jackson.databind.node.ObjectNode toJson() {
                    return fm.toJson();
                }
            }.evaluateInto(flow, x, RandomStreams.stream(7, "noise"), reused.muli(0.5));
            assertEquals(want.parameterGradient(), copied.parameterGradient(), "default evaluateInto");
            assertThrows(
                    IllegalArgumentException.class,
                    () -> fm.evaluateInto(flow, x, RandomStreams.stream(7, "noise"), Nd4j.zeros(DataType.DOUBLE, 3)));
        }
    }

    @Test
    void sharesOfABatchAddUpToTheWholeBatch() {
        FlowMatching fm = new FlowMatching(0.01, false, TimeSampling.LOGIT_NORMAL);
        ContinuousNormalizingFlow flow = ContinuousNormalizingFlow.builder(2)
                .hiddenDims(8, 8)
                .blocks(2)
                .seed(3)
                .build();
        INDArray x = gaussianRows(new SplittableRandom(5), 30, 2);
        ObjectiveResult whole = fm.evaluate(flow, x, RandomStreams.stream(7, "noise"));
        // three shares: positions {0, 3, 6, ...}, {1, 4, ...}, {2, 5, ...}
        double loss = 0;
        INDArray gradient = Nd4j.zeros(DataType.DOUBLE, flow.parameterCount());
        for (int share = 0; share < 3; share++) {
            int[] positions = new int[10];
            for (int i = 0; i < 10; i++) {
                positions[i] = 3 * i + share;
            }
            ObjectiveResult part =
                    fm.evaluateRows(flow, x.getRows(positions), positions, 30, RandomStreams.stream(7, "noise"));
            loss += part.loss();
            gradient.addi(part.parameterGradient());
        }
        assertEquals(whole.loss(), loss, 1e-14);
        assertEquals(0, whole.parameterGradient().sub(gradient).amaxNumber().doubleValue(), 1e-13);
        assertThrows(
                IllegalArgumentException.class,
                () -> new FlowMatching(0, true, TimeSampling.UNIFORM)
                        .evaluateRows(flow, x.getRows(0, 1), new int[] {0, 1}, 30, RandomStreams.stream(7, "noise")));
    }

    @Test
    void optimalAssignmentMatchesBruteForce() {
        SplittableRandom r = new SplittableRandom(9);
        for (int trial = 0; trial < 60; trial++) {
            int n = 1 + trial % 7;
            double[] cost = new double[n * n];
            for (int i = 0; i < cost.length; i++) {
                // ties in some trials
                cost[i] = trial % 3 == 0 ? r.nextInt(4) : r.nextDouble(-2, 5);
            }
            int[] got = OptimalAssignment.solve(cost, n);
            boolean[] seen = new boolean[n];
            for (int c : got) {
                assertTrue(!seen[c], "a permutation");
                seen[c] = true;
            }
            double best = bruteForce(cost, n, new int[n], new boolean[n], 0);
            assertEquals(best, OptimalAssignment.cost(cost, n, got), 1e-12, "trial " + trial);
        }
        assertThrows(
                IllegalArgumentException.class, () -> OptimalAssignment.solve(new double[] {1, Double.NaN, 0, 0}, 2));
    }

    private static double bruteForce(double[] cost, int n, int[] perm, boolean[] used, int row) {
        if (row == n) {
            return OptimalAssignment.cost(cost, n, perm);
        }
        double best = Double.POSITIVE_INFINITY;
        for (int c = 0; c < n; c++) {
            if (!used[c]) {
                used[c] = true;
                perm[row] = c;
                best = Math.min(best, bruteForce(cost, n, perm, used, row + 1));
                used[c] = false;
            }
        }
        return best;
    }

    @Test
    void otCouplingShortensThePairing() {
        SplittableRandom r = new SplittableRandom(4);
        int n = 64;
        double[] base = NativeArrays.toArray(gaussianRows(r, n, 2));
        double[] data = NativeArrays.toArray(gaussianRows(r, n, 2).addi(3));
        double[] paired = FlowMatching.coupled(base, data, n, 2);
        assertTrue(squaredDistance(paired, data) < squaredDistance(base, data));
        double[] sortedA = base.clone();
        double[] sortedB = paired.clone();
        java.util.Arrays.sort(sortedA);
        java.util.Arrays.sort(sortedB);
        assertArrayEquals(sortedA, sortedB, 0.0, "the same draws, reordered");
    }

    private static double squaredDistance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return s;
    }

    /** Rows of N(mu, diag(sd^2)) rotated: a 2-D Gaussian with correlation, in the flow's space. */
    record GaussianData(double[] mu, double[][] chol, long seed) implements TrainingData {
        public int dim() {
            return 2;
        }

        INDArray draw(SplittableRandom r, int n) {
            INDArray a = Nd4j.create(DataType.DOUBLE, n, 2);
            for (int b = 0; b < n; b++) {
                double e0 = r.nextGaussian();
                double e1 = r.nextGaussian();
                a.putScalar(b, 0, mu[0] + chol[0][0] * e0);
                a.putScalar(b, 1, mu[1] + chol[1][0] * e0 + chol[1][1] * e1);
            }
            return a;
        }

        double logDensity(double x, double y) {
            double e0 = (x - mu[0]) / chol[0][0];
            double e1 = (y - mu[1] - chol[1][0] * e0) / chol[1][1];
            return -0.5 * (e0 * e0 + e1 * e1) - Math.log(2 * Math.PI) - Math.log(chol[0][0] * chol[1][1]);
        }

        public INDArray batch(long iteration, int size) {
            return draw(RandomStreams.stream(seed, "data-" + iteration), size);
        }

        public INDArray validation() {
            return draw(RandomStreams.stream(seed, "validation"), 200);
        }

        public INDArray test() {
            return draw(RandomStreams.stream(seed, "test"), 500);
        }

        public Standardizer standardizer() {
            return Standardizer.identity(2);
        }

        public long trainingRows() {
            return -1;
        }

        public boolean dequantized() {
            return false;
        }

        public String describe() {
            return "correlated Gaussian";
        }
    }

    @Test
    void learnsAGaussiansExactLogDensity() {
        GaussianData data = new GaussianData(new double[] {0.8, -0.5}, new double[][] {{0.6, 0}, {0.5, 0.7}}, 2);
        ContinuousNormalizingFlow flow = ContinuousNormalizingFlow.builder(2)
                .hiddenDims(32, 32)
                .endTime(1.0)
                .solver(SolverConfig.dopri5(1e-6, 1e-6))
                .seed(2)
                .build();
        TrainingConfig config = TrainingConfig.defaults()
                .withIterations(3000)
                .withBatchSize(128)
                .withOptimizer(3e-3, 0)
                .withValidationInterval(0)
                .withSeed(2)
                .withTestEvaluation(false)
                .withFlowMatching(new FlowMatching(0, true, TimeSampling.UNIFORM));
        new Trainer(flow, data, config).train();
        INDArray x = data.test();
        INDArray logp = flow.logProb(x).logProb();
        double worst = 0;
        double mean = 0;
        for (int b = 0; b < x.rows(); b++) {
            double want = data.logDensity(x.getDouble(b, 0), x.getDouble(b, 1));
            double err = Math.abs(logp.getDouble(b) - want);
            worst = Math.max(worst, err);
            mean += err / x.rows();
        }
        // bound: mean absolute error of log p below 0.05 nats over the test rows (a Gaussian's
        // log-density spans several nats over them), worst row below 0.3
        System.out.println("flow matching on a Gaussian: mean |log p error| " + mean + ", worst " + worst);
        assertTrue(mean < 0.05, "mean |log p error| " + mean);
        assertTrue(worst < 0.3, "worst |log p error| " + worst);
    }

    static TrainingConfig fmConfig(int iterations) {
        return TrainingConfig.defaults()
                .withIterations(iterations)
                .withValidationInterval(5)
                .withSeed(1)
                .withTestEvaluation(false)
                .withFlowMatching(new FlowMatching(1e-4, true, TimeSampling.LOGIT_NORMAL));
    }

    @Test
    void resumeIsBitIdenticalAndTheModelFileKeepsTheObjective() {
        ToyTrainingData data = new ToyTrainingData(ToyDataset.MOONS, 1, 200, 200);
        ContinuousNormalizingFlow straight =
                ContinuousNormalizingFlow.builder(2).hiddenDims(16, 16).seed(1).build();
        Trainer a = new Trainer(straight, data, fmConfig(20));
        TrainingResult whole = a.train();
        double[] straightLast = NativeArrays.toArray(a.checkpoint().parameters());

        ContinuousNormalizingFlow first =
                ContinuousNormalizingFlow.builder(2).hiddenDims(16, 16).seed(1).build();
        Path file = dir.resolve("fm.zip");
        new Trainer(first, data, fmConfig(10)).trainAndSave(file, ModelMetadata.none(2));
        LoadedModel loaded = ModelFile.load(file);
        assertEquals("flow-matching", loaded.metadata().training().objectiveName());
        FlowMatching restored =
                Objectives.flowMatching(loaded.metadata().training().objectiveSettings());
        assertEquals(fmConfig(1).flowMatching(), restored);
        Trainer b = Trainer.resume(loaded.flow(), data, fmConfig(20).withFlowMatching(restored), loaded.checkpoint());
        TrainingResult resumed = b.train();
        assertArrayEquals(straightLast, NativeArrays.toArray(b.checkpoint().parameters()), 0.0);
        assertArrayEquals(
                NativeArrays.toArray(straight.parameters()),
                NativeArrays.toArray(loaded.flow().parameters()),
                0.0,
                "best parameters after the run");
        for (int i = 0; i < whole.iterations().size(); i++) {
            assertEquals(
                    whole.iterations().get(i).loss(),
                    resumed.iterations().get(i).loss(),
                    0.0);
        }
        assertEquals(whole.validations(), resumed.validations());
        assertTrue(whole.validations().stream().allMatch(v -> Double.isFinite(v.objectiveLoss()) && v.nll() > 0));
        assertEquals(0.5, straight.endTime(0), 1e-15, "flow matching keeps T");
    }
}
