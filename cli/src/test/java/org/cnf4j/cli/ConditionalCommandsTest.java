package org.cnf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conditional commands end to end: {@code cnf train --context} on a 3-class problem whose Bayes
 * error is known, {@code cnf classify} against the Bayes classifier on the same rows, and
 * {@code density}, {@code sample} and {@code info} with text and integer contexts and their errors.
 */
class ConditionalCommandsTest {

    @TempDir
    static Path dir;

    static Path train;
    static Path test;
    static Path model;
    static final double RADIUS = 1.5;

    static double[] mean(int k) {
        double a = 2 * Math.PI * k / 3;
        return new double[] {RADIUS * Math.cos(a), RADIUS * Math.sin(a)};
    }

    /** Rows of three unit-variance 2-D Gaussians with equal priors, labelled by a text species and an integer class. */
    static Path table(String name, int rows, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder csv = new StringBuilder("x,y,species,label\n");
        String[] species = {"adelie", "gentoo", "chinstrap"};
        for (int i = 0; i < rows; i++) {
            int k = i % 3;
            double[] mu = mean(k);
            csv.append(String.format(
                    Locale.ROOT,
                    "%.5f,%.5f,%s,%d%n",
                    mu[0] + r.nextGaussian(),
                    mu[1] + r.nextGaussian(),
                    species[k],
                    k));
        }
        Path p = dir.resolve(name);
        Files.writeString(p, csv);
        return p;
    }

