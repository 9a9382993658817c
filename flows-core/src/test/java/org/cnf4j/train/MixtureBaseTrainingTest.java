package org.cnf4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.cnf4j.baseline.Baselines;
import org.cnf4j.baseline.FittedBaselines;
import org.cnf4j.data.Dataset;
import org.cnf4j.data.TableTrainingData;
import org.cnf4j.data.ToyDataset;
import org.cnf4j.data.TrainingData;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.GaussianMixtureBase;
import org.cnf4j.flow.StandardNormal;
import org.cnf4j.io.LoadedModel;
import org.cnf4j.io.ModelFile;
import org.cnf4j.io.ModelMetadata;
import org.cnf4j.io.TrainingSummary;
import org.cnf4j.linalg.NativeArrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A flow whose base is the Gaussian mixture fitted to the training rows: it starts as that mixture,
 * is never kept worse than it on the validation rows, and its file keeps the mixture.
 */
class MixtureBaseTrainingTest {

    @TempDir
    Path dir;

    /** Rows of three well-separated Gaussian blobs: a table a mixture of three fits exactly. */
    static TrainingData blobs(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] rows = new double[n][];
        double[][] centres = {{-4, 0}, {4, 1}, {0, 5}};
        for (int i = 0; i < n; i++) {
            double[] c = centres[i % 3];
            rows[i] = new double[] {c[0] + 0.5 * r.nextGaussian(), c[1] + 0.8 * r.nextGaussian()};
        }
        return new TableTrainingData(
                new Dataset(Nd4j.create(rows), java.util.List.of("a", "b"), "blobs"), 0.2, 0.1, seed, false, true);
    }

    static TrainingConfig config(int iterations) {
        return TrainingConfig.defaults()
                .withIterations(iterations)
                .withValidationInterval(50)
                .withSeed(2)
                .withFlowMatching(new FlowMatching(0, true, TimeSampling.UNIFORM))
                .withSchedule(LearningRateSchedule.LINEAR)
                .withEmaDecay(0.99)
                .withMixtureBase(true);
    }

    static double validationNll(FittedBaselines fitted, TrainingData data) {
        return fitted.mixture().meanNll(data.validation().toDoubleMatrix())
                - data.standardizer().logDetJacobian();
    }

    @Test
    void theRunStartsAsTheFittedMixtureAndKeepsNothingWorseOnValidation() {
        for (TrainingData data :
                new TrainingData[] {blobs(600, 1), new org.cnf4j.data.ToyTrainingData(ToyDataset.MOONS, 3, 300, 300)}) {
            ContinuousNormalizingFlow flow = ContinuousNormalizingFlow.builder(2)
                    .hiddenDims(16, 16)
                    .seed(4)
                    .build();
            Trainer trainer = new Trainer(flow, data, config(300));
            FittedBaselines fitted = trainer.prepareBase();
            assertNotNull(fitted);
            // the baselines' own search, from the table's shape: the same mixture
            FittedBaselines again = Baselines.fitted(data, Baselines.MIXTURE_WORK);
            assertEquals(again.summary(), fitted.summary());
            GaussianMixtureBase base = (GaussianMixtureBase) flow.base();
            assertEquals(fitted.mixture().components(), base.components());
            // iteration 0 is the mixture's validation NLL, scored without a solve
            ValidationStats start = trainer.log().validations().get(0);
            assertEquals(0, start.iteration());
            assertEquals(validationNll(fitted, data), start.nll(), 1e-9);
            // and the flow (a zero field) gives the same
            double solved = Evaluation.logProbStandardized(flow, data.standardizer(), data.validation())
                    .meanNll();
            assertEquals(start.nll(), solved, 1e-9);
            TrainingSummary s = trainer.train().summary();
            assertTrue(
                    s.bestValidationNll() <= start.nll(),
                    s.bestValidationNll() + " kept, the start had " + start.nll());
            assertEquals(
                    s.bestValidationNll(),
                    Evaluation.logProbStandardized(flow, data.standardizer(), data.validation())
                            .meanNll(),
                    1e-6);
            if (s.bestIteration() == 0) {
                assertTrue(s.selection().startsWith("the start: the flow's base"), s.selection());
            }
            System.out.printf(
                    "%s: %d components, start %.4f, kept iteration %d at %.4f nats%n",
                    data.describe(), base.components(), start.nll(), s.bestIteration(), s.bestValidationNll());
        }
    }

    @Test
    void trainedParametersWorseThanTheStartAreNotKept() {
        // a learning rate that throws the field far off: nothing it validates beats the exact mixture
        TrainingData data = blobs(600, 5);
        ContinuousNormalizingFlow flow =
                ContinuousNormalizingFlow.builder(2).hiddenDims(16, 16).seed(4).build();
        Trainer trainer =
                new Trainer(flow, data, config(100).withOptimizer(0.5, 0).withEmaDecay(0));
        TrainingSummary s = trainer.train().summary();
        assertEquals(0, s.bestIteration(), s.selection());
        assertTrue(s.selection().startsWith("the start: the flow's base, a mixture of"), s.selection());
        assertEquals(
                trainer.log().validations().get(0).nll(),
                Evaluation.logProbStandardized(flow, data.standardizer(), data.validation())
                        .meanNll(),
                1e-9);
    }

    @Test
    void conditionalFlowsAndNormalRunsKeepTheStandardNormal() {
        TrainingData data = blobs(300, 6);
        ContinuousNormalizingFlow flow =
                ContinuousNormalizingFlow.builder(2).hiddenDims(8).seed(4).build();
        Trainer trainer = new Trainer(flow, data, config(10).withMixtureBase(false));
        assertNull(trainer.prepareBase());
        trainer.train();
        assertEquals(StandardNormal.INSTANCE, flow.base());
        assertTrue(trainer.log().validations().get(0).iteration() > 0);
    }

    @Test
    void theModelFileKeepsTheMixtureAndResumesExactly() {
        TrainingData data = blobs(600, 7);
        ContinuousNormalizingFlow flow =
                ContinuousNormalizingFlow.builder(2).hiddenDims(16, 16).seed(4).build();
        Trainer first = new Trainer(flow, data, config(200));
        first.train();
        Path file = dir.resolve("m.zip");
        ModelMetadata meta =
                new ModelMetadata(data.standardizer(), false, data.describe(), java.util.List.of("a", "b"), null);
        first.save(file, meta, first.summarySoFar());
        LoadedModel m = ModelFile.load(file);
        GaussianMixtureBase saved = (GaussianMixtureBase) flow.base();
        GaussianMixtureBase loaded = (GaussianMixtureBase) m.flow().base();
        assertArrayEquals(saved.logWeights(), loaded.logWeights(), 0.0);
        for (int c = 0; c < saved.components(); c++) {
            assertArrayEquals(saved.means()[c], loaded.means()[c], 0.0);
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(saved.lowerFactors()[c][i], loaded.lowerFactors()[c][i], 0.0);
            }
        }
        INDArray x = data.test();
        assertArrayEquals(
                NativeArrays.toArray(flow.logProb(x).logProb()),
                NativeArrays.toArray(m.flow().logProb(x).logProb()),
                0.0);
        assertEquals(saved.describe(), ModelFile.describe(file).base());
        // resumed to 300 from the file: the same parameters as one run of 300
        Trainer resumed = Trainer.resume(m.flow(), data, config(300), m.checkpoint());
        assertNull(resumed.prepareBase(), "a resumed run keeps the file's base");
        resumed.train();
        ContinuousNormalizingFlow whole =
                ContinuousNormalizingFlow.builder(2).hiddenDims(16, 16).seed(4).build();
        new Trainer(whole, data, config(300)).train();
        assertArrayEquals(
                NativeArrays.toArray(whole.parameters()),
                NativeArrays.toArray(m.flow().parameters()),
                0.0);
    }
}
