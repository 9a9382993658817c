package org.cnf4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.cnf4j.data.ToyDataset;
import org.cnf4j.data.ToyTrainingData;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.SolverConfig;
import org.cnf4j.sample.DensityModel;
import org.cnf4j.train.Trainer;
import org.cnf4j.train.TrainingConfig;
import org.cnf4j.train.TrainingResult;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

class ReportTest {

    @TempDir
    Path dir;

    @Test
    void aReportHasEveryPlotAndEscapesItsText() throws IOException {
        ContinuousNormalizingFlow flow = ContinuousNormalizingFlow.builder(2)
                .hiddenDims(16, 16)
                .solver(SolverConfig.dopri5(1e-4, 1e-4))
                .seed(2)
                .build();
        ToyTrainingData data = new ToyTrainingData(ToyDataset.MOONS, 2, 200, 300);
        TrainingResult result = new Trainer(
                        flow,
                        data,
                        TrainingConfig.defaults()
                                .withIterations(20)
                                .withValidationInterval(10)
                                .withSeed(2))
                .train();
        ReportGenerator.Input in = new ReportGenerator.Input(DensityModel.of(flow))
                .title("moons <test>")
                .producedBy("cnf 9.9 <test build>")
                .modelName("weird<name>.zip")
                .data(data.test(), "moons & <b>friends</b>.csv", List.of("x", "y"), false)
                .history(result.iterations(), result.validations())
                .summary(result.summary())
                .config("data", "a<b")
                .gridResolution(30)
                .samples(300)
                .toleranceSweep(new ToleranceSweep(
                        10,
                        new double[] {1e-3, 1e-5, 1e-7},
                        new int[] {14, 26, 62},
                        new double[] {0.01, 0.02, 0.05},
                        new double[] {1e-3, 1e-5, 0}));
        Path index = ReportGenerator.generate(in, dir);
        String html = Files.readString(index);
        Document doc = Jsoup.parse(html);
        assertEquals("moons <test>", doc.title());
        assertTrue(html.contains("weird&lt;name&gt;.zip"));
        assertTrue(doc.select("b").isEmpty(), "text must not become markup");
        assertTrue(doc.text().contains("moons & <b>friends</b>.csv"));
        // the header says when and by what the report was written
        assertTrue(
                java.util.regex.Pattern.compile(
                                "Written \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC by cnf 9\\.9 " + "<test build>")
                        .matcher(doc.text())
                        .find(),
                doc.text());
        List<String> images = doc.select("img").eachAttr("src");
        assertEquals(
                List.of(
                        "density.png",
                        "samples.png",
                        "columns.png",
                        "logp.png",
                        "training.png",
                        "trajectories.png",
                        "tolerance.png"),
                images);
        for (Element img : doc.select("img")) {
            Path png = dir.resolve(img.attr("src"));
            assertTrue(Files.exists(png), png + " is referenced but missing");
            PngAssertions.assertPng(png, 0, 0);
        }
        PngAssertions.assertPng(dir.resolve("density.png"), 760, 640);
        assertTrue(doc.text().contains("test NLL at the end of training"));
    }

