package org.cnf4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.SolverConfig;
import org.cnf4j.nn.Activation;
import org.cnf4j.nn.LayerType;
import org.cnf4j.nn.MlpDynamics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class FfjordImporterTest {

    @TempDir
    Path dir;

    /** Writes an npz file as numpy's savez does: a zip of name.npy entries (float32). */
    static Path npz(Path file, Map<String, INDArray> arrays) throws IOException {
        try (OutputStream out = Files.newOutputStream(file);
                ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                zip.write(Nd4j.toNpyByteArray(e.getValue().castTo(DataType.FLOAT)));
                zip.closeEntry();
            }
        }
        return file;
    }

    static INDArray m(double[][] v) {
        return Nd4j.createFromArray(v);
    }

    static INDArray v(double... v) {
        return Nd4j.createFromArray(v);
    }

    /** e^M by a long Taylor series (small matrices only). */
    static INDArray expm(INDArray a) {
        INDArray r = Nd4j.eye(a.rows()).castTo(DataType.DOUBLE);
        INDArray term = r.dup();
        for (int k = 1; k < 40; k++) {
            term = term.mmul(a).div(k);
            r.addi(term);
        }
        return r;
    }

    @Test
    void aLinearConcatSquashModelGivesTheClosedFormLogDensity() throws IOException {
        // f(z) = sigmoid(0.7) * W z for a gate with weight 0 and bias 0.7, no bias, no time term
        double[][] w = {{0.3, -0.8}, {0.5, -0.2}};
        Map<String, INDArray> dict = new LinkedHashMap<>();
        String p = "chain.0.odefunc.odefunc.diffeq.layers.0.";
        dict.put("chain.0.sqrt_end_time", Nd4j.scalar(0.8));
        dict.put(p + "_layer.weight", m(w));
        dict.put(p + "_layer.bias", v(0, 0));
        dict.put(p + "_hyper_bias.weight", m(new double[][] {{0}, {0}}));
        dict.put(p + "_hyper_gate.weight", m(new double[][] {{0}, {0}}));
        dict.put(p + "_hyper_gate.bias", v(0.7, 0.7));
        dict.put("chain.0.odefunc.odefunc._num_evals", Nd4j.scalar(12.0));
        ContinuousNormalizingFlow flow = FfjordImporter.read(
                npz(dir.resolve("toy.npz"), dict), Activation.TANH, SolverConfig.dopri5(1e-10, 1e-10), 0.5);
        double t = 0.8 * 0.8;
        assertEquals(t, flow.endTime(0), 1e-6);
        MlpDynamics net = (MlpDynamics) flow.block(0);
        assertEquals(LayerType.CONCAT_SQUASH, net.layerType());
        double s = 1 / (1 + Math.exp(-0.7));
        INDArray a = m(w).mul(s);
        INDArray x = m(new double[][] {{0.5, -1.0}, {2.0, 0.3}, {-1.5, 1.1}});
        INDArray z = x.mmul(expm(a.mul(flow.endTime(0))).transpose());
        INDArray want = ContinuousNormalizingFlow.standardNormalLogDensity(z)
                .add(flow.endTime(0) * (a.getDouble(0, 0) + a.getDouble(1, 1)));
        INDArray got = flow.logProb(x).logProb();
        for (int i = 0; i < 3; i++) {
            assertEquals(want.getDouble(i), got.getDouble(i), 1e-6);
        }
    }

    @Test
    void concatAndIgnoreLayersAndTwoBlocksAreMapped() throws IOException {
        Map<String, INDArray> dict = new LinkedHashMap<>();
        // block 0: ConcatLinear 2 -> 3 -> 2 (t is input column 0); block 1: IgnoreLinear 2 -> 2
        dict.put("chain.0.sqrt_end_time", Nd4j.scalar(1.0));
        dict.put("chain.0.odefunc.diffeq.layers.0._layer.weight", m(new double[][] {{9, 1, 2}, {8, 3, 4}, {7, 5, 6}}));
        dict.put("chain.0.odefunc.diffeq.layers.0._layer.bias", v(0.1, 0.2, 0.3));
        dict.put("chain.0.odefunc.diffeq.layers.1._layer.weight", m(new double[][] {{6, 1, 2, 3}, {5, 4, 5, 6}}));
        dict.put("chain.0.odefunc.diffeq.layers.1._layer.bias", v(0.4, 0.5));
        dict.put("chain.1.sqrt_end_time", Nd4j.scalar(0.5));
        dict.put("chain.1.odefunc.diffeq.layers.0._layer.weight", m(new double[][] {{1, 2}, {3, 4}}));
        dict.put("chain.1.odefunc.diffeq.layers.0._layer.bias", v(-1, 1));
        ContinuousNormalizingFlow flow = FfjordImporter.read(
                npz(dir.resolve("two.npz"), dict), Activation.SOFTPLUS, SolverConfig.defaults(), 0.5);
        MlpDynamics b0 = (MlpDynamics) flow.block(0);
        MlpDynamics b1 = (MlpDynamics) flow.block(1);
        assertEquals(LayerType.CONCAT, b0.layerType());
        assertEquals(LayerType.IGNORE, b1.layerType());
        assertEquals(0.25, flow.endTime(1), 1e-7);
        // f of block 0 at t for z: softplus([t, z] W0^T + b0) W1^T + b1
        INDArray z = m(new double[][] {{0.3, -0.6}});
        double tt = 0.4;
        double[] h = new double[3];
        double[][] w0 = {{9, 1, 2}, {8, 3, 4}, {7, 5, 6}};
        double[] bias0 = {0.1, 0.2, 0.3};
        for (int j = 0; j < 3; j++) {
            double pre = w0[j][0] * tt + w0[j][1] * 0.3 + w0[j][2] * -0.6 + bias0[j];
            h[j] = Math.log1p(Math.exp(pre));
        }
        double[][] w1 = {{6, 1, 2, 3}, {5, 4, 5, 6}};
        double[] bias1 = {0.4, 0.5};
        INDArray f = b0.f(tt, z);
        for (int i = 0; i < 2; i++) {
            double want = w1[i][0] * tt + w1[i][1] * h[0] + w1[i][2] * h[1] + w1[i][3] * h[2] + bias1[i];
            assertEquals(want, f.getDouble(0, i), 1e-5);
        }
        assertEquals(1 * 0.3 + 2 * -0.6 - 1, b1.f(0.1, z).getDouble(0, 0), 1e-6);
    }

    @Test
    void unsupportedStructuresAreRefusedByName() throws IOException {
        Map<String, INDArray> bn = new LinkedHashMap<>();
        bn.put("chain.0.odefunc.diffeq.layers.0._layer.weight", m(new double[][] {{1, 0}, {0, 1}}));
        bn.put("chain.0.odefunc.diffeq.layers.0._layer.bias", v(0, 0));
        bn.put("chain.1.running_mean", v(0, 0));
        ModelFileException e = assertThrows(
                ModelFileException.class,
                () -> FfjordImporter.read(
                        npz(dir.resolve("bn.npz"), bn), Activation.TANH, SolverConfig.defaults(), 0.5));
        assertTrue(
                e.getMessage().contains("batch-norm") && e.getMessage().contains("chain.1.running_mean"),
                e.getMessage());
        Map<String, INDArray> blend = new LinkedHashMap<>();
        blend.put("chain.0.odefunc.diffeq.layers.0._layer0.weight", m(new double[][] {{1, 0}, {0, 1}}));
        assertThrows(
                ModelFileException.class,
                () -> FfjordImporter.read(
                        npz(dir.resolve("blend.npz"), blend), Activation.TANH, SolverConfig.defaults(), 0.5));
        assertTrue(assertThrows(
                        ModelFileException.class,
                        () -> FfjordImporter.read(
                                dir.resolve("none.npz"), Activation.TANH, SolverConfig.defaults(), 0.5))
                .getMessage()
                .contains("no such file"));
    }
}
