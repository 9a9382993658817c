package org.cnf4j.sample;

import org.cnf4j.linalg.NativeArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Image-shaped samples (rows of height x width pixels, row-major, e.g. 8x8 digits) arranged as a
 * grid of images: a pixel matrix {@code [rows * height][columns * width]} for rendering.
 */
public final class ImageGrid {

    private ImageGrid() {}

    /** Parses an image shape such as {@code 8x8} (height x width). */
    public static int[] parseShape(String text) {
        String[] parts = text.toLowerCase(java.util.Locale.ROOT).split("x");
        try {
            if (parts.length == 2) {
                int h = Integer.parseInt(parts[0].trim());
                int w = Integer.parseInt(parts[1].trim());
                if (h > 0 && w > 0) {
                    return new int[] {h, w};
                }
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("an image shape is HEIGHTxWIDTH, e.g. 8x8; got '" + text + "'");
    }

    /**
     * Arranges the rows of {@code images} [n, height * width] into a grid with {@code columns}
     * images a row.
     */
    public static double[][] arrange(INDArray images, int height, int width, int columns) {
        int n = images.rows();
        if (images.columns() != (long) height * width) {
            throw new IllegalArgumentException("images of " + height + "x" + width + " need " + height * width
                    + " values a row, the data have " + images.columns());
        }
        int rows = (n + columns - 1) / columns;
        double[][] out = new double[rows * height][columns * width];
        double[] v = NativeArrays.toArray(images.castTo(DataType.DOUBLE).dup('c'));
        for (int k = 0; k < n; k++) {
            int r0 = (k / columns) * height;
            int c0 = (k % columns) * width;
            for (int i = 0; i < height; i++) {
                for (int j = 0; j < width; j++) {
                    out[r0 + i][c0 + j] = v[k * height * width + i * width + j];
                }
            }
        }
        return out;
    }
}
