package org.cnf4j.cli;

import static org.cnf4j.cli.CliErrorsTest.fails;
import static org.cnf4j.cli.CliErrorsTest.words;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inputs that gave silent wrong answers or lost data (a review's hostile-input findings): each is
 * now refused with one message naming the problem, or handled as documented, and leaves nothing
 * behind. Shares {@link CliErrorsTest}'s folder and small circles model (columns x, y).
 */
class HostileInputTest {

    @TempDir
    static Path dir;

    static Path model;

    @BeforeAll
    static void setUp() {
        // CliErrorsTest's helpers (the small model, fails' check for temporary files) on this folder
        CliErrorsTest.dir = dir;
        CliErrorsTest.smallModel();
        model = CliErrorsTest.model;
    }

    private static Path write(String name, String content) throws IOException {
        return CliErrorsTest.write(name, content);
    }

    private static List<String> density(Path input, String... extra) throws IOException {
        Path out = dir.resolve("density-" + input.getFileName());
        List<String> args = new java.util.ArrayList<>(List.of(
                "density", "--model", model.toString(), "--input", input.toString(), "--output", out.toString()));
        args.addAll(List.of(extra));
        CliRun r = CliRun.of(args.toArray(new String[0]));
        assertEquals(0, r.code(), r.toString());
        return Files.readAllLines(out);
    }

    @Test
    void specialOutputFilesAreRefusedAndSymbolicLinksWrittenThrough() throws Exception {
        Path devFull = Path.of("/dev/full");
        if (Files.exists(devFull)) {
            fails(
                    1,
                    null,
                    words("--output", "/dev/full", "not a regular file"),
                    "sample",
                    "--model",
                    model.toString(),
                    "-n",
                    "10",
                    "--output",
                    devFull.toString());
            assertFalse(Files.isRegularFile(devFull), "the device is still a device");
        }
        Path fifo = dir.resolve("a-fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(mk.waitFor() == 0, "mkfifo is not available");
        fails(
                1,
                null,
                words("--output", "a-fifo", "not a regular file"),
                "sample",
                "--model",
                model.toString(),
                "-n",
                "10",
                "--output",
                fifo.toString());
        assertFalse(Files.isRegularFile(fifo), "the FIFO is still a FIFO");
        Files.delete(fifo);
        // a symbolic link is written through: its target gets the samples, the link stays
        Path target = dir.resolve("link-target.csv");
        Path link = Files.createSymbolicLink(dir.resolve("link.csv"), target.getFileName());
        assertEquals(
                0,
                CliRun.of("sample", "--model", model.toString(), "-n", "7", "--output", link.toString())
                        .code());
        assertTrue(Files.isSymbolicLink(link), "the link stays a link");
        assertEquals(8, Files.readAllLines(target).size(), "header and 7 samples in the link's target");
    }

    @Test
    void twoOutputsOnOnePathAreRefusedBeforeAnyWork() {
        Path same = dir.resolve("same.out");
        fails(
                1,
                same,
                words("--output", "--png", "name the same file"),
                "sample",
                "--model",
                model.toString(),
                "-n",
                "10",
                "--output",
                same.toString(),
                "--png",
                same.toString());
        fails(
                1,
                same,
                words("--png", "--csv", "name the same file"),
                "grid",
                "--model",
                model.toString(),
                "--png",
                same.toString(),
                "--csv",
                same.toString());
        fails(
                1,
                same,
                words("--out", "--report", "name the same file"),
                "train",
                "--data",
                "moons",
                "--out",
                same.toString(),
                "--report",
                same.toString(),
                "--iterations",
                "1");
    }

    @Test
    void aByteOrderMarkIsNotPartOfTheFirstColumnsName() throws IOException {
        Path plain = write("yx.csv", "y,x\n0.3,0.1\n-0.4,0.2\n");
        Path bom = dir.resolve("yx-bom.csv");
        Files.write(bom, ("\uFEFF" + "y,x\n0.3,0.1\n-0.4,0.2\n").getBytes(StandardCharsets.UTF_8));
        Path xy = write("xy.csv", "x,y\n0.1,0.3\n0.2,-0.4\n");
        // columns matched by name, the mark ignored: all three files hold the same points
        assertEquals(density(xy), density(plain));
        assertEquals(density(xy), density(bom));
        assertEquals(density(xy), density(bom, "--columns", "x,y"));
    }

    @Test
    void aHeaderThatDoesNotNameTheModelsColumnsIsRefused() throws IOException {
        Path zx = write("zx.csv", "z,x\n0.1,0.3\n0.2,-0.4\n");
        Path out = dir.resolve("zx-out.csv");
        fails(
                1,
                out,
                words("zx.csv", "does not name the model's column 'y'", "--columns"),
                "density",
                "--model",
                model.toString(),
                "--input",
                zx.toString(),
                "--output",
                out.toString());
        // said explicitly, the mapping is the user's: z as x, x as y
        Path xy = write("xy2.csv", "x,y\n0.1,0.3\n0.2,-0.4\n");
        assertEquals(density(xy), density(zx, "--columns", "z,x"));
        Path noHeader = write("no-header.csv", "0.1,0.3\n0.2,-0.4\n");
        fails(
                1,
                out,
                words("no-header.csv", "looks like data, not a header"),
                "density",
                "--model",
                model.toString(),
                "--input",
                noHeader.toString(),
                "--output",
                out.toString());
    }

    @Test
    void numbersAreOnlyWhatACsvOfNumbersHolds() throws IOException {
        Path out = dir.resolve("lenient-out.csv");
        for (String cell : new String[] {"1.5f", "2d", "0x1p3", "0x10", "0.5\u0000", "1_000", "٣"}) {
            Path f = write("lenient.csv", "x,y\n0.1,0.2\n" + cell + ",0.2\n");
            fails(
                    1,
                    out,
                    words("lenient.csv", "line 3", "is not a number"),
                    "density",
                    "--model",
                    model.toString(),
                    "--input",
                    f.toString(),
                    "--output",
                    out.toString());
        }
        for (String cell : new String[] {"inf", "-Infinity", "nan", "NaN", "1e999"}) {
            Path f = write("nonfinite.csv", "x,y\n0.1,0.2\n" + cell + ",0.2\n");
            fails(
                    1,
                    out,
                    words("nonfinite.csv", "line 3", "not a finite value"),
                    "density",
                    "--model",
                    model.toString(),
                    "--input",
                    f.toString(),
                    "--output",
                    out.toString());
        }
        Path ok = write("numbers.csv", "x,y\n+1.5,-.5\n2.,1E-3\n 3 ,\t4e+0\n");
        assertEquals(4, density(ok).size());
    }

    @Test
    void resumeRefusesOtherDataOtherSeedAndNoNewIterations() {
        Path out = dir.resolve("resume.zip");
        CliRun first = CliRun.of(
                "train",
                "--data",
                "moons",
                "--hidden",
                "8",
                "--iterations",
                "4",
                "--validation-interval",
                "2",
                "--validation-size",
                "50",
                "--test-size",
                "50",
                "--out",
                out.toString(),
                "--quiet",
                "--no-baselines");
        assertEquals(0, first.code(), first.toString());
        byte[] before = readBytes(out);
        fails(
                1,
                null,
                words("trained on moons", "not on 8gaussians", "same data"),
                "train",
                "--data",
                "8gaussians",
                "--hidden",
                "8",
                "--iterations",
                "8",
                "--out",
                out.toString(),
                "--resume",
                "--quiet",
                "--no-baselines");
        fails(
                1,
                null,
                words("seed 0", "not 5", "--seed 0"),
                "train",
                "--data",
                "moons",
                "--seed",
                "5",
                "--hidden",
                "8",
                "--iterations",
                "8",
                "--out",
                out.toString(),
                "--resume",
                "--quiet",
                "--no-baselines");
        fails(
                1,
                null,
                words("already trained 4 iterations", "3 asked for"),
                "train",
                "--data",
                "moons",
                "--hidden",
                "8",
                "--iterations",
                "3",
                "--out",
                out.toString(),
                "--resume",
                "--quiet",
                "--no-baselines");
        assertArrayEquals(before, readBytes(out), "the checkpoint is untouched");
        // as many iterations as the checkpoint holds: a run stopped after its last checkpoint is finished
        CliRun finish = CliRun.of(
                "train",
                "--data",
                "moons",
                "--hidden",
                "8",
                "--iterations",
                "4",
                "--validation-size",
                "50",
                "--test-size",
                "50",
                "--out",
                out.toString(),
                "--resume",
                "--quiet",
                "--no-baselines");
        assertEquals(0, finish.code(), finish.toString());
        assertTrue(finish.out().contains("trained 4 iterations") && finish.out().contains("test NLL"), finish.out());
    }

    @Test
    void aSecondWriterOfTheSameModelIsRefused() throws Exception {
        Path out = dir.resolve("locked.zip");
        try (OutputLock held = OutputLock.acquire("--out", out)) {
            fails(
                    1,
                    out,
                    words("--out", "locked.zip", "being written by another command"),
                    "train",
                    "--data",
                    "moons",
                    "--iterations",
                    "2",
                    "--out",
                    out.toString(),
                    "--quiet",
                    "--no-baselines");
        }
        CliRun r = CliRun.of(
                "train",
                "--data",
                "moons",
                "--hidden",
                "8",
                "--iterations",
                "2",
                "--validation-size",
                "50",
                "--test-size",
                "50",
                "--out",
                out.toString(),
                "--quiet",
                "--no-baselines");
        assertEquals(0, r.code(), r.toString());
        assertFalse(Files.exists(dir.resolve(".locked.zip.lock")), "the lock file is removed at the end");
    }

    @Test
    void constantAndDependentColumnsAreNamedBeforeAnyFit() throws IOException {
        StringBuilder constant = new StringBuilder("a,b,c\n");
        StringBuilder dependent = new StringBuilder("a,b,c\n");
        StringBuilder tiny = new StringBuilder("a,b\n");
        for (int i = 0; i < 60; i++) {
            double a = Math.sin(i);
            double b = Math.cos(3 * i);
            constant.append(a).append(',').append(b).append(",3\n");
            dependent
                    .append(a)
                    .append(',')
                    .append(b)
                    .append(',')
                    .append(2 * a - b)
                    .append('\n');
            tiny.append(a).append(',').append(i % 2 == 0 ? "0" : "1e-310").append('\n');
        }
        Path c = write("constant.csv", constant.toString());
        Path out = dir.resolve("columns.zip");
        for (String baselines : new String[] {"--baselines", "--no-baselines"}) {
            fails(
                    1,
                    out,
                    words("constant.csv", "the column 'c' is constant", "every value 3.0", "--exclude-columns c"),
                    "train",
                    "--data",
                    c.toString(),
                    "--iterations",
                    "1",
                    "--out",
                    out.toString(),
                    baselines,
                    "--quiet");
        }
        fails(1, out, words("the column 'c' is constant", "--exclude-columns c"), "baselines", "--data", c.toString());
        Path d = write("dependent.csv", dependent.toString());
        fails(
                1,
                out,
                words("dependent.csv", "the column 'c' is a linear combination of the columns [a, b]"),
                "train",
                "--data",
                d.toString(),
                "--iterations",
                "1",
                "--out",
                out.toString(),
                "--quiet");
        Path t = write("tiny.csv", tiny.toString());
        fails(
                1,
                out,
                words("the column 'b' is constant to within rounding"),
                "train",
                "--data",
                t.toString(),
                "--iterations",
                "1",
                "--out",
                out.toString(),
                "--no-baselines",
                "--quiet");
    }

    @Test
    void columnChoicesThatLeaveNothingOrRepeatAColumnAreRefused() throws IOException {
        Path f = write("ab.csv", "a,b\n1,2\n3,5\n4,4\n");
        Path out = dir.resolve("choice.zip");
        fails(
                1,
                out,
                words("ab.csv", "--exclude-columns leaves no column"),
                "train",
                "--data",
                f.toString(),
                "--exclude-columns",
                "a,b",
                "--iterations",
                "1",
                "--out",
                out.toString(),
                "--quiet");
        fails(
                1,
                out,
                words("ab.csv", "the column 'a' is chosen twice"),
                "train",
                "--data",
                f.toString(),
                "--columns",
                "a,a",
                "--iterations",
                "1",
                "--out",
                out.toString(),
                "--quiet");
    }

    @Test
    void aDegenerateGridRangeIsAUsageError() {
        Path png = dir.resolve("degenerate.png");
        Path csv = dir.resolve("degenerate.csv");
        fails(
                2,
                png,
                words("--range", "MIN < MAX"),
                "grid",
                "--model",
                model.toString(),
                "--png",
                png.toString(),
                "--csv",
                csv.toString(),
                "--range",
                "-1e-320:1e-320");
        fails(
                2,
                png,
                words("--range"),
                "grid",
                "--model",
                model.toString(),
                "--png",
                png.toString(),
                "--range",
                "1:1.0000000000001");
        assertFalse(Files.exists(csv));
    }

    @Test
    void importedWeightsMustBeFinite() throws IOException {
        Path npz = dir.resolve("nan-weights.npz");
        String p = "chain.0.odefunc.diffeq.layers.0.";
        try (OutputStream o = Files.newOutputStream(npz);
                ZipOutputStream zip = new ZipOutputStream(o)) {
            ImportFfjordCliTest.put(zip, "chain.0.sqrt_end_time", Nd4j.scalar(0.6));
            ImportFfjordCliTest.put(zip, p + "_layer.weight", Nd4j.createFromArray(new double[][] {
                {0.4, Double.NaN}, {0, -0.9}
            }));
            ImportFfjordCliTest.put(zip, p + "_layer.bias", Nd4j.createFromArray(0.0, 0.0));
            ImportFfjordCliTest.put(zip, p + "_hyper_bias.weight", Nd4j.createFromArray(new double[][] {{0}, {0}}));
            ImportFfjordCliTest.put(zip, p + "_hyper_gate.weight", Nd4j.createFromArray(new double[][] {{0}, {0}}));
            ImportFfjordCliTest.put(zip, p + "_hyper_gate.bias", Nd4j.createFromArray(2.0, 2.0));
        }
        Path out = dir.resolve("nan-import.zip");
        fails(
                1,
                out,
                words("nan-weights.npz", "_layer.weight", "NaN or infinite"),
                "import-ffjord",
                "--state-dict",
                npz.toString(),
                "--activation",
                "tanh",
                "--out",
                out.toString());
    }

    @Test
    void modelJsonWithWrongColumnNamesOrBadJsonIsOneLine() throws IOException {
        String json = new String(entry(model, "model.json"), StandardCharsets.UTF_8);
        String withThree = json.replaceFirst(
                "\"columns\"\\s*:\\s*\\[\\s*\"x\"\\s*,\\s*\"y\"\\s*\\]", "\"columns\" : [ \"x\", \"y\", \"z\" ]");
        assertTrue(!withThree.equals(json), "the test must change the column names");
        Path three = rewritten("three-names.zip", withThree);
        fails(
                1,
                null,
                words("three-names.zip", "names 3 columns", "2-dimensional"),
                "info",
                "--model",
                three.toString());
        Path broken = rewritten("broken-json.zip", json.substring(0, json.length() / 2));
        CliRun r = CliRun.of("info", "--model", broken.toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("not valid JSON") && r.err().contains("at line"), r.toString());
        assertEquals(1, r.err().strip().lines().count(), "one line:\n" + r.err());
    }

    @Test
    void aModelFileCannotAskForUnboundedSolverWork() throws IOException {
        String json = new String(entry(model, "model.json"), StandardCharsets.UTF_8);
        String tiny = json.replaceFirst("\"rtol\"\\s*:\\s*[^,}]+", "\"rtol\" : 1e-300")
                .replaceFirst("\"atol\"\\s*:\\s*[^,}]+", "\"atol\" : 1e-300")
                .replaceFirst("\"maxSteps\"\\s*:\\s*[^,}]+", "\"maxSteps\" : 2000000000");
        assertTrue(!tiny.equals(json), "the test must change the solver");
        Path hostile = rewritten("hostile-solver.zip", tiny);
        fails(
                1,
                null,
                words("hostile-solver.zip", "tolerances must each be 0 or at least 1.0E-12"),
                "density",
                "--model",
                hostile.toString(),
                "--input",
                "moons");
        String euler = json.replaceFirst("\"method\"\\s*:\\s*\"[a-z0-9]+\"", "\"method\" : \"euler\"")
                .replaceFirst("\"steps\"\\s*:\\s*[^,}]+", "\"steps\" : 2000000000");
        Path steps = rewritten("hostile-steps.zip", euler);
        fails(1, null, words("hostile-steps.zip", "steps must be in [1, 100000]"), "info", "--model", steps.toString());
    }

    @Test
    void aUsageErrorIsOneLineAndAPointerToTheHelp() {
        CliRun r = CliRun.of("sample", "--model", model.toString(), "-n", "5", "--output", "x.csv", "--no-such-option");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("--no-such-option") && r.err().contains("see 'cnf sample --help'"), r.toString());
        assertTrue(r.err().lines().count() <= 3, "no whole help after a usage error:\n" + r.err());
    }

    private static byte[] readBytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] entry(Path zip, String name) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (e.getName().equals(name)) {
                    return in.readAllBytes();
                }
            }
        }
        throw new AssertionError(name + " not in " + zip);
    }

    /** A copy of the small model with model.json replaced. */
    private static Path rewritten(String name, String json) throws IOException {
        Path out = dir.resolve(name);
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(model));
                ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                zip.putNextEntry(new ZipEntry(e.getName()));
                zip.write(e.getName().equals("model.json") ? json.getBytes(StandardCharsets.UTF_8) : in.readAllBytes());
                zip.closeEntry();
            }
        }
        return out;
    }
}
