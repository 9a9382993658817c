package org.cnf4j.cli;

import static org.cnf4j.report.PngAssertions.assertPng;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** train, density, sample, grid, report and info on tiny settings, checking what they write. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliEndToEndTest {

    @TempDir
    static Path dir;

    static Path model;

    @BeforeAll
    static void train() {
        model = dir.resolve("m.zip");
        CliRun r = CliRun.of(
                "train",
                "--data",
                "moons",
                "--out",
                model.toString(),
                "--hidden",
                "16,16",
                "--objective",
                "mle",
                "--iterations",
                "30",
                "--validation-interval",
                "10",
                "--test-size",
                "500",
                "--validation-size",
                "200",
                "--report",
                dir.resolve("train-report").toString(),
                "--seed",
                "3");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("model written to"), r.toString());
        assertTrue(r.err().contains("validation at iteration 30"), r.toString());
        assertTrue(r.out().contains("baselines, test NLL: Gaussian"), r.toString());
    }

    static List<String> lines(Path csv) throws IOException {
        return Files.readAllLines(csv);
    }

    static void assertFiniteCsv(List<String> lines, int columns) {
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            assertEquals(columns, cells.length, line);
            for (String c : cells) {
                assertTrue(Double.isFinite(Double.parseDouble(c)), line);
            }
        }
    }

    static void assertReport(Path folder) throws IOException {
        Path index = folder.resolve("index.html");
        Document doc = Jsoup.parse(Files.readString(index));
        List<Element> imgs = doc.select("img");
        assertTrue(imgs.size() >= 4, "figures: " + imgs.size());
        for (Element img : imgs) {
            Path png = folder.resolve(img.attr("src"));
            assertTrue(Files.exists(png), png + " missing");
            assertPng(png, 0, 0);
        }
    }

    @Test
    @Order(1)
    void trainingWroteAReport() throws IOException {
        assertReport(dir.resolve("train-report"));
    }

    @Test
    @Order(2)
    void densityWritesOneLogDensityPerRow() throws IOException {
        Path in = dir.resolve("points.csv");
        Files.writeString(in, "label,y,x\n1,0.5,0.2\n2,-0.3,1.0\n3,0.0,0.0\n");
        Path out = dir.resolve("logp.csv");
        CliRun r = CliRun.of(
                "density",
                "--model",
                model.toString(),
                "--input",
                in.toString(),
                "--output",
                out.toString(),
                "--bits-per-dim");
        assertEquals(0, r.code(), r.toString());
        List<String> l = lines(out);
        assertEquals(List.of("logp"), List.of(l.get(0)));
        assertEquals(4, l.size());
        assertFiniteCsv(l, 1);
        assertTrue(r.out().contains("mean NLL:") && r.out().contains("bits per dimension:"), r.out());
        // the exact trace by default (no standard error); Hutchinson's estimate gives its standard error
        assertTrue(!r.out().contains("standard error"), r.out());
        CliRun h = CliRun.of("density", "--model", model.toString(), "--input", in.toString(), "--trace", "hutchinson");
        assertEquals(0, h.code(), h.toString());
        assertTrue(
                h.out()
                        .matches("(?s)mean NLL: -?[0-9.]+ \\+- [0-9.]+ \\(standard error; trace by hutchinson\\) "
                                + "nats over 3 rows.*"),
                h.out());
        // the columns were matched by name: x and y in the model's order, the label ignored
        Path swapped = dir.resolve("swapped.csv");
        Files.writeString(swapped, "x,y\n0.2,0.5\n1.0,-0.3\n0.0,0.0\n");
        Path out2 = dir.resolve("logp2.csv");
        assertEquals(
                0,
                CliRun.of(
                                "density",
                                "--model",
                                model.toString(),
                                "--input",
                                swapped.toString(),
                                "--output",
                                out2.toString())
                        .code());
        assertEquals(lines(out), lines(out2));
    }

    @Test
    @Order(2)
    void densityStreamsLargeCsvFilesWithTheInMemoryResult() throws IOException {
        // 12,345 rows: two full chunks of Evaluation.CHUNK and a partial one, read as a stream
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(8);
        StringBuilder text = new StringBuilder("y,x\n");
        double[] values = new double[2 * 12_345];
        for (int i = 0; i < 12_345; i++) {
            values[2 * i + 1] = rnd.nextDouble(-2, 2);
            values[2 * i] = rnd.nextDouble(-2, 2);
            text.append(values[2 * i]).append(',').append(values[2 * i + 1]).append('\n');
        }
        Path in = dir.resolve("many.csv");
        Files.writeString(in, text.toString());
        Path out = dir.resolve("many-logp.csv");
        CliRun r = CliRun.of(
                "density",
                "--model",
                model.toString(),
                "--input",
                in.toString(),
                "--output",
                out.toString(),
                "--seed",
                "4");
        assertEquals(0, r.code(), r.toString());
        org.cnf4j.io.LoadedModel m = org.cnf4j.io.ModelFile.load(model);
        m.flow().setSeed(4);
        // the model's columns are x, y: the file's y,x order is matched by name
        double[] xy = new double[values.length];
        for (int i = 0; i < 12_345; i++) {
            xy[2 * i] = values[2 * i + 1];
            xy[2 * i + 1] = values[2 * i];
        }
        double[] expected = org.cnf4j.linalg.NativeArrays.toArray(org.cnf4j.train.Evaluation.logProb(
                        m.flow(),
                        m.metadata().standardizer(),
                        org.nd4j.linalg.factory.Nd4j.create(
                                xy, new long[] {12_345, 2}, org.nd4j.linalg.api.buffer.DataType.DOUBLE))
                .logProb());
        List<String> l = lines(out);
        assertEquals(12_346, l.size());
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], Double.parseDouble(l.get(i + 1)), 0.0, "row " + i);
        }
        // a file with a header and no rows: one error, and no output file
        Path empty = dir.resolve("header-only.csv");
        Files.writeString(empty, "x,y\n");
        Path none = dir.resolve("none.csv");
        CliRun e = CliRun.of(
                "density", "--model", model.toString(), "--input", empty.toString(), "--output", none.toString());
        assertEquals(1, e.code(), e.toString());
        assertTrue(e.err().contains("header-only.csv: no data rows after the header"), e.toString());
        assertFalse(Files.exists(none));
    }

    @Test
    @Order(3)
    void sampleWritesNRowsAndAPlot() throws IOException {
        Path out = dir.resolve("samples.csv");
        Path png = dir.resolve("samples.png");
        CliRun r = CliRun.of(
                "sample",
                "--model",
                model.toString(),
                "-n",
                "700",
                "--output",
                out.toString(),
                "--png",
                png.toString(),
                "--with-logp",
                "--chunk",
                "300",
                "--seed",
                "5");
        assertEquals(0, r.code(), r.toString());
        List<String> l = lines(out);
        assertEquals("x,y,logp", l.get(0));
        assertEquals(701, l.size());
        assertFiniteCsv(l, 3);
        assertPng(png, 760, 640);
        // a plot alone is enough; neither output is a usage error
        Path alone = dir.resolve("alone.png");
        CliRun plot = CliRun.of("sample", "--model", model.toString(), "-n", "300", "--png", alone.toString());
        assertEquals(0, plot.code(), plot.toString());
        assertTrue(plot.out().contains("plot of 300 samples written to"), plot.out());
        assertPng(alone, 760, 640);
        CliRun none = CliRun.of("sample", "--model", model.toString(), "-n", "300");
        assertEquals(2, none.code(), none.toString());
        assertTrue(none.err().contains("nothing to write: give --output"), none.err());
    }

    @Test
    @Order(4)
    void gridWritesAHeatMapAndOneRowPerCell() throws IOException {
        Path png = dir.resolve("density.png");
        Path csv = dir.resolve("grid.csv");
        CliRun r = CliRun.of(
                "grid",
                "--model",
                model.toString(),
                "--png",
                png.toString(),
                "--csv",
                csv.toString(),
                "--range",
                "-3:3",
                "--resolution",
                "25");
        assertEquals(0, r.code(), r.toString());
        List<String> l = lines(csv);
        assertEquals("x,y,logp", l.get(0));
        assertEquals(25 * 25 + 1, l.size());
        assertFiniteCsv(l, 3);
        assertTrue(l.get(1).startsWith("-2.88,-2.88,"), l.get(1));
        assertPng(png, 760, 640);
    }

    @Test
    @Order(5)
    void reportAndInfoDescribeTheModel() throws IOException {
        Path out = dir.resolve("report");
        CliRun r = CliRun.of(
                "report",
                "--model",
                model.toString(),
                "--data",
                "moons",
                "--out",
                out.toString(),
                "--rows",
                "300",
                "--samples",
                "300",
                "--resolution",
                "30",
                "--tolerance-sweep",
                "--sweep-points",
                "50");
        assertEquals(0, r.code(), r.toString());
        assertReport(out);
        String html = Files.readString(out.resolve("index.html"));
        assertTrue(html.contains("training.png"), "curves from the model's history");
        assertTrue(html.contains("tolerance.png") && html.contains("Log-density of 50 points"), "the tolerance sweep");
        CliRun info = CliRun.of("info", "--model", model.toString());
        assertEquals(0, info.code(), info.toString());
        assertTrue(info.out().contains("2-16-16-2 concatsquash tanh"), info.out());
        assertTrue(info.out().contains("checkpoint: iteration 30"), info.out());
    }

    @Test
    @Order(6)
    void trainingResumesFromTheModelFile() {
        CliRun r = CliRun.of(
                "train",
                "--data",
                "moons",
                "--out",
                model.toString(),
                "--iterations",
                "40",
                "--validation-interval",
                "10",
                "--test-size",
                "500",
                "--validation-size",
                "200",
                "--seed",
                "3",
                "--resume",
                "--quiet");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("trained 40 iterations"), r.out());
    }

    @Test
    @Order(7)
    void flowMatchingTrainsReportsItsObjectiveAndComparesWithMaximumLikelihood() throws IOException {
        Path fm = dir.resolve("fm.zip");
        CliRun r = CliRun.of(
                "train",
                "--data",
                "moons",
                "--out",
                fm.toString(),
                "--hidden",
                "16,16",
                "--objective",
                "flow-matching",
                "--ot-coupling",
                "--sigma-min",
                "1e-4",
                "--time-sampling",
                "logit-normal",
                "--iterations",
                "60",
                "--validation-interval",
                "30",
                "--test-size",
                "500",
                "--validation-size",
                "200",
                "--seed",
                "3",
                "--no-baselines");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("flow-matching loss"), r.toString());
        assertTrue(r.out().contains("test NLL"), r.toString());
        CliRun info = CliRun.of("info", "--model", fm.toString());
        assertTrue(
                info.out().contains("objective: flow-matching(sigma_min=1.0E-4, ot=true, time=logit-normal)"),
                info.out());
        assertTrue(info.out().contains("baselines: not fitted"), info.out());
        CliRun mle = CliRun.of("info", "--model", model.toString());
        assertTrue(mle.out().contains("objective: mle(adjoint"), mle.out());
        assertTrue(mle.out().contains("Gaussian mixture ("), mle.out());
        CliRun resumed = CliRun.of(
                "train",
                "--data",
                "moons",
                "--out",
                fm.toString(),
                "--iterations",
                "70",
                "--validation-interval",
                "30",
                "--test-size",
                "500",
                "--validation-size",
                "200",
                "--seed",
                "3",
                "--resume",
                "--quiet",
                "--no-baselines");
        assertEquals(0, resumed.code(), resumed.toString());
        assertTrue(CliRun.of("info", "--model", fm.toString()).out().contains("ot=true"), "resume keeps the objective");

        Path report = dir.resolve("compare-report");
        CliRun rep = CliRun.of(
                "report",
                "--model",
                model.toString(),
                "--compare",
                fm.toString(),
                "--data",
                "moons",
                "--out",
                report.toString(),
                "--rows",
                "300",
                "--samples",
                "300",
                "--resolution",
                "30",
                "--sweep-points",
                "50",
                "--quiet");
        assertEquals(0, rep.code(), rep.toString());
        String html = Files.readString(report.resolve("index.html"));
        assertTrue(html.contains("flow-matching, fm.zip"), "the comparison names both models");
        assertPng(report.resolve("tolerance.png"), 0, 0);
    }

    @Test
    @Order(8)
    void baselinesCommandPrintsBothBaselines() {
        Path csv = dir.resolve("two.csv");
        StringBuilder b = new StringBuilder("a,b\n");
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int i = 0; i < 400; i++) {
            double u = r.nextGaussian();
            b.append(u).append(',').append(0.5 * u + 0.2 * r.nextGaussian()).append('\n');
        }
        try {
            Files.writeString(csv, b.toString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        CliRun run = CliRun.of("baselines", "--data", csv.toString(), "--quiet");
        assertEquals(0, run.code(), run.toString());
        assertTrue(run.out().contains("Gaussian (full covariance): test NLL"), run.out());
        assertTrue(run.out().contains("mixture_components="), run.out());
        assertEquals(
                2,
                CliRun.of(
                                "train",
                                "--data",
                                "moons",
                                "--out",
                                dir.resolve("x.zip").toString(),
                                "--objective",
                                "flow-match")
                        .code());
    }
}
