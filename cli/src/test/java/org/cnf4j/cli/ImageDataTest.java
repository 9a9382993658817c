package org.cnf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model trained with {@code --image-shape} records its layout and the training rows' grey scale:
 * {@code cnf info} shows it, {@code cnf sample --png} draws images on it without the option, and
 * the report shows each class's real images above its samples.
 */
class ImageDataTest {

    @TempDir
    Path dir;

    @Test
    void theImageLayoutTravelsWithTheModel() throws Exception {
        Path model = dir.resolve("digits.zip");
        Path report = dir.resolve("report");
        CliRun train = CliRun.of(
                "train",
                "--data",
                "data/digits8x8.csv",
                "--context",
                "label",
                "--dequantize",
                "--image-shape",
                "8x8",
                "--out",
                model.toString(),
                "--report",
                report.toString(),
                "--iterations",
                "20",
                "--hidden",
                "8",
                "--no-baselines",
                "--quiet");
        assertEquals(0, train.code(), train.toString());
        CliRun info = CliRun.of("info", "--model", model.toString());
        // dequantised pixels 0..16 plus noise in [0, 1)
        java.util.regex.Matcher grey = java.util.regex.Pattern.compile(
                        "images: 8x8 pixels, grey scale from (\\S+) " + "\\(black\\) to (\\S+) \\(white\\)")
                .matcher(info.out());
        assertTrue(grey.find(), info.out());
        double black = Double.parseDouble(grey.group(1));
        double white = Double.parseDouble(grey.group(2));
        assertTrue(black >= 0 && black < 0.1 && white > 16.9 && white < 17, info.out());
        String page = Files.readString(report.resolve("index.html"));
        assertTrue(page.contains("For each level of label (0, 1, 2, 3, 4, 5, 6, 7, 8, 9): up to 8 rows of the"), page);
        assertTrue(page.contains("on the training rows&#39; grey scale"), page);
        BufferedImage grid = ImageIO.read(report.resolve("images.png").toFile());
        assertEquals(20 * (8 * 6 + 6) + 6, grid.getHeight(), "a data row and a sample row for each of 10 labels");
        Path png = dir.resolve("threes.png");
        CliRun sample = CliRun.of(
                "sample", "--model", model.toString(), "-n", "16", "--context", "label=3", "--png", png.toString());
        assertEquals(0, sample.code(), sample.toString());
        BufferedImage threes = ImageIO.read(png.toFile());
        assertEquals(8 * 8 * 6 + 9 * 6, threes.getWidth(), "8 images a row, drawn as images without --image-shape");
        assertEquals(2 * 8 * 6 + 3 * 6, threes.getHeight());
        CliRun wrong = CliRun.of(
                "train",
                "--data",
                "data/geyser.csv",
                "--image-shape",
                "8x8",
                "--out",
                dir.resolve("g.zip").toString(),
                "--iterations",
                "2",
                "--no-baselines",
                "--quiet");
        assertEquals(2, wrong.code(), wrong.toString());
        assertTrue(wrong.err().contains("--image-shape 8x8 needs 64 data columns; the data have 2"), wrong.err());
    }
}
