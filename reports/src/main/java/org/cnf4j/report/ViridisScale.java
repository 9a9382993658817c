package org.cnf4j.report;

import java.awt.Color;
import java.awt.Paint;
import org.jfree.chart.renderer.PaintScale;

/**
 * The viridis colour map (perceptually uniform, readable in grey and by colour-blind readers)
 * as a JFreeChart {@link PaintScale} over [lower, upper]; values outside are clamped.
 */
public final class ViridisScale implements PaintScale {

    /** Viridis at 11 evenly spaced points, from matplotlib's definition. */
    private static final int[][] ANCHORS = {
        {68, 1, 84},
        {72, 35, 116},
        {64, 67, 135},
        {52, 94, 141},
        {41, 120, 142},
        {32, 144, 140},
        {34, 167, 132},
        {68, 190, 112},
        {121, 209, 81},
        {189, 222, 38},
        {253, 231, 37}
    };

    private final double lower;
    private final double upper;

    /** A scale from {@code lower} (dark purple) to {@code upper} (yellow). */
    public ViridisScale(double lower, double upper) {
        if (!(upper > lower)) {
            upper = lower + 1;
        }
        this.lower = lower;
        this.upper = upper;
    }

    @Override
    public double getLowerBound() {
        return lower;
    }

    @Override
    public double getUpperBound() {
        return upper;
    }

    @Override
    public Paint getPaint(double value) {
        double u = Double.isNaN(value) ? 0 : Math.max(0, Math.min(1, (value - lower) / (upper - lower)));
        double pos = u * (ANCHORS.length - 1);
        int i = Math.min(ANCHORS.length - 2, (int) Math.floor(pos));
        double f = pos - i;
        int[] a = ANCHORS[i];
        int[] b = ANCHORS[i + 1];
        return new Color((int) Math.round(a[0] + f * (b[0] - a[0])), (int) Math.round(a[1] + f * (b[1] - a[1])), (int)
                Math.round(a[2] + f * (b[2] - a[2])));
    }
}
