package org.cnf4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input: the right exit code, one message naming the problem, no output file left behind. */
class CliErrorsTest {

    @TempDir
    static Path dir;

    static Path model;

    @BeforeAll
    static void smallModel() {
        model = dir.resolve("m.zip");
        CliRun r = CliRun.of(
                "train",
                "--data",
                "circles",
                "--out",
                model.toString(),
                "--hidden",
                "8",
                "--iterations",
                "2",
                "--validation-interval",
                "0",
                "--test-size",
                "100",
                "--quiet",
                "--no-baselines");
        assertEquals(0, r.code(), r.toString());
    }

    static Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    /** Runs, expects the code and a stderr naming the words, and that {@code output} was not created. */
    static void fails(int code, Path output, String[] words, String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(code, r.code(), r.toString());
        for (String w : words) {
            assertTrue(r.err().contains(w), "stderr should mention '" + w + "':\n" + r);
        }
        assertFalse(r.err().contains("\tat org."), "no stack trace without --verbose:\n" + r);
        if (output != null) {
            assertFalse(Files.exists(output), output + " must not be left behind");
        }
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "temporary files remain");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static String[] words(String... w) {
        return w;
    }

    @Test
    void aMissingFileIsARuntimeError() {
        Path out = dir.resolve("o1.csv");
        fails(
                1,
                out,
                words("no-such.csv", "no such file"),
                "density",
                "--model",
                model.toString(),
                "--input",
                dir.resolve("no-such.csv").toString(),
                "--output",
                out.toString());
        fails(
                1,
                null,
                words("missing.zip", "no such file"),
                "info",
                "--model",
                dir.resolve("missing.zip").toString());
    }

    @Test
    void outputsThatAreFoldersOrInputsAreRefusedBeforeAnyWork() throws IOException {
        Path points = write("points.csv", "x,y\n0.1,0.2\n0.3,-0.4\n");
        String before = Files.readString(points);
        fails(
                1,
                null,
                words("--output", "is the input file", "choose another output"),
                "density",
                "--model",
                model.toString(),
                "--input",
                points.toString(),
                "--output",
                points.toString());
        assertEquals(before, Files.readString(points), "the input is untouched");
        byte[] modelBytes = Files.readAllBytes(model);
        fails(
                1,
                null,
                words("--output", "is the input file"),
                "sample",
                "--model",
                model.toString(),
                "-n",
                "5",
                "--output",
                model.toString());
        assertArrayEquals(modelBytes, Files.readAllBytes(model), "the model is untouched");
        Path folder = Files.createDirectories(dir.resolve("a-folder"));
        fails(
                1,
                null,
                words("--output", "is a folder"),
                "sample",
                "--model",
                model.toString(),
                "-n",
                "5",
                "--output",
                folder.toString());
        assertTrue(Files.isDirectory(folder));
        fails(
                1,
                null,
                words("--csv", "is a file, not a folder"),
                "grid",
                "--model",
                model.toString(),
                "--png",
                dir.resolve("g.png").toString(),
                "--csv",
                points.resolve("grid.csv").toString());
        assertFalse(Files.exists(dir.resolve("g.png")), "nothing written");
        fails(
                1,
                null,
                words("--out", "is the input file"),
                "train",
                "--data",
                points.toString(),
                "--out",
                points.toString(),
                "--iterations",
                "1");
        assertEquals(before, Files.readString(points));
    }

    @Test
    void divergingTrainingNamesTheIterationAndKeepsTheLastGoodCheckpoint() {
        Path out = dir.resolve("diverging.zip");
        CliRun r = CliRun.of(
                "train",
                "--data",
                "moons",
                "--objective",
                "mle",
                "--lr",
                "5",
                "--lr-schedule",
                "constant",
                "--ema",
                "0",
                "--iterations",
                "60",
                "--validation-interval",
                "1",
                "--hidden",
                "16,16",
                "--out",
                out.toString(),
                "--quiet",
                "--no-baselines");
        assertEquals(1, r.code(), r.toString());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "training diverged at iteration (\\d+): .*keeps the checkpoint of iteration (\\d+)")
                .matcher(r.err());
        assertTrue(m.find(), r.toString());
        long kept = Long.parseLong(m.group(2));
        assertTrue(kept <= Long.parseLong(m.group(1)), r.toString());
        assertEquals(
                kept,
                org.cnf4j.io.ModelFile.load(out).checkpoint().iteration(),
                "the file is the last good checkpoint");
        Path capped = dir.resolve("capped.zip");
        fails(
                1,
                capped,
                words(
                        "training diverged at iteration 0",
                        "maximum number of function evaluations",
                        "8 function evaluations"),
                "train",
                "--data",
                "moons",
                "--objective",
                "mle",
                "--iterations",
                "5",
                "--hidden",
                "8",
                "--max-nfe",
                "8",
                "--out",
                capped.toString(),
                "--quiet",
                "--no-baselines");
        Path logp = dir.resolve("capped.csv");
        Path pts = dir.resolve("pts.csv");
        try {
            Files.writeString(pts, "x,y\n0.1,0.2\n0.3,-0.4\n");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        fails(
                1,
                logp,
                words("maximum number of function evaluations"),
                "density",
                "--model",
                model.toString(),
                "--input",
                pts.toString(),
                "--output",
                logp.toString(),
                "--max-nfe",
                "5");
        Path early = dir.resolve("early.zip");
        fails(
                1,
                early,
                words("training diverged at iteration", "no checkpoint was written"),
                "train",
                "--data",
                "moons",
                "--objective",
                "mle",
                "--lr-schedule",
                "constant",
                "--ema",
                "0",
                "--lr",
                "10",
                "--iterations",
                "50",
                "--validation-interval",
                "5",
                "--hidden",
                "16,16",
                "--out",
                early.toString(),
                "--quiet",
                "--no-baselines");
    }

