package org.cnf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --output -} writes the table alone to stdout, byte for byte what the file gets; --dims takes names. */
class StdoutOutputTest {

    @TempDir
    static Path dir;

    static Path model;

    @BeforeAll
    static void smallModel() {
        model = dir.resolve("m.zip");
        CliRun r = CliRun.of(
                "train",
                "--data",
                "moons",
                "--out",
                model.toString(),
                "--hidden",
                "4",
                "--iterations",
                "2",
                "--validation-interval",
                "0",
                "--no-baselines",
                "--quiet");
        assertEquals(0, r.code(), r.toString());
    }

    private static void sameAsFile(String option, String... args) throws IOException {
        Path file = dir.resolve("table-" + args[0] + ".csv");
        String[] toFile = new String[args.length + 2];
        String[] toStdout = new String[args.length + 2];
        System.arraycopy(args, 0, toFile, 0, args.length);
        System.arraycopy(args, 0, toStdout, 0, args.length);
        toFile[args.length] = option;
        toFile[args.length + 1] = file.toString();
        toStdout[args.length] = option;
        toStdout[args.length + 1] = "-";
        CliRun written = CliRun.of(toFile);
        assertEquals(0, written.code(), written.toString());
        CliRun streamed = CliRun.of(toStdout);
        assertEquals(0, streamed.code(), streamed.toString());
        assertEquals(Files.readString(file), streamed.out(), args[0] + ": stdout holds exactly the table");
        assertTrue(!Files.exists(dir.resolve("-")), "no file named -");
    }

    @Test
    void densitySampleClassifyAndGridStreamToStdout() throws IOException {
        Path points = Files.writeString(dir.resolve("points.csv"), "x,y\n0.1,0.2\n0.3,-0.4\n1.5,0.5\n");
        sameAsFile("--output", "density", "--model", model.toString(), "--input", points.toString());
        sameAsFile("--output", "sample", "--model", model.toString(), "-n", "20", "--seed", "3", "--with-logp");
        sameAsFile("--csv", "grid", "--model", model.toString(), "--resolution", "4");
        CliRun d = CliRun.of("density", "--model", model.toString(), "--input", points.toString(), "--output", "-");
        assertTrue(d.err().contains("mean NLL"), "what the command says goes to stderr:\n" + d);
    }

    @Test
    void gridDimsTakeColumnNames() throws IOException {
        CliRun byName = CliRun.of(
                "grid",
                "--model",
                model.toString(),
                "--dims",
                "y,x",
                "--resolution",
                "4",
                "--csv",
                dir.resolve("g1.csv").toString());
        assertEquals(0, byName.code(), byName.toString());
        CliRun byIndex = CliRun.of(
                "grid",
                "--model",
                model.toString(),
                "--dims",
                "1,0",
                "--resolution",
                "4",
                "--csv",
                dir.resolve("g2.csv").toString());
        assertEquals(0, byIndex.code(), byIndex.toString());
        assertEquals(Files.readString(dir.resolve("g1.csv")), Files.readString(dir.resolve("g2.csv")));
        CliRun unknown = CliRun.of(
                "grid",
                "--model",
                model.toString(),
                "--dims",
                "bmi,x",
                "--csv",
                dir.resolve("g3.csv").toString());
        assertEquals(2, unknown.code(), unknown.toString());
        assertTrue(unknown.err().contains("--dims: no column 'bmi'"), unknown.toString());
    }

    @Test
    void densityReportsProgressOnANonTerminal() throws IOException {
        StringBuilder b = new StringBuilder("x,y\n");
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int i = 0; i < 12_000; i++) {
            b.append(r.nextGaussian()).append(',').append(r.nextGaussian()).append('\n');
        }
        Path rows = Files.writeString(dir.resolve("many.csv"), b.toString());
        CliRun d = CliRun.of(
                "density",
                "--model",
                model.toString(),
                "--input",
                rows.toString(),
                "--output",
                dir.resolve("many-logp.csv").toString());
        assertEquals(0, d.code(), d.toString());
        assertTrue(d.err().contains("density: ") && d.err().contains("/12000"), d.toString());
        assertTrue(d.err().contains("density: 12000/12000"), d.toString());
    }
}
