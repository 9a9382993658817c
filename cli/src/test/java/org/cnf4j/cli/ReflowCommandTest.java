package org.cnf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cnf reflow, the fixed-step sampler it recommends, and cnf compare-samples. */
class ReflowCommandTest {

    @TempDir
    static Path dir;

    static Path model;
    static Path reflowed;
    static CliRun reflow;

    @BeforeAll
    static void reflowASmallModel() {
        model = dir.resolve("m.zip");
        CliRun train = CliRun.of(
                "train",
                "--data",
                "moons",
                "--out",
                model.toString(),
                "--hidden",
                "8,8",
                "--iterations",
                "200",
                "--validation-interval",
                "0",
                "--no-ot-coupling",
                "--no-baselines",
                "--quiet");
        assertEquals(0, train.code(), train.toString());
        reflowed = dir.resolve("r.zip");
        reflow = CliRun.of(
                "reflow",
                "--model",
                model.toString(),
                "--out",
                reflowed.toString(),
                "--pairs",
                "1000",
                "--iterations",
                "100",
                "--quiet");
        assertEquals(0, reflow.code(), reflow.toString());
    }

    @Test
    void reflowSaysWhatItDidAndTheModelRemembersWhereItCameFrom() {
        assertTrue(reflow.out().contains("round 1: NLL of m.zip's held-out samples"), reflow.toString());
        assertTrue(reflow.out().contains("recommended sampler: "), reflow.toString());
        assertTrue(reflow.out().contains("function evaluations for 1,000 points"), reflow.toString());
        CliRun info = CliRun.of("info", "--model", reflowed.toString());
        assertEquals(0, info.code(), info.toString());
        assertTrue(info.out().contains("reflowed from: m.zip (sha256:"), info.toString());
        assertTrue(info.out().contains("recommended sampler: "), info.toString());
    }

    @Test
    void sampleUsesTheRecommendedSamplerAndSaysSo() throws IOException {
        Path s = dir.resolve("s.csv");
        CliRun r = CliRun.of("sample", "--model", reflowed.toString(), "-n", "50", "--output", s.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("sampling with the reflowed model's recommended sampler"), r.toString());
        CliRun adaptive = CliRun.of(
                "sample",
                "--model",
                reflowed.toString(),
                "-n",
                "50",
                "--solver",
                "dopri5",
                "--output",
                dir.resolve("a.csv").toString());
        assertTrue(!adaptive.err().contains("recommended sampler"), adaptive.toString());
        CliRun logp = CliRun.of(
                "sample",
                "--model",
                model.toString(),
                "-n",
                "20",
                "--steps",
                "4",
                "--method",
                "heun",
                "--with-logp",
                "--output",
                dir.resolve("l.csv").toString());
        assertEquals(0, logp.code(), logp.toString());
        assertTrue(
                logp.err().contains("log p from a fixed-step solve (heun, 4 steps) is approximate"), logp.toString());
        assertTrue(logp.out().contains("(8 function evaluations)"), logp.toString());
    }

    @Test
    void aConditionalModelReflowsPerContextAndKeepsItsGuidance() throws IOException {
        StringBuilder b = new StringBuilder("x,y,g\n");
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int i = 0; i < 300; i++) {
            int g = i % 3;
            b.append(3 * g + r.nextGaussian())
                    .append(',')
                    .append(r.nextGaussian() - g)
                    .append(',')
                    .append(g)
                    .append('\n');
        }
        Path data = Files.writeString(dir.resolve("cond.csv"), b.toString());
        Path cond = dir.resolve("cond.zip");
        assertEquals(
                0,
                CliRun.of(
                                "train",
                                "--data",
                                data.toString(),
                                "--context",
                                "g",
                                "--context-dropout",
                                "0.1",
                                "--out",
                                cond.toString(),
                                "--hidden",
                                "8,8",
                                "--iterations",
                                "200",
                                "--validation-interval",
                                "0",
                                "--no-baselines",
                                "--quiet")
                        .code());
        Path straight = dir.resolve("cond-r.zip");
        CliRun reflowed = CliRun.of(
                "reflow",
                "--model",
                cond.toString(),
                "--out",
                straight.toString(),
                "--pairs",
                "600",
                "--iterations",
                "60",
                "--quiet");
        assertEquals(0, reflowed.code(), reflowed.toString());
        CliRun guided = CliRun.of(
                "sample",
                "--model",
                straight.toString(),
                "-n",
                "30",
                "--context",
                "g=2",
                "--guidance",
                "2",
                "--output",
                dir.resolve("guided.csv").toString());
        assertEquals(0, guided.code(), guided.toString());
        CliRun scored = CliRun.of("density", "--model", straight.toString(), "--input", data.toString());
        assertEquals(0, scored.code(), scored.toString());
    }

    @Test
    void compareSamplesMeasuresDistanceToData() throws IOException {
        Path s = dir.resolve("c.csv");
        assertEquals(
                0,
                CliRun.of("sample", "--model", model.toString(), "-n", "300", "--output", s.toString())
                        .code());
        CliRun c = CliRun.of(
                "compare-samples",
                "--data",
                "moons",
                "--samples",
                s.toString(),
                "--model",
                model.toString(),
                "--rows",
                "300",
                "--permutations",
                "20");
        assertEquals(0, c.code(), c.toString());
        assertTrue(
                c.out().contains("rows: 300 data, 300 samples, 2 columns, on the model's standardised scale"),
                c.toString());
        assertTrue(c.out().contains("energy distance: "), c.toString());
        assertTrue(c.out().contains("classifier two-sample test: 1-NN accuracy "), c.toString());
        Path far = Files.writeString(dir.resolve("far.csv"), "x,y\n" + "50,50\n51,50\n50,52\n53,51\n52,52\n");
        CliRun apart = CliRun.of(
                "compare-samples",
                "--data",
                "moons",
                "--samples",
                far.toString(),
                "--rows",
                "200",
                "--permutations",
                "20");
        assertEquals(0, apart.code(), apart.toString());
        assertTrue(apart.out().contains("p = 0.048") || apart.out().contains("p = 0.04"), apart.toString());
    }
}
