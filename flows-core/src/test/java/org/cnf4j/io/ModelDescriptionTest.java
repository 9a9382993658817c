package org.cnf4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cnf4j.data.ContextColumn;
import org.cnf4j.data.Standardizer;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.nn.Activation;
import org.cnf4j.nn.LayerType;
import org.cnf4j.trace.TraceEstimator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ModelFile#describe} says what {@link ModelFile#load} finds, from model.json alone. */
class ModelDescriptionTest {

    @TempDir
    Path dir;

    private static void assertDescribes(ModelDescription d, LoadedModel m) {
        ContinuousNormalizingFlow f = m.flow();
        assertEquals(f.dim(), d.dim());
        assertEquals(f.contextDim(), d.contextDim());
        assertEquals(f.blockCount(), d.blocks().size());
        for (int k = 0; k < f.blockCount(); k++) {
            assertEquals(f.block(k).describe(), d.blocks().get(k).architecture());
            assertEquals(f.endTime(k), d.blocks().get(k).endTime(), 1e-12);
        }
        assertEquals(f.trainsEndTime(), d.trainsEndTime());
        assertEquals(f.parameterCount(), d.parameterCount());
        assertEquals(f.networkParameterCount(), d.networkParameters());
        assertEquals(f.solver().toString(), d.solver());
        assertEquals(f.traceEstimator().name(), d.traceEstimator());
        assertEquals(m.metadata().columns(), d.metadata().columns());
        assertEquals(m.metadata().context(), d.metadata().context());
        assertEquals(m.metadata().dataDescription(), d.metadata().dataDescription());
        assertEquals(m.metadata().image(), d.metadata().image());
        assertEquals(m.checkpoint() == null ? null : m.checkpoint().iteration(), d.checkpointIteration());
    }

    @Test
    void theUnconditionalFixtureOfVersion030() {
        Path fixture = Path.of("src", "test", "resources", "fixtures", "unconditional-0.3.0.zip");
        assertDescribes(ModelFile.describe(fixture), ModelFile.load(fixture));
    }

    @Test
    void aConditionalModelOfTwoConcatBlocksWithHutchinsonsTrace() {
        ContinuousNormalizingFlow flow = ContinuousNormalizingFlow.builder(3)
                .hiddenDims(5, 4)
                .blocks(2)
                .layerType(LayerType.CONCAT)
                .activation(Activation.SOFTPLUS)
                .contextDim(2)
                .learnsUnconditional(true)
                .traceEstimator(TraceEstimator.rademacher())
                .seed(3)
                .build();
        Path file = dir.resolve("c.zip");
        ModelFile.save(
                file,
                flow,
                new ModelMetadata(
                                new Standardizer(new double[5], new double[] {1, 2, 3, 4, 5}),
                                false,
                                "made here",
                                List.of("a", "b", "c"),
                                null,
                                List.of(new ContextColumn("k", List.of("u", "v"))))
                        .withImage(new ImageLayout(1, 3, -1, 2.5)));
        ModelDescription d = ModelFile.describe(file);
        LoadedModel loaded = ModelFile.load(file);
        assertDescribes(d, loaded);
        assertEquals(new ImageLayout(1, 3, -1, 2.5), d.metadata().image());
        assertEquals(new ImageLayout(1, 3, -1, 2.5), loaded.metadata().image());
        assertNull(d.checkpointIteration());
        assertTrue(
                d.blocks().get(0).architecture().endsWith("context 3"),
                d.blocks().get(0).architecture());
    }

    @Test
    void whatIsNotAModelFileIsRefusedAsLoadRefusesIt() throws Exception {
        Path text = Files.writeString(dir.resolve("x.zip"), "not a zip");
        assertEquals(
                assertThrows(ModelFileException.class, () -> ModelFile.load(text))
                        .getMessage(),
                assertThrows(ModelFileException.class, () -> ModelFile.describe(text))
                        .getMessage());
    }
}
