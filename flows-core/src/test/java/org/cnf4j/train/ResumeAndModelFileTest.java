package org.cnf4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cnf4j.data.ToyDataset;
import org.cnf4j.data.ToyTrainingData;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.SolverConfig;
import org.cnf4j.io.LoadedModel;
import org.cnf4j.io.ModelFile;
import org.cnf4j.io.ModelFileException;
import org.cnf4j.io.ModelMetadata;
import org.cnf4j.linalg.NativeArrays;
import org.cnf4j.nn.SameDiffDynamics;
import org.cnf4j.trace.TraceEstimator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ResumeAndModelFileTest {

    @TempDir
    Path dir;

    static ContinuousNormalizingFlow smallFlow() {
        return ContinuousNormalizingFlow.builder(2).hiddenDims(16, 16).seed(1).build();
    }

    static ToyTrainingData data() {
        return new ToyTrainingData(ToyDataset.MOONS, 1, 200, 200);
    }

    static TrainingConfig config(int iterations) {
        return TrainingConfig.defaults()
                .withIterations(iterations)
                .withValidationInterval(5)
                .withSeed(1)
                .withTestEvaluation(false);
    }

    @Test
    void resumingContinuesBitForBit() {
        ContinuousNormalizingFlow straight = smallFlow();
        Trainer a = new Trainer(straight, data(), config(20));
        TrainingResult whole = a.train();
        double[] straightLast = NativeArrays.toArray(a.checkpoint().parameters());

        ContinuousNormalizingFlow first = smallFlow();
        Path file = dir.resolve("half.zip");
        new Trainer(first, data(), config(10)).trainAndSave(file, ModelMetadata.none(2));
        LoadedModel loaded = ModelFile.load(file);
        assertNotNull(loaded.checkpoint());
        assertEquals(10, loaded.checkpoint().iteration());
        Trainer b = Trainer.resume(loaded.flow(), data(), config(20), loaded.checkpoint());
        TrainingResult resumed = b.train();
        assertArrayEquals(straightLast, NativeArrays.toArray(b.checkpoint().parameters()), 0.0);
        assertArrayEquals(
                NativeArrays.toArray(straight.parameters()),
                NativeArrays.toArray(loaded.flow().parameters()),
                0.0,
                "best parameters after the run");
        assertEquals(whole.iterations().size(), resumed.iterations().size());
        for (int i = 0; i < whole.iterations().size(); i++) {
            assertEquals(
                    whole.iterations().get(i).loss(),
                    resumed.iterations().get(i).loss(),
                    0.0);
        }
        assertEquals(whole.validations(), resumed.validations());
    }

    @Test
    void aSavedModelGivesIdenticalLogDensities() {
        ContinuousNormalizingFlow flow = ContinuousNormalizingFlow.builder(2)
                .hiddenDims(8, 8)
                .blocks(2)
                .endTime(0.7)
                .solver(SolverConfig.dopri5(1e-6, 1e-7))
                .traceEstimator(TraceEstimator.rademacher())
                .seed(4)
                .build();
        Path file = dir.resolve("m.zip");
        ModelFile.save(file, flow, ModelMetadata.none(2));
        LoadedModel m = ModelFile.load(file);
        INDArray x = ToyDataset.RINGS.sample(50, new java.util.SplittableRandom(2));
        assertEquals(flow.logProb(x).logProb(), m.flow().logProb(x).logProb());
        assertEquals(flow.endTime(1), m.flow().endTime(1), 0.0);
        assertEquals(flow.parameters(), m.flow().parameters());
        assertEquals("rademacher", m.flow().traceEstimator().name());
        assertEquals(1e-7, m.flow().solver().atol(), 0.0);
        assertEquals(null, m.checkpoint());
    }

    @Test
    void everySettingThatChangesResultsSurvivesARoundTrip() {
        for (org.cnf4j.trace.TraceEstimator est : new org.cnf4j.trace.TraceEstimator[] {
            TraceEstimator.exact(),
            TraceEstimator.hutchinson(),
            new org.cnf4j.trace.HutchinsonEstimator(org.cnf4j.trace.HutchinsonEstimator.Noise.GAUSSIAN, 4),
            new org.cnf4j.trace.HutchinsonEstimator(org.cnf4j.trace.HutchinsonEstimator.Noise.RADEMACHER, 3)
        }) {
            ContinuousNormalizingFlow flow = ContinuousNormalizingFlow.builder(2)
                    .hiddenDims(8)
                    .blocks(2)
                    .endTime(0.4)
                    .trainEndTime(false)
                    .solver(new SolverConfig(org.cnf4j.ode.RungeKuttaMethod.TSIT5, 3e-6, 2e-7, 0, 777, 5000))
                    .traceEstimator(est)
                    .seed(9)
                    .build();
            Path file = dir.resolve("rt-" + est + ".zip");
            ModelFile.save(file, flow, ModelMetadata.none(2));
            LoadedModel m = ModelFile.load(file);
            assertEquals(est.toString(), m.flow().traceEstimator().toString(), "estimator and probe count");
            assertEquals(flow.solver(), m.flow().solver(), "solver, tolerances, step and evaluation caps");
            assertFalse(m.flow().trainsEndTime());
            assertEquals(9, m.flow().seed());
            INDArray x = ToyDataset.MOONS.sample(40, new java.util.SplittableRandom(3));
            assertEquals(flow.logProb(x).logProb(), m.flow().logProb(x).logProb(), est.toString());
        }
    }

    @Test
    void brokenFilesAreNamedPrecisely() throws IOException {
        ContinuousNormalizingFlow flow = smallFlow();
        Path good = dir.resolve("good.zip");
        ModelFile.save(good, flow, ModelMetadata.none(2));
        byte[] bytes = Files.readAllBytes(good);

        Path truncated = dir.resolve("truncated.zip");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 3));
        ModelFileException t = assertThrows(ModelFileException.class, () -> ModelFile.load(truncated));
        assertTrue(t.getMessage().startsWith(truncated.toString()), t.getMessage());

        Path text = dir.resolve("text.zip");
        Files.writeString(text, "hello");
        assertTrue(assertThrows(ModelFileException.class, () -> ModelFile.load(text))
                .getMessage()
                .contains("not a model file"));

        assertTrue(assertThrows(ModelFileException.class, () -> ModelFile.load(dir.resolve("missing.zip")))
                .getMessage()
                .contains("no such file"));

        Path version = rewriteJson(good, "\"formatVersion\" : 1", "\"formatVersion\" : 7");
        assertTrue(assertThrows(ModelFileException.class, () -> ModelFile.load(version))
                .getMessage()
                .contains("format version 7 is not supported"));

        Path shape = rewriteJson(good, "\"dims\" : [ 2, 16, 16, 2 ]", "\"dims\" : [ 2, 16, 12, 2 ]");
        String msg = assertThrows(ModelFileException.class, () -> ModelFile.load(shape))
                .getMessage();
        assertTrue(msg.contains("blocks.0.layers.1.weight") && msg.contains("[16, 12]"), msg);
    }

    /** A copy of a model file with one text replaced in model.json. */
    private Path rewriteJson(Path source, String from, String to) throws IOException {
        Path out = dir.resolve("edited-" + Math.abs(to.hashCode()) + ".zip");
        try (var in = new java.util.zip.ZipInputStream(Files.newInputStream(source));
                var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(out))) {
            java.util.zip.ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                byte[] data = in.readAllBytes();
                if (e.getName().equals(ModelFile.MODEL_JSON)) {
                    String json = new String(data, java.nio.charset.StandardCharsets.UTF_8);
                    assertTrue(json.contains(from), json);
                    data = json.replace(from, to).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                }
                zip.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
                zip.write(data);
                zip.closeEntry();
            }
        }
        return out;
    }

    @Test
    void aFailedSaveLeavesNoFile() throws IOException {
        SameDiffDynamics sd = new SameDiffDynamics(
                2, (g, z, t) -> z.mmul(g.var("w", Nd4j.eye(2).castTo(DataType.DOUBLE))), "linear");
        ContinuousNormalizingFlow flow = new ContinuousNormalizingFlow(
                List.of(sd), new double[] {0.5}, false, SolverConfig.defaults(), TraceEstimator.exact(), 0);
        Path target = dir.resolve("never.zip");
        assertThrows(ModelFileException.class, () -> ModelFile.save(target, flow, ModelMetadata.none(2)));
        assertFalse(Files.exists(target));
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "no temporary file left behind");
        }
    }
}
