package org.cnf4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.zip.ZipInputStream;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.SolverConfig;
import org.cnf4j.nn.Activation;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A state dict written by NumPy itself: the importer reproduces f as NumPy computes it. */
class FfjordFixtureTest {

    static Path resource(String name) throws URISyntaxException {
        return Path.of(FfjordFixtureTest.class.getResource("/ffjord/" + name).toURI());
    }

    static INDArray entry(Path npz, String name) throws Exception {
        try (ZipInputStream zip = new ZipInputStream(java.nio.file.Files.newInputStream(npz))) {
            java.util.zip.ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                if (e.getName().equals(name + ".npy")) {
                    return Nd4j.createNpyFromByteArray(zip.readAllBytes()).castTo(DataType.DOUBLE);
                }
            }
        }
        throw new IllegalStateException("no entry " + name);
    }

    @Test
    void aNumpyStateDictReproducesFfjordsDynamics() throws Exception {
        ContinuousNormalizingFlow flow =
                FfjordImporter.read(resource("state_dict.npz"), Activation.TANH, SolverConfig.defaults(), 0.5);
        assertEquals(0.5, flow.endTime(0), 1e-6);
        Path expected = resource("expected.npz");
        INDArray z = entry(expected, "z").reshape(5, 2);
        double t = entry(expected, "t").getDouble(0);
        INDArray want = entry(expected, "f").reshape(5, 2);
        INDArray got = flow.block(0).f(t, z);
        // the weights were float32 in PyTorch: agreement to single precision
        assertEquals(0.0, got.sub(want).amaxNumber().doubleValue(), 1e-5);
    }
}
