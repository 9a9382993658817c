package org.cnf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.cnf4j.data.ContextColumn;
import org.cnf4j.io.LoadedModel;
import org.cnf4j.io.ModelFile;
import org.cnf4j.io.ModelMetadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The third review's silent wrong answers, one test each (numbered as in docs/reliability.md's
 * table): each is now a refusal or a warning.
 */
class SilentAnswersTest {

    @TempDir
    static Path dir;

    static Path conditional;
    static Path conditionalModel;

    /** Two data columns and a label of three levels, level 2 at x = 10. */
    @BeforeAll
    static void conditionalModel() throws IOException {
        SplittableRandom r = new SplittableRandom(4);
        StringBuilder b = new StringBuilder("x,y,label,temp\n");
        for (int i = 0; i < 240; i++) {
            int label = i % 3;
            b.append(label * 5 + r.nextGaussian())
                    .append(',')
                    .append(r.nextGaussian())
                    .append(',')
                    .append(label)
                    .append(',')
                    .append(20 + r.nextGaussian())
                    .append('\n');
        }
        conditional = Files.writeString(dir.resolve("cond.csv"), b.toString());
        conditionalModel = dir.resolve("cond.zip");
        CliRun train = CliRun.of(
                "train",
                "--data",
                conditional.toString(),
                "--columns",
                "0,1",
                "--context",
                "label,temp",
                "--out",
                conditionalModel.toString(),
                "--iterations",
                "3",
                "--hidden",
                "4",
                "--validation-interval",
                "0",
                "--no-baselines",
                "--quiet");
        assertEquals(0, train.code(), train.toString());
    }

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void finding04ALevelWithoutTrainingRowsIsRefusedWhereverItIsUsed() throws IOException {
        LoadedModel m = ModelFile.load(conditionalModel);
        List<ContextColumn> zero = m.metadata().context().stream()
                .map(c -> c.categorical() ? c.withCounts(List.of(81L, 80L, 0L)) : c)
                .toList();
        Path old = dir.resolve("zero-level.zip");
        ModelMetadata meta = m.metadata();
        ModelFile.save(
                old,
                m.flow(),
                new ModelMetadata(
                        meta.standardizer(),
                        meta.dequantized(),
                        meta.dataDescription(),
                        meta.columns(),
                        meta.training(),
                        zero));
        CliRun sample = run(
                "sample",
                "--model",
                old.toString(),
                "-n",
                "5",
                "--context",
                "label=2,temp=20",
                "--output",
                dir.resolve("s.csv").toString());
        assertEquals(2, sample.code(), sample.toString());
        assertTrue(
                sample.err().contains("the level '2' of the context column 'label' had no training rows"),
                sample.toString());
        CliRun density = run("density", "--model", old.toString(), "--input", conditional.toString());
        assertEquals(1, density.code(), density.toString());
        Path labelOnly = dir.resolve("label.zip");
        assertEquals(
                0,
                run(
                                "train",
                                "--data",
                                conditional.toString(),
                                "--columns",
                                "x,y",
                                "--context",
                                "label",
                                "--out",
                                labelOnly.toString(),
                                "--iterations",
                                "2",
                                "--hidden",
                                "4",
                                "--validation-interval",
                                "0",
                                "--no-baselines",
                                "--quiet")
                        .code());
        LoadedModel l = ModelFile.load(labelOnly);
        Path oldLabel = dir.resolve("zero-label.zip");
        ModelFile.save(
                oldLabel,
                l.flow(),
                new ModelMetadata(
                        l.metadata().standardizer(),
                        false,
                        "t",
                        l.metadata().columns(),
                        null,
                        List.of(l.metadata().context().get(0).withCounts(List.of(81L, 80L, 0L)))));
        CliRun classify =
                run("classify", "--model", oldLabel.toString(), "--input", conditional.toString(), "--label", "label");
        assertEquals(1, classify.code(), classify.toString());
        assertTrue(classify.err().contains("had no training rows"), classify.toString());
    }

