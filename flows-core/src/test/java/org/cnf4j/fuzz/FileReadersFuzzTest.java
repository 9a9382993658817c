package org.cnf4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.cnf4j.data.CsvRows;
import org.cnf4j.data.DataException;
import org.cnf4j.data.Dataset;
import org.cnf4j.data.NpyReader;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.SolverConfig;
import org.cnf4j.io.FfjordImporter;
import org.cnf4j.io.LoadedModel;
import org.cnf4j.io.ModelFile;
import org.cnf4j.io.ModelFileException;
import org.cnf4j.linalg.NativeArrays;
import org.cnf4j.nn.Activation;
import org.cnf4j.ode.OdeSolveException;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Jazzer fuzz tests of every reader of untrusted files: the CSV reader, the NPY reader, the model
 * file reader (whole files, and {@code model.json} alone inside a valid zip) and the FFJORD
 * importer. Each reader may fail only with its documented exception
 * ({@link DataException} for data files, {@link ModelFileException} for models and .npz state
 * dicts); anything else escaping (an OutOfMemoryError, an IndexOutOfBoundsException, a
 * NullPointerException...) is a finding. What a reader accepts must also be usable: finite values
 * of the declared shape, a model that evaluates a point (a bounded solve, which may stop with the
 * documented {@link OdeSolveException}).
 *
 * <p>In the test command each target runs its checked-in seed corpus ({@code
 * src/test/resources/org/cnf4j/fuzz/FileReadersFuzzTestInputs/<target>/}, findings stay there as
 * regressions), then fuzzes for a short fixed budget in its own Surefire execution (the flows-core
 * pom); the README gives the command for a longer run.
 */
class FileReadersFuzzTest {

    private static final int FUZZ_ROWS = 16;

    @FuzzTest(maxDuration = "15s")
    void csv(byte[] input) {
        try (CsvRows rows = CsvRows.of(new ByteArrayInputStream(input), "fuzz.csv")) {
            assertEquals(rows.header().size(), rows.dim());
            assertTrue(rows.header().stream().noneMatch(h -> h.startsWith("\uFEFF")), "a byte-order mark in a name");
            assertEquals(rows.header().size(), new java.util.HashSet<>(rows.header()).size(), "a column named twice");
            double[] chunk = new double[FUZZ_ROWS * rows.dim()];
            int got;
            while ((got = rows.read(chunk, FUZZ_ROWS)) > 0) {
                for (int i = 0; i < got * rows.dim(); i++) {
                    assertTrue(Double.isFinite(chunk[i]), "a non-finite value was accepted");
                }
            }
        } catch (DataException expected) {
            // a documented refusal
        }
    }

    @FuzzTest(maxDuration = "15s")
    void npy(byte[] input) throws IOException {
        Path file = Files.createTempFile("fuzz", ".npy");
        try {
            Files.write(file, input);
            Dataset d = NpyReader.read(file);
            assertEquals(2, d.values().rank());
            for (double v : NativeArrays.toArray(d.values())) {
                assertTrue(Double.isFinite(v), "a non-finite value was accepted");
            }
        } catch (DataException expected) {
            // a documented refusal
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @FuzzTest(maxDuration = "15s")
    void modelFile(byte[] input) {
        LoadedModel m;
        try {
            m = ModelFile.load(input, "fuzz.zip");
        } catch (ModelFileException expected) {
            return;
        }
        evaluatesAPoint(m.flow());
    }

    /**
     * The model file with its {@code model.json} replaced by the input, zipped here (stored, with
     * correct checksums), so the fuzzer reaches the field checks instead of stopping at the zip's
     * CRC; the tensors are those of the seed model {@code modelFile/mle-stored}.
     */
    @FuzzTest(maxDuration = "15s")
    void modelJson(byte[] json) throws IOException {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(zipped)) {
            zip.putNextEntry(new ZipEntry(ModelFile.MODEL_JSON));
            zip.write(json);
            zip.closeEntry();
            for (Map.Entry<String, byte[]> e : seedTensors().entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        modelFile(zipped.toByteArray());
    }

    private static Map<String, byte[]> seedTensors;

    private static synchronized Map<String, byte[]> seedTensors() throws IOException {
        if (seedTensors == null) {
            Map<String, byte[]> entries = new LinkedHashMap<>();
            try (ZipInputStream in = new ZipInputStream(
                    FileReadersFuzzTest.class.getResourceAsStream("FileReadersFuzzTestInputs/modelFile/mle-stored"))) {
                for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                    if (!e.getName().equals(ModelFile.MODEL_JSON)) {
                        entries.put(e.getName(), in.readAllBytes());
                    }
                }
            }
            seedTensors = entries;
        }
        return seedTensors;
    }

    @FuzzTest(maxDuration = "15s")
    void ffjordImport(byte[] input) throws IOException {
        Path file = Files.createTempFile("fuzz", ".npz");
        ContinuousNormalizingFlow flow;
        try {
            Files.write(file, input);
            flow = FfjordImporter.read(file, Activation.TANH, SolverConfig.defaults(), 0.5);
        } catch (ModelFileException expected) {
            return;
        } finally {
            Files.deleteIfExists(file);
        }
        evaluatesAPoint(flow);
    }

    /** An accepted model must evaluate: one point, at most 200 function evaluations. */
    private static void evaluatesAPoint(ContinuousNormalizingFlow flow) {
        flow.setSolver(flow.solver().withMaxEvaluations(200));
        try {
            flow.logProb(Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.DOUBLE, 1, flow.dim()));
        } catch (OdeSolveException expected) {
            // a bounded solve that did not finish: the documented outcome of a hostile end time or field
        }
    }
}
