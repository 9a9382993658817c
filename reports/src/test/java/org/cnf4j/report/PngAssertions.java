package org.cnf4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Test helper shared with the cli module's tests (published as this module's test jar). */
public final class PngAssertions {

    private PngAssertions() {}

    /** Decodes a PNG and checks its size and that it is not blank (pixel variance above a floor). */
    public static BufferedImage assertPng(Path file, int width, int height) throws IOException {
        BufferedImage img = ImageIO.read(file.toFile());
        assertTrue(img != null, file + " does not decode as an image");
        if (width > 0) {
            assertEquals(width, img.getWidth());
            assertEquals(height, img.getHeight());
        }
        double sum = 0;
        double sq = 0;
        int n = 0;
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                int rgb = img.getRGB(x, y);
                double v = ((rgb >> 16) & 255) + ((rgb >> 8) & 255) + (rgb & 255);
                sum += v;
                sq += v * v;
                n++;
            }
        }
        double var = sq / n - (sum / n) * (sum / n);
        assertTrue(var > 100, file + " looks blank (pixel variance " + var + ")");
        return img;
    }
}
