package org.cnf4j.io;

/**
 * How a model's rows are images: {@code height x width} pixels, row by row, and the grey scale of
 * the training data (black at {@code black}, white at {@code white}, in the data's units), so that
 * every picture of the model's samples and of its data uses one scale.
 *
 * @param height pixels per column
 * @param width pixels per row
 * @param black the value drawn black: the training rows' smallest value (after dequantisation)
 * @param white the value drawn white: their largest
 */
public record ImageLayout(int height, int width, double black, double white) {

    /** Validates. */
    public ImageLayout {
        if (height < 1 || width < 1 || (long) height * width > ModelFile.MAX_WIDTH) {
            throw new IllegalArgumentException("an image layout needs a height and width of at least 1 and at most "
                    + ModelFile.MAX_WIDTH + " pixels (got " + height + "x" + width + ")");
        }
        if (!Double.isFinite(black) || !Double.isFinite(white) || !(white > black)) {
            throw new IllegalArgumentException(
                    "an image layout's grey scale needs finite black < white (got " + black + ", " + white + ")");
        }
    }

    /** Pixels per image. */
    public int pixels() {
        return height * width;
    }
}