    @BeforeAll
    static void trainOnce() throws IOException {
        train = table("train.csv", 3000, 1);
        test = table("test.csv", 1500, 2);
        model = dir.resolve("m.zip");
        CliRun r = CliRun.of(
                "train",
                "--data",
                train.toString(),
                "--context",
                "label",
                "--exclude-columns",
                "species",
                "--out",
                model.toString(),
                "--iterations",
                "1500",
                "--hidden",
                "32,32",
                "--batch",
                "256",
                "--seed",
                "3",
                "--quiet");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("conditional flow: p(x, y | label), 3 context values"), r.err());
        assertTrue(r.out().contains("conditional baselines, test NLL: linear-Gaussian regression"), r.out());
    }

    @Test
    void theClassifierReachesTheBayesAccuracyAndItsProbabilitiesSumToOne() throws IOException {
        Path out = dir.resolve("p.csv");
        CliRun r = CliRun.of(
                "classify",
                "--model",
                model.toString(),
                "--input",
                test.toString(),
                "--label",
                "label",
                "--output",
                out.toString(),
                "--quiet");
        assertEquals(0, r.code(), r.toString());
        List<String> lines = Files.readAllLines(out);
        assertEquals("p_0,p_1,p_2,predicted", lines.get(0));
        List<String> rows = Files.readAllLines(test);
        int flowRight = 0;
        int bayesRight = 0;
        double flowLoss = 0;
        double bayesLoss = 0;
        for (int i = 1; i < lines.size(); i++) {
            String[] p = lines.get(i).split(",");
            String[] row = rows.get(i).split(",");
            double x = Double.parseDouble(row[0]);
            double y = Double.parseDouble(row[1]);
            int truth = Integer.parseInt(row[3]);
            double sum = Double.parseDouble(p[0]) + Double.parseDouble(p[1]) + Double.parseDouble(p[2]);
            assertEquals(1.0, sum, 1e-12, "row " + i);
            flowRight += Integer.parseInt(p[3]) == truth ? 1 : 0;
            flowLoss -= Math.log(Double.parseDouble(p[truth]));
            // the Bayes posterior of equal priors and unit covariances
            double[] logLik = new double[3];
            for (int k = 0; k < 3; k++) {
                double[] mu = mean(k);
                logLik[k] = -0.5 * ((x - mu[0]) * (x - mu[0]) + (y - mu[1]) * (y - mu[1]));
            }
            double[] post = ClassifyCommand.softmax(logLik);
            int best = 0;
            for (int k = 1; k < 3; k++) {
                best = post[k] > post[best] ? k : best;
            }
            bayesRight += best == truth ? 1 : 0;
            bayesLoss -= Math.log(post[truth]);
        }
        int n = lines.size() - 1;
        double flowAccuracy = (double) flowRight / n;
        double bayesAccuracy = (double) bayesRight / n;
        System.out.printf(
                Locale.ROOT,
                "classify: accuracy %.4f (Bayes %.4f), log loss %.4f (Bayes %.4f)%n",
                flowAccuracy,
                bayesAccuracy,
                flowLoss / n,
                bayesLoss / n);
        // bound: within 2 points of the Bayes classifier's accuracy on the same 1,500 rows (Bayes
        // accuracy is about 0.80 here), and within 0.05 nats of its log loss
        assertTrue(flowAccuracy > bayesAccuracy - 0.02, flowAccuracy + " vs Bayes " + bayesAccuracy);
        assertTrue(flowLoss / n < bayesLoss / n + 0.05, flowLoss / n + " vs Bayes " + bayesLoss / n);
        assertTrue(r.out().contains("accuracy: "), r.out());
    }

    @Test
    void densitySampleAndInfoTakeTheContext() throws IOException {
        CliRun d = CliRun.of("density", "--model", model.toString(), "--input", test.toString());
        assertEquals(0, d.code(), d.toString());
        assertTrue(d.out().contains("mean NLL: "), d.out());
        Path samples = dir.resolve("s.csv");
        CliRun s = CliRun.of(
                "sample",
                "--model",
                model.toString(),
                "-n",
                "400",
                "--context",
                "label=1",
                "--output",
                samples.toString(),
                "--quiet");
        assertEquals(0, s.code(), s.toString());
        double[] mean = new double[2];
        List<String> lines = Files.readAllLines(samples);
        for (String line : lines.subList(1, lines.size())) {
            String[] v = line.split(",");
            mean[0] += Double.parseDouble(v[0]) / 400;
            mean[1] += Double.parseDouble(v[1]) / 400;
        }
        // the samples of class 1 sit around its mean (0.15 is three standard errors of a mean of 400 draws)
        assertEquals(mean(1)[0], mean[0], 0.15);
        assertEquals(mean(1)[1], mean[1], 0.15);
        // one sample per row of a context file
        CliRun f = CliRun.of(
                "sample",
                "--model",
                model.toString(),
                "--context-file",
                test.toString(),
                "--output",
                dir.resolve("s2.csv").toString(),
                "--quiet");
        assertEquals(0, f.code(), f.toString());
        assertEquals(1501, Files.readAllLines(dir.resolve("s2.csv")).size());
        CliRun i = CliRun.of("info", "--model", model.toString());
        assertTrue(i.out().contains("context: label, categorical, levels 0, 1, 2 (one-hot)"), i.out());
    }

    @Test
    void gridAndReportDrawTheDensityAtContexts() throws IOException {
        Path csv = dir.resolve("grid.csv");
        CliRun g = CliRun.of(
                "grid",
                "--model",
                model.toString(),
                "--context",
                "label=1",
                "--csv",
                csv.toString(),
                "--resolution",
                "21",
                "--range",
                "-5:5");
        assertEquals(0, g.code(), g.toString());
        // the grid's highest cell is near class 1's mean (-0.75, 1.30); cells are 0.5 apart
        double best = Double.NEGATIVE_INFINITY;
        double[] at = null;
        for (String line : Files.readAllLines(csv).subList(1, 442)) {
            String[] v = line.split(",");
            if (Double.parseDouble(v[2]) > best) {
                best = Double.parseDouble(v[2]);
                at = new double[] {Double.parseDouble(v[0]), Double.parseDouble(v[1])};
            }
        }
        assertEquals(mean(1)[0], at[0], 0.8);
        assertEquals(mean(1)[1], at[1], 0.8);
        CliRun none = CliRun.of(
                "grid",
                "--model",
                model.toString(),
                "--csv",
                dir.resolve("g2.csv").toString());
        assertEquals(2, none.code(), none.toString());
        Path report = dir.resolve("report");
        CliRun r = CliRun.of(
                "report",
                "--model",
                model.toString(),
                "--data",
                test.toString(),
                "--out",
                report.toString(),
                "--resolution",
                "20",
                "--samples",
                "300",
                "--quiet");
        assertEquals(0, r.code(), r.toString());
        String html = Files.readString(report.resolve("index.html"));
        for (int k = 0; k < 3; k++) {
            assertTrue(Files.exists(report.resolve("density-" + k + ".png")), "density-" + k);
            assertTrue(html.contains("Log-density given label=" + k), html);
        }
        assertTrue(html.contains("each at the context of the row beside it"), html);
    }

    @Test
    void aTextContextColumnIsOneHotEncodedAndUnknownLevelsAreNamed() throws IOException {
        Path m = dir.resolve("species.zip");
        CliRun r = CliRun.of(
                "train",
                "--data",
                train.toString(),
                "--context",
                "species",
                "--exclude-columns",
                "label",
                "--out",
                m.toString(),
                "--iterations",
                "20",
                "--hidden",
                "8",
                "--quiet",
                "--no-baselines");
        assertEquals(0, r.code(), r.toString());
        CliRun i = CliRun.of("info", "--model", m.toString());
        assertTrue(i.out().contains("context: species, categorical, levels adelie, chinstrap, gentoo"), i.out());
        Path odd = dir.resolve("odd.csv");
        Files.writeString(odd, "x,y,species\n0.1,0.2,adelie\n0.3,0.1,emperor\n");
        CliRun d = CliRun.of("density", "--model", m.toString(), "--input", odd.toString());
        assertEquals(1, d.code(), d.toString());
        assertTrue(
                d.err().contains("line 3")
                        && d.err()
                                .contains("'emperor' is not a level of the context column "
                                        + "'species' (its levels are [adelie, chinstrap, gentoo])"),
                d.err());
        Path noContext = dir.resolve("nocontext.csv");
        Files.writeString(noContext, "x,y\n0.1,0.2\n");
        CliRun n = CliRun.of("density", "--model", m.toString(), "--input", noContext.toString());
        assertEquals(1, n.code(), n.toString());
        assertTrue(n.err().contains("needs the column 'species'"), n.err());
        CliRun s = CliRun.of(
                "sample",
                "--model",
                m.toString(),
                "-n",
                "3",
                "--output",
                dir.resolve("x.csv").toString());
        assertEquals(2, s.code(), s.toString());
        assertTrue(s.err().contains("give --context species=VALUE or --context-file"), s.err());
        assertFalse(Files.exists(dir.resolve("x.csv")));
    }

    @Test
    void guidanceSamplesAModelTrainedWithContextDropoutAndRefusesLogDensities() throws IOException {
        Path m = dir.resolve("guided.zip");
        CliRun r = CliRun.of(
                "train",
                "--data",
                train.toString(),
                "--context",
                "label",
                "--exclude-columns",
                "species",
                "--context-dropout",
                "0.2",
                "--out",
                m.toString(),
                "--iterations",
                "30",
                "--hidden",
                "8",
                "--quiet",
                "--no-baselines");
        assertEquals(0, r.code(), r.toString());
        CliRun s = CliRun.of(
                "sample",
                "--model",
                m.toString(),
                "-n",
                "7",
                "--context",
                "label=2",
                "--guidance",
                "3",
                "--output",
                dir.resolve("g.csv").toString(),
                "--quiet");
        assertEquals(0, s.code(), s.toString());
        assertEquals(8, Files.readAllLines(dir.resolve("g.csv")).size());
        CliRun logp = CliRun.of(
                "sample",
                "--model",
                m.toString(),
                "-n",
                "7",
                "--context",
                "label=2",
                "--guidance",
                "3",
                "--with-logp",
                "--output",
                dir.resolve("g2.csv").toString());
        assertEquals(2, logp.code(), logp.toString());
        assertTrue(logp.err().contains("a guided sampler has no exact density"), logp.err());
        assertFalse(Files.exists(dir.resolve("g2.csv")));
        CliRun plain = CliRun.of(
                "sample",
                "--model",
                model.toString(),
                "-n",
                "7",
                "--context",
                "label=2",
                "--guidance",
                "3",
                "--output",
                dir.resolve("g3.csv").toString());
        assertEquals(2, plain.code(), plain.toString());
        assertTrue(plain.err().contains("was trained without it"), plain.err());
        CliRun mle = CliRun.of(
                "train",
                "--data",
                train.toString(),
                "--context",
                "label",
                "--objective",
                "mle",
                "--context-dropout",
                "0.2",
                "--out",
                dir.resolve("x.zip").toString(),
                "--iterations",
                "2");
        assertEquals(2, mle.code(), mle.toString());
        assertTrue(mle.err().contains("--context-dropout is for flow matching with --context"), mle.err());
    }

    @Test
    void baselinesOfTheConditionalTaskOnATestFile() {
        CliRun b = CliRun.of(
                "baselines",
                "--data",
                train.toString(),
                "--context",
                "label",
                "--exclude-columns",
                "species",
                "--test-data",
                test.toString(),
                "--quiet");
        assertEquals(0, b.code(), b.toString());
        assertTrue(b.out().contains("1500 test"), b.out());
        assertTrue(b.out().contains("linear-Gaussian regression on the context: test NLL"), b.out());
        String line = b.out()
                .lines()
                .filter(l -> l.startsWith("per-class mixtures as a classifier: test accuracy "))
                .findFirst()
                .orElseThrow();
        double accuracy = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        // the Bayes accuracy on these rows is about 0.85
        assertTrue(accuracy > 0.8 && accuracy < 0.9, line);
        CliRun toy = CliRun.of("baselines", "--data", "8gaussians", "--test-data", test.toString());
        assertEquals(2, toy.code(), toy.toString());
    }

    @Test
    void contextErrorsAreNamed() {
        CliRun toy = CliRun.of(
                "train",
                "--data",
                "8gaussians",
                "--context",
                "label",
                "--out",
                dir.resolve("t.zip").toString(),
                "--iterations",
                "2");
        assertEquals(2, toy.code(), toy.toString());
        assertTrue(toy.err().contains("--context needs a data file"), toy.err());
        CliRun missing = CliRun.of(
                "train",
                "--data",
                train.toString(),
                "--context",
                "colour",
                "--out",
                dir.resolve("t.zip").toString(),
                "--iterations",
                "2");
        assertEquals(1, missing.code(), missing.toString());
        assertTrue(missing.err().contains("no context column 'colour'"), missing.err());
        CliRun both = CliRun.of(
                "train",
                "--data",
                train.toString(),
                "--context",
                "label",
                "--columns",
                "x,label",
                "--out",
                dir.resolve("t.zip").toString(),
                "--iterations",
                "2");
        assertEquals(1, both.code(), both.toString());
        assertTrue(both.err().contains("both a data column and a context column"), both.err());
        CliRun wrongLabel =
                CliRun.of("classify", "--model", model.toString(), "--input", test.toString(), "--label", "species");
        assertEquals(2, wrongLabel.code(), wrongLabel.toString());
        assertTrue(
                wrongLabel.err().contains("--label must name the model's one categorical context column"),
                wrongLabel.err());
    }
}
