package org.cnf4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.SolverConfig;
import org.cnf4j.nn.Activation;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

/** Model files and .npz state dicts read as untrusted input: each hostile case is one ModelFileException. */
class HostileModelFileTest {

    @TempDir
    Path dir;

    Map<String, byte[]> good;

    @BeforeEach
    void writeAGoodModel() throws IOException {
        ContinuousNormalizingFlow flow =
                ContinuousNormalizingFlow.builder(2).hiddenDims(4).seed(1).build();
        Path file = dir.resolve("good.zip");
        ModelFile.save(file, flow, ModelMetadata.none(2));
        try (InputStream in = Files.newInputStream(file)) {
            good = BoundedZip.read(in);
        }
    }

    Path zip(String name, Map<String, byte[]> entries) throws IOException {
        Path p = dir.resolve(name);
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(p))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return p;
    }

    Path withJson(String name, UnaryOperator<ObjectNode> edit) throws IOException {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = (ObjectNode) m.readTree(good.get(ModelFile.MODEL_JSON));
        Map<String, byte[]> e = new LinkedHashMap<>(good);
        e.put(ModelFile.MODEL_JSON, m.writeValueAsBytes(edit.apply(root)));
        return zip(name, e);
    }

    static String refused(Path p) {
        return assertThrows(ModelFileException.class, () -> ModelFile.load(p)).getMessage();
    }

    static byte[] npyHeader(String descr, String shape, int dataBytes) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + shape + "), }";
        StringBuilder h = new StringBuilder(dict);
        while ((10 + h.length() + 1) % 64 != 0) {
            h.append(' ');
        }
        h.append('\n');
        byte[] head = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[10 + head.length + dataBytes];
        out[0] = (byte) 0x93;
        System.arraycopy("NUMPY".getBytes(StandardCharsets.US_ASCII), 0, out, 1, 5);
        out[6] = 1;
        out[8] = (byte) (head.length & 0xff);
        out[9] = (byte) (head.length >> 8);
        System.arraycopy(head, 0, out, 10, head.length);
        return out;
    }

    String firstTensorEntry() {
        return good.keySet().stream()
                .filter(k -> k.endsWith(".npy") && !k.startsWith("checkpoint"))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void theGoodFileLoads() throws IOException {
        assertEquals(2, ModelFile.load(zip("copy.zip", good)).flow().dim());
    }

    @Test
    void modelsLoadFromBytesAndStreamsWithTheSameChecks() throws IOException {
        byte[] bytes = Files.readAllBytes(zip("copy.zip", good));
        LoadedModel fromBytes = ModelFile.load(bytes, "broadcast model");
        LoadedModel fromFile = ModelFile.load(dir.resolve("copy.zip"));
        assertEquals(fromFile.flow().parameters(), fromBytes.flow().parameters());
        try (InputStream in = Files.newInputStream(dir.resolve("copy.zip"))) {
            assertEquals(
                    fromFile.flow().parameters(),
                    ModelFile.load(in, "stream").flow().parameters());
        }
        String msg = assertThrows(
                        ModelFileException.class,
                        () -> ModelFile.load(java.util.Arrays.copyOf(bytes, 100), "broadcast model"))
                .getMessage();
        assertTrue(msg.startsWith("broadcast model: "), msg);
    }

    @Test
    void aSmallFileDeclaringAHugeArrayIsRefusedBeforeAllocation() throws IOException {
        Map<String, byte[]> e = new LinkedHashMap<>(good);
        e.put(firstTensorEntry(), npyHeader("<f8", "1000000, 1000000", 64));
        Path p = zip("huge.zip", e);
        assertTrue(Files.size(p) < 4096);
        String msg = refused(p);
        assertTrue(msg.contains("needs 8000000000000 bytes of data, the file has 64"), msg);
    }

    @Test
    void objectArraysArePicklesAndAreNeverRead() throws IOException {
        Map<String, byte[]> e = new LinkedHashMap<>(good);
        e.put(firstTensorEntry(), npyHeader("|O", "4, 2", 64));
        assertTrue(refused(zip("pickle.zip", e)).contains("object arrays are pickles"));
        Map<String, byte[]> npz = new LinkedHashMap<>();
        npz.put("chain.0.odefunc.diffeq.layers.0._layer.weight.npy", npyHeader("|O", "1", 8));
        Path p = zip("pickle.npz", npz);
        String msg = assertThrows(
                        ModelFileException.class,
                        () -> FfjordImporter.read(p, Activation.TANH, SolverConfig.defaults(), 0.5))
                .getMessage();
        assertTrue(msg.contains("object arrays are pickles"), msg);
    }

    @Test
    void aZipBombStopsAtTheEntryLimit() throws IOException {
        Path p = dir.resolve("bomb.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(p))) {
            z.putNextEntry(new ZipEntry(ModelFile.MODEL_JSON));
            byte[] zeros = new byte[1 << 20];
            for (long written = 0; written <= BoundedZip.MAX_ENTRY_BYTES; written += zeros.length) {
                z.write(zeros);
            }
            z.closeEntry();
        }
        assertTrue(Files.size(p) < 2_000_000, "the bomb is small on disk: " + Files.size(p));
        assertTrue(refused(p).contains("inflates to more than " + BoundedZip.MAX_ENTRY_BYTES + " bytes"));
    }

    @Test
    void tooManyDuplicateOrTraversingEntriesAreRefused() throws IOException {
        Map<String, byte[]> many = new LinkedHashMap<>(good);
        for (int i = 0; i <= BoundedZip.MAX_ENTRIES; i++) {
            many.put("extra/" + i, new byte[0]);
        }
        assertTrue(refused(zip("many.zip", many)).contains("more than " + BoundedZip.MAX_ENTRIES + " entries"));
        for (String name : new String[] {"../evil.npy", "/etc/passwd", "a\\b.npy", "C:/x.npy"}) {
            Map<String, byte[]> e = new LinkedHashMap<>(good);
            e.put(name, new byte[1]);
            String msg = refused(zip("trav.zip", e));
            assertTrue(msg.contains("is not a plain relative path"), name + ": " + msg);
        }
        // a duplicate name: written by hand, since ZipOutputStream refuses to write one
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(raw)) {
            z.putNextEntry(new ZipEntry(ModelFile.MODEL_JSON));
            z.write(good.get(ModelFile.MODEL_JSON));
            z.closeEntry();
            z.putNextEntry(new ZipEntry("model.jsoN"));
            z.write(good.get(ModelFile.MODEL_JSON));
            z.closeEntry();
        }
        byte[] bytes = raw.toByteArray();
        // rename the second entry (local header and central directory) to the first's name
        String s = new String(bytes, StandardCharsets.ISO_8859_1).replace("model.jsoN", ModelFile.MODEL_JSON);
        Path dup = dir.resolve("dup.zip");
        Files.write(dup, s.getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(refused(dup).contains("appears twice"), refused(dup));
    }

    @Test
    void wrongTypesVersionsCountsAndValuesInModelJsonAreNamed() throws IOException {
        assertTrue(refused(withJson("t1.zip", r -> r.put("dim", "two"))).contains("'dim' must be an integer"));
        assertTrue(refused(withJson("t2.zip", r -> r.put("formatVersion", 2))).contains("format version 2"));
        assertTrue(refused(withJson("t3.zip", r -> r.put("traceEstimator", 7)))
                .contains("'traceEstimator' must be a string"));
        String wide = refused(withJson("t4.zip", r -> {
            ((ObjectNode) r.get("blocks").get(0))
                    .putArray("dims")
                    .add(2)
                    .add(1_000_000_000)
                    .add(2);
            return r;
        }));
        assertTrue(wide.contains("units (at most"), wide);
        String many = refused(withJson("t5.zip", r -> {
            ((ObjectNode) r.get("blocks").get(0))
                    .putArray("dims")
                    .add(2)
                    .add(60_000)
                    .add(60_000)
                    .add(2);
            return r;
        }));
        assertTrue(many.contains("more than a model file may hold"), many);
        String count = refused(withJson("t6.zip", r -> {
            ((ObjectNode) r.get("blocks").get(0)).putArray("dims").add(2).add(5).add(2);
            return r;
        }));
        assertTrue(count.contains("declared with shape"), count);
    }

    @Test
    void nanParametersAreRefused() throws IOException {
        Map<String, byte[]> e = new LinkedHashMap<>(good);
        String entry = firstTensorEntry();
        e.put(
                entry,
                Nd4j.toNpyByteArray(
                        Nd4j.createNpyFromByteArray(good.get(entry)).dup().putScalar(0, Double.NaN)));
        assertTrue(refused(zip("nan.zip", e)).contains("holds NaN or infinite values"));
    }

    @Test
    void aBaseMixtureThatIsNotADistributionIsRefused() throws IOException {
        ContinuousNormalizingFlow flow =
                ContinuousNormalizingFlow.builder(2).hiddenDims(4).seed(1).build();
        flow.setBase(org.cnf4j.flow.TestMixtures.twoComponents());
        Path file = dir.resolve("mixture.zip");
        ModelFile.save(file, flow, ModelMetadata.none(2));
        Map<String, byte[]> mixture;
        try (InputStream in = Files.newInputStream(file)) {
            mixture = BoundedZip.read(in);
        }
        assertTrue(ModelFile.load(file).flow().base() instanceof org.cnf4j.flow.GaussianMixtureBase);
        // a factor with a negative diagonal entry
        Map<String, byte[]> e = new LinkedHashMap<>(mixture);
        e.put("base/lowerFactors.npy", Nd4j.toNpyByteArray(Nd4j.createFromArray(new double[][][] {
            {{0.9, 0}, {0.3, -0.7}}, {{1.2, 0}, {-0.4, 0.8}}
        })));
        String negative = refused(zip("negative.zip", e));
        assertTrue(negative.contains("base: component 0's factor has a diagonal entry -0.7"), negative);
        // means of the wrong shape
        e = new LinkedHashMap<>(mixture);
        e.put("base/means.npy", Nd4j.toNpyByteArray(Nd4j.createFromArray(new double[] {1, 2, 3})));
        String shape = refused(zip("shape.zip", e));
        assertTrue(shape.contains("base: shapes [2], [3] and [2, 2, 2]"), shape);
        // weights that do not sum to 1, and a missing entry
        e = new LinkedHashMap<>(mixture);
        e.put("base/logWeights.npy", Nd4j.toNpyByteArray(Nd4j.createFromArray(new double[] {-1, -1})));
        assertTrue(refused(zip("weights.zip", e)).contains("the weights must sum to 1"));
        e = new LinkedHashMap<>(mixture);
        e.remove("base/means.npy");
        assertTrue(refused(zip("missing.zip", e)).contains("entry base/means.npy (base means) is missing"));
    }
}