    @Test
    void finding04TrainingRefusesALevelTheSplitLeftWithoutTrainingRows() throws IOException {
        // level 9 has one row: whichever seed puts it outside the training rows is refused, never trained
        StringBuilder b = new StringBuilder("x,g\n");
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < 60; i++) {
            b.append(r.nextGaussian()).append(',').append(i == 0 ? 9 : i % 2).append('\n');
        }
        Path t = Files.writeString(dir.resolve("rare.csv"), b.toString());
        int refused = 0;
        for (int seed = 0; seed < 12; seed++) {
            CliRun c = run(
                    "train",
                    "--data",
                    t.toString(),
                    "--context",
                    "g",
                    "--out",
                    dir.resolve("rare" + seed + ".zip").toString(),
                    "--iterations",
                    "1",
                    "--hidden",
                    "4",
                    "--validation-interval",
                    "0",
                    "--no-baselines",
                    "--quiet",
                    "--seed",
                    Integer.toString(seed));
            if (c.code() != 0) {
                assertEquals(1, c.code(), c.toString());
                assertTrue(
                        c.err().contains("the level '9' of the context column 'g' has no training rows"), c.toString());
                assertFalse(Files.exists(dir.resolve("rare" + seed + ".zip")));
                refused++;
            }
        }
        assertTrue(refused > 0, "a fifth of the seeds leave the one row out of training");
    }

    @Test
    void finding05ColumnsGivenByIndexKeepTheirNames() throws IOException {
        assertEquals(
                List.of("x", "y"), ModelFile.load(conditionalModel).metadata().columns());
        Path samples = dir.resolve("cs.csv");
        assertEquals(
                0,
                run(
                                "sample",
                                "--model",
                                conditionalModel.toString(),
                                "-n",
                                "20",
                                "--context-file",
                                conditional.toString(),
                                "--output",
                                samples.toString())
                        .code());
        CliRun scored = run("density", "--model", conditionalModel.toString(), "--input", conditional.toString());
        assertEquals(0, scored.code(), scored.toString());
    }

    @Test
    void finding06ADequantisedModelRefusesRowsThatAreNotIntegers() throws IOException {
        StringBuilder b = new StringBuilder("a,b\n");
        SplittableRandom r = new SplittableRandom(6);
        for (int i = 0; i < 150; i++) {
            b.append(r.nextInt(8)).append(',').append(r.nextInt(5)).append('\n');
        }
        Path counts = Files.writeString(dir.resolve("counts.csv"), b.toString());
        Path model = dir.resolve("counts.zip");
        assertEquals(
                0,
                run(
                                "train",
                                "--data",
                                counts.toString(),
                                "--dequantize",
                                "--out",
                                model.toString(),
                                "--iterations",
                                "2",
                                "--hidden",
                                "4",
                                "--validation-interval",
                                "0",
                                "--no-baselines",
                                "--quiet")
                        .code());
        Path odd = Files.writeString(dir.resolve("odd.csv"), "a,b\n1,2\n1.5,-7.3\n");
        CliRun c = run("density", "--model", model.toString(), "--input", odd.toString());
        assertEquals(1, c.code(), c.toString());
        assertTrue(c.err().contains("data row 2, column 'a': 1.5 is not an integer"), c.toString());
        assertFalse(c.out().contains("bits per dimension"), c.toString());
        assertEquals(
                0,
                run("density", "--model", model.toString(), "--input", odd.toString(), "--no-dequantize")
                        .code());
    }

    @Test
    void finding10AChunkLargerThanMemoryIsRefusedBeforeWork() {
        Path out = dir.resolve("huge.csv");
        CliRun c = run(
                "sample",
                "--model",
                conditionalModel.toString(),
                "-n",
                "100000000",
                "--chunk",
                "100000000",
                "--context",
                "label=1,temp=20",
                "--output",
                out.toString());
        assertEquals(2, c.code(), c.toString());
        assertTrue(c.err().contains("--chunk 100,000,000 needs about"), c.toString());
        assertFalse(Files.exists(out));
    }

    @Test
    void finding14WarningsAndRefusalsOfTheRest() throws IOException {
        Path model = dir.resolve("m.zip");
        // test rows that are the training file
        CliRun same = run(
                "train",
                "--data",
                conditional.toString(),
                "--columns",
                "x,y",
                "--test-data",
                conditional.toString(),
                "--out",
                model.toString(),
                "--iterations",
                "1",
                "--hidden",
                "4",
                "--validation-interval",
                "0",
                "--no-baselines",
                "--quiet");
        assertEquals(0, same.code(), same.toString());
        assertTrue(same.err().contains("is the training file"), same.toString());
        // integers only, without --dequantize
        Path ints = Files.writeString(
                dir.resolve("ints.csv"), "a,b\n1,2\n3,4\n5,7\n2,9\n8,1\n4,4\n6,2\n9,3\n7,7\n" + "0,5\n3,3\n5,5\n");
        CliRun integers = run(
                "train",
                "--data",
                ints.toString(),
                "--out",
                dir.resolve("i.zip").toString(),
                "--iterations",
                "1",
                "--hidden",
                "4",
                "--validation-interval",
                "0",
                "--no-baselines",
                "--quiet");
        assertTrue(integers.err().contains("every value of the data columns is an integer"), integers.toString());
        // a numeric context far outside its training range
        CliRun far = run(
                "sample",
                "--model",
                conditionalModel.toString(),
                "-n",
                "3",
                "--context",
                "label=1,temp=1000000",
                "--output",
                dir.resolve("far.csv").toString());
        assertEquals(0, far.code(), far.toString());
        assertTrue(far.err().contains("warning: the context 'temp' = 1000000.0 lies"), far.toString());
        // NumPy's format is not written as CSV text
        CliRun npy = run(
                "sample",
                "--model",
                model.toString(),
                "-n",
                "3",
                "--output",
                dir.resolve("x.npy").toString());
        assertEquals(1, npy.code(), npy.toString());
        assertFalse(Files.exists(dir.resolve("x.npy")));
        // guidance outside [0, 20]
        for (String w : new String[] {"-1", "1e6"}) {
            CliRun g = run(
                    "sample",
                    "--model",
                    conditionalModel.toString(),
                    "-n",
                    "3",
                    "--context",
                    "label=1,temp=20",
                    "--guidance",
                    w,
                    "--output",
                    dir.resolve("g.csv").toString());
            assertEquals(2, g.code(), g.toString());
            assertTrue(g.err().contains("--guidance must be in [0, 20]"), g.toString());
        }
        // columns near 1e300 and 1e-300 are data like any other
        StringBuilder b = new StringBuilder("big,small\n");
        SplittableRandom r = new SplittableRandom(8);
        for (int i = 0; i < 100; i++) {
            b.append((1 + r.nextGaussian() * 0.1) * 1e300)
                    .append(',')
                    .append((1 + r.nextGaussian() * 0.1) * 1e-300)
                    .append('\n');
        }
        Path extreme = Files.writeString(dir.resolve("extreme.csv"), b.toString());
        CliRun e = run(
                "train",
                "--data",
                extreme.toString(),
                "--out",
                dir.resolve("e.zip").toString(),
                "--iterations",
                "2",
                "--hidden",
                "4",
                "--validation-interval",
                "0",
                "--no-baselines",
                "--quiet");
        assertEquals(0, e.code(), e.toString());
    }
}