    @Test
    void badCsvContentNamesLineAndColumn() throws IOException {
        Path out = dir.resolve("o2.zip");
        Path ragged = write("ragged.csv", "a,b\n1,2\n3,4,5\n");
        fails(
                1,
                out,
                words("ragged.csv", "line 3"),
                "train",
                "--data",
                ragged.toString(),
                "--out",
                out.toString(),
                "--iterations",
                "1");
        Path word = write("word.csv", "a,b\n1,2\n3,x7\n");
        fails(
                1,
                out,
                words("word.csv", "line 3, column 2", "'x7' is not a number"),
                "train",
                "--data",
                word.toString(),
                "--out",
                out.toString(),
                "--iterations",
                "1");
        Path nan = write("nan.csv", "x,y\n1,2\nNaN,4\n");
        Path o3 = dir.resolve("o3.csv");
        fails(
                1,
                o3,
                words("nan.csv", "line 3, column 1", "not a finite value"),
                "density",
                "--model",
                model.toString(),
                "--input",
                nan.toString(),
                "--output",
                o3.toString());
    }

    @Test
    void trainingDataLargerThanMemoryAreRefusedBeforeTraining() throws IOException {
        StringBuilder text = new StringBuilder("a,b\n");
        for (int i = 0; i < 2000; i++) {
            text.append(i).append(',').append(i % 7).append('\n');
        }
        Path big = write("big.csv", text.toString());
        Path out = dir.resolve("big.zip");
        String old = System.setProperty(org.cnf4j.data.DataMemory.PROPERTY, "16000");
        try {
            fails(
                    1,
                    out,
                    words("big.csv: too large to hold in memory", "over the 0 MB allowed", "-Xmx"),
                    "train",
                    "--data",
                    big.toString(),
                    "--out",
                    out.toString(),
                    "--iterations",
                    "1");
        } finally {
            if (old == null) {
                System.clearProperty(org.cnf4j.data.DataMemory.PROPERTY);
            } else {
                System.setProperty(org.cnf4j.data.DataMemory.PROPERTY, old);
            }
        }
    }

    @Test
    void aModelOfAnotherDimensionIsRefused() throws IOException {
        Path three = write("three.csv", "a,b,c\n1,2,3\n4,5,6\n");
        Path out = dir.resolve("o4.csv");
        fails(
                1,
                out,
                words("the model has 2 dimensions", "3 columns"),
                "density",
                "--model",
                model.toString(),
                "--input",
                three.toString(),
                "--output",
                out.toString());
    }

    @Test
    void anUnknownToyNameIsAUsageError() {
        Path out = dir.resolve("o5.zip");
        fails(
                2,
                out,
                words("unknown toy data set '9gaussians'"),
                "train",
                "--data",
                "9gaussians",
                "--out",
                out.toString());
    }

    @Test
    void aCorruptOrTruncatedModelIsARuntimeError() throws IOException {
        byte[] bytes = Files.readAllBytes(model);
        Path truncated = dir.resolve("truncated.zip");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        Path out = dir.resolve("o6.csv");
        fails(
                1,
                out,
                words("truncated.zip"),
                "sample",
                "--model",
                truncated.toString(),
                "-n",
                "10",
                "--output",
                out.toString());
        Path junk = write("junk.zip", "this is not a zip");
        fails(
                1,
                out,
                words("junk.zip", "not a model file"),
                "sample",
                "--model",
                junk.toString(),
                "-n",
                "10",
                "--output",
                out.toString());
    }

    @Test
    void aNegativeCountIsAUsageError() {
        Path out = dir.resolve("o7.csv");
        fails(
                2,
                out,
                words("-n must be positive"),
                "sample",
                "--model",
                model.toString(),
                "-n",
                "-5",
                "--output",
                out.toString());
    }

    @Test
    void badOptionValuesAreUsageErrors() {
        Path out = dir.resolve("o8.zip");
        fails(
                2,
                out,
                words("unknown activation 'relu6'"),
                "train",
                "--data",
                "moons",
                "--out",
                out.toString(),
                "--activation",
                "relu6");
        fails(2, null, words("Unknown option: '--bogus'"), "info", "--model", model.toString(), "--bogus");
        fails(2, null, words("Missing required option"), "density", "--model", model.toString());
    }

    @Test
    void verboseShowsTheStackTrace() {
        CliRun r = CliRun.of("info", "--model", dir.resolve("missing.zip").toString(), "--verbose");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("\tat org."), r.toString());
    }

    @Test
    void everyCommandHasHelp() {
        for (String c : new String[] {
            "train", "density", "sample", "grid", "report", "info", "import-ffjord", "demo", "baselines"
        }) {
            CliRun r = CliRun.of(c, "--help");
            assertEquals(0, r.code(), c);
            assertTrue(r.out().contains("Usage: cnf " + c), r.out());
        }
    }
}