    @Test
    void aFlowMatchingReportSaysWhatAppliesAndNamesItsRows() throws IOException {
        ContinuousNormalizingFlow flow =
                ContinuousNormalizingFlow.builder(2).hiddenDims(16, 16).seed(4).build();
        ToyTrainingData data = new ToyTrainingData(ToyDataset.MOONS, 4, 200, 300);
        TrainingResult result = new Trainer(
                        flow,
                        data,
                        TrainingConfig.defaults()
                                .withIterations(30)
                                .withValidationInterval(10)
                                .withSeed(4)
                                .withFlowMatching(org.cnf4j.train.FlowMatching.defaults()))
                .setBaselines(new org.cnf4j.io.BaselineSummary(2.5, 1.9, 4))
                .train();
        Path index = ReportGenerator.generate(
                new ReportGenerator.Input(DensityModel.of(flow))
                        .data(data.test(), "moons", List.of("x", "y"), false)
                        .split("300 test rows")
                        .history(result.iterations(), result.validations())
                        .summary(result.summary())
                        .gridResolution(20)
                        .samples(1000),
                dir);
        Document doc = Jsoup.parse(Files.readString(index));
        String text = doc.text();
        String summary = doc.select("p.summary").text();
        assertTrue(
                summary.startsWith("Test NLL ")
                        && summary.contains(
                                "the Gaussian's 2.5000 and the Gaussian " + "mixture's 1.9000 on the same test rows"),
                summary);
        assertTrue(text.contains("NLL of the 300 test rows [nats]"), text);
        assertTrue(text.contains("(fixed: flow matching does not train T)"), text);
        assertFalse(text.contains("mean evaluations per iteration"), text);
        assertFalse(text.contains("gradient method / trace estimator"), text);
        // as many data rows as samples in the comparison (300 test rows, not 1,000 samples)
        assertTrue(text.contains("Left: 300 rows of the 300 test rows; right: 300 samples"), text);
        assertTrue(text.contains("the data's units"), "moons are not standardised: " + text);
        assertTrue(text.contains("Dashed: the baselines' test NLL"), text);
    }

    @Test
    void imageGridsAreDrawn() throws IOException {
        ContinuousNormalizingFlow flow =
                ContinuousNormalizingFlow.builder(4).hiddenDims(8).seed(3).build();
        INDArray data = ContinuousNormalizingFlow.standardNormal(50, 4, new SplittableRandom(1));
        Path index = ReportGenerator.generate(
                new ReportGenerator.Input(DensityModel.of(flow))
                        .data(data, "noise", null, true)
                        .imageShape(new int[] {2, 2})
                        .gridResolution(10)
                        .samples(64),
                dir);
        Document doc = Jsoup.parse(Files.readString(index));
        assertTrue(doc.select("img").eachAttr("src").contains("images.png"));
        // a label column, 8 images a row; a row of data above 7 rows of samples
        PngAssertions.assertPng(dir.resolve("images.png"), 130 + 8 * (2 * 6 + 6) + 6, 8 * (2 * 6 + 6) + 6);
        assertTrue(doc.text().contains("Top: 8 rows of the evaluation data; below: 56 samples"), doc.text());
        assertTrue(doc.text().contains("bits per dimension"));
        assertFalse(doc.text().contains("training.png"));
    }

    @Test
    void imagesByClassShowEachLevelsRealRowsAboveItsSamplesOnTheRecordedGreyScale() throws IOException {
        // 2x2 images given one of 3 classes; class a's rows are all white (1), class b's all black (0)
        ContinuousNormalizingFlow flow = ContinuousNormalizingFlow.builder(4)
                .hiddenDims(8)
                .contextDim(3)
                .seed(3)
                .build();
        double[][] rows = new double[30][];
        for (int i = 0; i < rows.length; i++) {
            int k = i % 3;
            double v = k == 0 ? 1 : k == 1 ? 0 : 0.5;
            rows[i] = new double[] {v, v, v, v, k == 0 ? 1 : 0, k == 1 ? 1 : 0, k == 2 ? 1 : 0};
        }
        org.cnf4j.data.ContextColumn digit = new org.cnf4j.data.ContextColumn("digit", List.of("a", "b", "c"));
        Path index = ReportGenerator.generate(
                new ReportGenerator.Input(DensityModel.of(flow))
                        .data(
                                org.nd4j.linalg.factory.Nd4j.createFromArray(rows),
                                "images",
                                List.of("p0", "p1", "p2", "p3"),
                                false)
                        .context(List.of(digit))
                        .image(new org.cnf4j.io.ImageLayout(2, 2, 0, 1))
                        .gridResolution(10)
                        .samples(30),
                dir);
        Document doc = Jsoup.parse(Files.readString(index));
        assertTrue(doc.text().contains("Data and generated images by class"), doc.text());
        assertTrue(
                doc.text()
                        .contains("For each level of digit (a, b, c): up to 8 rows of the evaluation data of "
                                + "that level, and below them 8 samples given that level, shown as 2x2 images on the training rows' "
                                + "grey scale"),
                doc.text());
        java.awt.image.BufferedImage img =
                javax.imageio.ImageIO.read(dir.resolve("images.png").toFile());
        // 6 rows (data, samples per level) of 2x2 images at 6 screen pixels a pixel, a 6-pixel gap
        assertEquals(6 * (2 * 6 + 6) + 6, img.getHeight());
        int x = 130 + 3;
        assertEquals(0xffffff, img.getRGB(x, 6 + 3) & 0xffffff, "level a's data row is white");
        assertEquals(0x000000, img.getRGB(x, 6 + 2 * (2 * 6 + 6) + 3) & 0xffffff, "level b's data row is black");
        int grey = img.getRGB(x, 6 + 4 * (2 * 6 + 6) + 3) & 0xff;
        assertTrue(grey == 127 || grey == 128, "level c's data row is mid grey: " + grey);
    }

