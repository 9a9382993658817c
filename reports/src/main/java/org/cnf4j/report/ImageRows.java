package org.cnf4j.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import org.cnf4j.linalg.NativeArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Rows of small grey-scale images, each row labelled on its left (e.g. "3: data" above "3:
 * samples"), every image on one grey scale: values from {@code black} to {@code white} map
 * linearly to black..white, values beyond are clipped.
 */
public final class ImageRows {

    /** Images per row at most. */
    public static final int PER_ROW = 8;

    private static final int LABEL_WIDTH = 130;

    private ImageRows() {}

    /**
     * Draws the rows.
     *
     * @param labels one label per row
     * @param rows per row the images [n &lt;= {@link #PER_ROW}, height * width], row-major pixels; a row
     *     of 0 images stays empty
     * @param scale screen pixels per image pixel
     */
    public static BufferedImage draw(
            List<String> labels, List<INDArray> rows, int height, int width, double black, double white, int scale) {
        if (labels.size() != rows.size()) {
            throw new IllegalArgumentException(labels.size() + " labels for " + rows.size() + " rows");
        }
        int gap = scale;
        int cell = width * scale + gap;
        int w = LABEL_WIDTH + PER_ROW * cell + gap;
        int rowHeight = height * scale + gap;
        int h = rows.size() * rowHeight + gap;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        for (int r = 0; r < rows.size(); r++) {
            int y0 = gap + r * rowHeight;
            g.setColor(Color.DARK_GRAY);
            g.drawString(labels.get(r), 6, y0 + height * scale / 2 + 5);
            INDArray images = rows.get(r);
            int n = images == null ? 0 : Math.min(PER_ROW, images.rows());
            if (n == 0) {
                continue;
            }
            if (images.columns() != (long) height * width) {
                throw new IllegalArgumentException("an image of " + height + "x" + width + " needs " + height * width
                        + " values, the rows have " + images.columns());
            }
            double[] v = NativeArrays.toArray(images.castTo(DataType.DOUBLE).dup('c'));
            for (int k = 0; k < n; k++) {
                int x0 = LABEL_WIDTH + k * cell;
                for (int p = 0; p < height * width; p++) {
                    double u = Math.max(0, Math.min(1, (v[k * height * width + p] - black) / (white - black)));
                    int grey = (int) Math.round(255 * u);
                    g.setColor(new Color(grey, grey, grey));
                    g.fillRect(x0 + (p % width) * scale, y0 + (p / width) * scale, scale, scale);
                }
            }
        }
        g.dispose();
        return img;
    }
}
