package org.cnf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** import-ffjord on an npz written here: log p of a linear model against the closed form. */
class ImportFfjordCliTest {

    @TempDir
    Path dir;

    static void put(ZipOutputStream zip, String name, INDArray a) throws IOException {
        zip.putNextEntry(new ZipEntry(name + ".npy"));
        zip.write(Nd4j.toNpyByteArray(a.castTo(DataType.FLOAT)));
        zip.closeEntry();
    }

    @Test
    void anImportedLinearModelGivesTheClosedFormLogDensity() throws IOException {
        // f(z) = A z with A diagonal: gate weight 0 and bias 2 (gate sigmoid(2)), no bias, no time term
        double gate = 1 / (1 + Math.exp(-2));
        double a0 = 0.4 * gate;
        double a1 = -0.9 * gate;
        double t = 0.6 * 0.6;
        Path npz = dir.resolve("weights.npz");
        String p = "chain.0.odefunc.diffeq.layers.0.";
        try (OutputStream out = Files.newOutputStream(npz);
                ZipOutputStream zip = new ZipOutputStream(out)) {
            put(zip, "chain.0.sqrt_end_time", Nd4j.scalar(0.6));
            put(zip, p + "_layer.weight", Nd4j.createFromArray(new double[][] {{0.4, 0}, {0, -0.9}}));
            put(zip, p + "_layer.bias", Nd4j.createFromArray(0.0, 0.0));
            put(zip, p + "_hyper_bias.weight", Nd4j.createFromArray(new double[][] {{0}, {0}}));
            put(zip, p + "_hyper_gate.weight", Nd4j.createFromArray(new double[][] {{0}, {0}}));
            put(zip, p + "_hyper_gate.bias", Nd4j.createFromArray(2.0, 2.0));
        }
        Path model = dir.resolve("imported.zip");
        CliRun r = CliRun.of(
                "import-ffjord",
                "--state-dict",
                npz.toString(),
                "--activation",
                "tanh",
                "--out",
                model.toString(),
                "--rtol",
                "1e-10",
                "--atol",
                "1e-10");
        assertEquals(0, r.code(), r.toString());
        Path in = dir.resolve("x.csv");
        Files.writeString(in, "x0,x1\n0.5,-1.0\n2.0,0.3\n");
        Path out = dir.resolve("logp.csv");
        assertEquals(
                0,
                CliRun.of("density", "--model", model.toString(), "--input", in.toString(), "--output", out.toString())
                        .code());
        List<String> lines = Files.readAllLines(out);
        double[][] x = {{0.5, -1.0}, {2.0, 0.3}};
        for (int i = 0; i < 2; i++) {
            double z0 = x[i][0] * Math.exp(a0 * t);
            double z1 = x[i][1] * Math.exp(a1 * t);
            double want = -0.5 * (z0 * z0 + z1 * z1) - Math.log(2 * Math.PI) + t * (a0 + a1);
            assertEquals(want, Double.parseDouble(lines.get(i + 1)), 1e-6);
        }
        CliRun info = CliRun.of("info", "--model", model.toString());
        assertTrue(info.out().contains("imported from FFJORD"), info.out());
    }
}
