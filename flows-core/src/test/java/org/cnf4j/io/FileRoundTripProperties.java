package org.cnf4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.cnf4j.data.DataException;
import org.cnf4j.data.Dataset;
import org.cnf4j.data.NpyReader;
import org.cnf4j.data.Standardizer;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.linalg.NativeArrays;
import org.cnf4j.nn.Activation;
import org.cnf4j.nn.LayerType;

/**
 * Properties of the binary readers: a model file cnf writes loads back bit for bit, a damaged
 * one loads or is one {@link ModelFileException}; an .npy array reads back bit for bit.
 */
class FileRoundTripProperties {

    @Property(tries = 40)
    void modelFilesReadBackBitForBit(
            @ForAll @IntRange(min = 1, max = 4) int dim,
            @ForAll @IntRange(min = 1, max = 6) int width,
            @ForAll @IntRange(min = 1, max = 2) int blocks,
            @ForAll long seed,
            @ForAll boolean concat,
            @ForAll @DoubleRange(min = 0.1, max = 100) double scale)
            throws IOException {
        ContinuousNormalizingFlow flow = ContinuousNormalizingFlow.builder(dim)
                .hiddenDims(width, width)
                .blocks(blocks)
                .layerType(concat ? LayerType.CONCAT : LayerType.CONCAT_SQUASH)
                .activation(concat ? Activation.SOFTPLUS : Activation.TANH)
                .seed(seed)
                .build();
        double[] mean = new double[dim];
        double[] std = new double[dim];
        for (int j = 0; j < dim; j++) {
            mean[j] = seed % 7 + j / scale;
            std[j] = scale + j;
        }
        List<String> columns = java.util.stream.IntStream.range(0, dim)
                .mapToObj(j -> "c, \"" + j + "\"")
                .toList();
        ModelMetadata meta =
                new ModelMetadata(new Standardizer(mean, std), false, "property", columns, null, List.of());
        Path file = Files.createTempFile("round-trip", ".zip");
        try {
            ModelFile.save(file, flow, meta);
            LoadedModel back = ModelFile.load(file);
            assertArrayEquals(
                    NativeArrays.toArray(flow.parameters()),
                    NativeArrays.toArray(back.flow().parameters()),
                    0.0);
            assertEquals(columns, back.metadata().columns());
            assertArrayEquals(mean, back.metadata().standardizer().mean(), 0.0);
            assertArrayEquals(std, back.metadata().standardizer().std(), 0.0);
            assertEquals(flow.solver(), back.flow().solver());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static byte[] savedModel;

    private static synchronized byte[] savedModel() throws IOException {
        if (savedModel == null) {
            ContinuousNormalizingFlow flow =
                    ContinuousNormalizingFlow.builder(2).hiddenDims(4).seed(1).build();
            Path file = Files.createTempFile("damaged", ".zip");
            ModelFile.save(
                    file,
                    flow,
                    new ModelMetadata(
                            new Standardizer(new double[2], new double[] {1, 1}),
                            false,
                            "p",
                            List.of("x", "y"),
                            null,
                            List.of()));
            savedModel = Files.readAllBytes(file);
            Files.delete(file);
        }
        return savedModel;
    }

    @Property(tries = 300)
    void aDamagedModelFileLoadsOrIsOneModelFileException(
            @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0, max = Integer.MAX_VALUE) Integer> positions,
            @ForAll @Size(min = 1, max = 8) List<Byte> values,
            @ForAll @IntRange(min = 0, max = 100) int keepPercent)
            throws IOException {
        byte[] bytes = savedModel().clone();
        for (int i = 0; i < positions.size(); i++) {
            bytes[positions.get(i) % bytes.length] = values.get(i % values.size());
        }
        byte[] cut = java.util.Arrays.copyOf(bytes, Math.max(1, bytes.length * keepPercent / 100));
        for (byte[] input : new byte[][] {bytes, cut}) {
            try {
                LoadedModel m = ModelFile.load(input, "damaged.zip");
                assertEquals(2, m.flow().dim());
            } catch (ModelFileException expected) {
                assertTrue(expected.getMessage().startsWith("damaged.zip"), expected.getMessage());
            }
        }
    }

    /** The bytes of an .npy file of a C-ordered little-endian float64 array [rows, cols]. */
    private static byte[] npy(double[] values, int rows, int cols) throws IOException {
        String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        out.write(ByteBuffer.allocate(2)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) header.length())
                .array());
        out.write(header.getBytes(StandardCharsets.US_ASCII));
        ByteBuffer data = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            data.putDouble(v);
        }
        out.write(data.array());
        return out.toByteArray();
    }

    @Property(tries = 200)
    void npyArraysReadBackBitForBit(
            @ForAll @Size(min = 1, max = 60) List<Long> bits, @ForAll @IntRange(min = 1, max = 5) int cols)
            throws IOException {
        int rows = Math.max(1, bits.size() / cols);
        double[] values = new double[rows * cols];
        for (int i = 0; i < values.length; i++) {
            double v = Double.longBitsToDouble(bits.get(i % bits.size()));
            values[i] = Double.isFinite(v) ? v : i;
        }
        Path file = Files.createTempFile("round-trip", ".npy");
        try {
            Files.write(file, npy(values, rows, cols));
            Dataset d = NpyReader.read(file);
            double[] back = NativeArrays.toArray(d.values());
            for (int i = 0; i < values.length; i++) {
                assertEquals(Double.doubleToRawLongBits(values[i]), Double.doubleToRawLongBits(back[i]));
            }
        } catch (DataException e) {
            throw new AssertionError("a valid .npy file was refused: " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
