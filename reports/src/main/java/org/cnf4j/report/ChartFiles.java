package org.cnf4j.report;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.cnf4j.io.AtomicFiles;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;

/**
 * Writes charts and images as PNG files, headless and atomically (a failure leaves no partial
 * file). Sets {@code java.awt.headless=true} unless the caller chose otherwise.
 */
public final class ChartFiles {

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private ChartFiles() {}

    /** Renders the chart to a PNG of the given size. */
    public static void writePng(JFreeChart chart, Path path, int width, int height) throws IOException {
        AtomicFiles.write(path, out -> ChartUtils.writeChartAsPNG(out, chart, width, height));
    }

    /** Writes an image as PNG. */
    public static void writePng(BufferedImage image, Path path) throws IOException {
        AtomicFiles.write(path, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer available");
            }
        });
    }

    /**
     * A grey-scale image of a pixel matrix (e.g. from {@code ImageGrid.arrange}): values mapped
     * linearly from [lo, hi] to black..white, each pixel drawn as a scale x scale block, with a
     * one-block border between images of size height x width.
     */
    public static BufferedImage greyImage(double[][] pixels, int height, int width, double lo, double hi, int scale) {
        int rows = pixels.length / height;
        int cols = pixels[0].length / width;
        int gap = scale;
        int w = cols * width * scale + (cols + 1) * gap;
        int h = rows * height * scale + (rows + 1) * gap;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = img.createGraphics();
        g.setColor(new Color(200, 60, 60));
        g.fillRect(0, 0, w, h);
        for (int r = 0; r < pixels.length; r++) {
            for (int c = 0; c < pixels[r].length; c++) {
                double u = Math.max(0, Math.min(1, (pixels[r][c] - lo) / (hi - lo)));
                int v = (int) Math.round(255 * u);
                g.setColor(new Color(v, v, v));
                int x = gap + (c / width) * (width * scale + gap) + (c % width) * scale;
                int y = gap + (r / height) * (height * scale + gap) + (r % height) * scale;
                g.fillRect(x, y, scale, scale);
            }
        }
        g.dispose();
        return img;
    }
}