    @Test
    void aSixColumnReportShowsEveryColumnTheSamplesQualityAndTheLowestRows() throws IOException {
        ContinuousNormalizingFlow flow =
                ContinuousNormalizingFlow.builder(6).hiddenDims(8).seed(4).build();
        INDArray data = ContinuousNormalizingFlow.standardNormal(120, 6, new SplittableRandom(2));
        List<String> names = List.of("age", "bmi", "bp", "s1", "s2", "target");
        Path out = dir.resolve("six");
        Path index = ReportGenerator.generate(
                new ReportGenerator.Input(DensityModel.of(flow))
                        .data(data, "six columns", names, false)
                        .gridResolution(8)
                        .samples(200),
                out);
        Document doc = Jsoup.parse(Files.readString(index));
        List<String> images = doc.select("img").eachAttr("src");
        assertTrue(images.contains("columns.png") && images.contains("logp.png"), images.toString());
        // three histograms a row, two rows
        PngAssertions.assertPng(out.resolve("columns.png"), 3 * 330, 2 * 230);
        String text = doc.text();
        assertTrue(text.contains("energy distance to the"), text);
        assertTrue(text.contains("1-NN two-sample test accuracy"), text);
        assertTrue(text.contains("samples outside the data's range"), text);
        assertTrue(text.contains("Lowest log p") && text.contains("bmi = "), text);
        // above two columns the density and the samples are drawn on the principal plane, its axes named
        assertTrue(images.contains("density.png") && images.contains("samples.png"), images.toString());
        assertTrue(text.contains("Log-density on the principal plane"), text);
        assertTrue(
                java.util.regex.Pattern.compile("PC1: -?0\\.\\d\\d (age|bmi|bp|s1|s2|target), ")
                        .matcher(text)
                        .find(),
                text);
        assertTrue(text.contains("projected on the first two principal components of the evaluation data"), text);
    }

    @Test
    void aWideTableShowsTheColumnsWhereDataAndSamplesDifferMost() {
        SplittableRandom r = new SplittableRandom(5);
        int dim = 20;
        double[] d = new double[300 * dim];
        double[] s = new double[300 * dim];
        for (int i = 0; i < 300; i++) {
            for (int j = 0; j < dim; j++) {
                d[i * dim + j] = r.nextGaussian();
                // columns 3 and 17 of the samples are shifted
                s[i * dim + j] = r.nextGaussian() + (j == 3 || j == 17 ? 2 : 0);
            }
        }
        int[] chosen = ColumnCharts.chooseColumns(
                org.nd4j.linalg.factory.Nd4j.create(d, new long[] {300, dim}),
                org.nd4j.linalg.factory.Nd4j.create(s, new long[] {300, dim}));
        assertEquals(ColumnCharts.MAX_COLUMNS, chosen.length);
        List<Integer> list = java.util.Arrays.stream(chosen).boxed().toList();
        assertTrue(list.contains(3) && list.contains(17), list.toString());
    }
}
