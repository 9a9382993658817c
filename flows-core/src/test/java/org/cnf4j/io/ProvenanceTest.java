package org.cnf4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.cnf4j.data.Dataset;
import org.cnf4j.data.TableTrainingData;
import org.cnf4j.data.ToyDataset;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.StandardNormal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model file's provenance: written apart from the model, read back, left out of the model's digest. */
class ProvenanceTest {

    @TempDir
    Path dir;

    static TableTrainingData data() {
        Dataset table = new Dataset(
                ToyDataset.MOONS.sample(200, new SplittableRandom(1)), java.util.List.of("a", "b"), "moons");
        return new TableTrainingData(table, 0.1, 0.1, 4, false, true);
    }

    @Test
    void theProvenanceRoundTripsAndStaysOutOfTheModelsDigest() throws IOException {
        TableTrainingData data = data();
        ContinuousNormalizingFlow flow =
                ContinuousNormalizingFlow.builder(2).hiddenDims(4).seed(1).build();
        ModelMetadata meta =
                new ModelMetadata(data.standardizer(), false, data.describe(), java.util.List.of("a", "b"), null);
        Provenance p = Provenance.of("cnf train --data moons.csv --out m.zip", data, 4);
        assertTrue(p.software().startsWith("cnf4j "), p.software());
        assertEquals(
                System.getProperty("java.version"),
                p.java().substring(0, p.java().indexOf(' ')));
        assertEquals(data.contentDigest(), p.dataDigest());
        assertEquals(160, p.trainingRows());
        assertEquals(20, p.validationRows());
        assertEquals(20, p.testRows());
        Path a = dir.resolve("a.zip");
        ModelFile.save(a, flow, meta.withProvenance(p));
        assertEquals(p, ModelFile.load(a).metadata().provenance());
        assertEquals(p, ModelFile.describe(a).metadata().provenance());
        assertTrue(
                p.describe().get(3).startsWith("data: 160 training, 20 validation, 20 test rows, content sha256:"),
                p.describe().toString());
        // the same model written later by another command: other bytes, the same model digest
        Provenance later = new Provenance(
                p.software(),
                p.java(),
                p.os(),
                "2031-01-01T00:00:00Z",
                "Flow.train(...)",
                p.dataDigest(),
                p.trainingRows(),
                p.validationRows(),
                p.testRows(),
                p.seed());
        Path b = dir.resolve("b.zip");
        ModelFile.save(b, flow, meta.withProvenance(later));
        assertNotEquals(-1L, Files.mismatch(a, b));
        assertEquals(ModelFile.modelDigest(a), ModelFile.modelDigest(b));
        // and a different model: a different digest
        flow.parameters().putScalar(0, flow.parameters().getDouble(0) + 1e-12);
        Path c = dir.resolve("c.zip");
        ModelFile.save(c, flow, meta.withProvenance(p));
        assertNotEquals(ModelFile.modelDigest(a), ModelFile.modelDigest(c));
    }

    @Test
    void aFileWrittenBeforeProvenanceLoadsWithoutOne() {
        Path fixture = Path.of("src", "test", "resources", "fixtures", "unconditional-0.3.0.zip");
        LoadedModel m = ModelFile.load(fixture);
        assertNull(m.metadata().provenance());
        assertEquals(StandardNormal.INSTANCE, m.flow().base());
        assertNull(ModelFile.describe(fixture).metadata().provenance());
        assertTrue(ModelFile.modelDigest(fixture).startsWith("sha256:"));
    }

    @Test
    void aMalformedProvenanceIsNamed() throws IOException {
        ContinuousNormalizingFlow flow =
                ContinuousNormalizingFlow.builder(2).hiddenDims(4).seed(1).build();
        Path good = dir.resolve("good.zip");
        ModelFile.save(good, flow, ModelMetadata.none(2));
        Map<String, byte[]> entries;
        try (InputStream in = Files.newInputStream(good)) {
            entries = BoundedZip.read(in);
        }
        for (String bad : new String[] {"null", "[1, 2]", "{\"software\": \"cnf4j 0.3.0\"}", "{\"seed\": \"x\"}"}) {
            Map<String, byte[]> e = new LinkedHashMap<>(entries);
            e.put(ModelFile.PROVENANCE_JSON, bad.getBytes(StandardCharsets.UTF_8));
            Path p = dir.resolve("bad.zip");
            try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(p))) {
                for (Map.Entry<String, byte[]> x : e.entrySet()) {
                    z.putNextEntry(new ZipEntry(x.getKey()));
                    z.write(x.getValue());
                    z.closeEntry();
                }
            }
            String message = assertThrows(ModelFileException.class, () -> ModelFile.load(p))
                    .getMessage();
            assertTrue(message.contains("provenance.json"), message);
        }
    }
}
