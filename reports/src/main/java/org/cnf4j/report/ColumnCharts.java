package org.cnf4j.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.cnf4j.linalg.NativeArrays;
import org.cnf4j.sample.SampleQuality;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.data.statistics.HistogramDataset;
import org.jfree.data.statistics.HistogramType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Views of a table of any width: each column's histogram of data against samples (the columns
 * where they differ most when there are many), and the histogram of per-row log-densities.
 */
public final class ColumnCharts {

    /** The most columns drawn; a wider table shows those where data and samples differ most. */
    public static final int MAX_COLUMNS = 12;

    private static final int BINS = 30;
    private static final int CELL_WIDTH = 330;
    private static final int CELL_HEIGHT = 230;
    private static final int PER_ROW = 3;
    private static final Color DATA = new Color(31, 119, 180, 150);
    private static final Color SAMPLES = new Color(255, 127, 14, 150);

    private ColumnCharts() {}

    /**
     * The columns to draw, in table order: every column up to {@link #MAX_COLUMNS}, else the
     * {@link #MAX_COLUMNS} whose one-dimensional energy distance between data and samples (each
     * scaled by the data's standard deviation) is largest.
     *
     * @param data {@code [n, dim]}
     * @param samples {@code [m, dim]}
     */
    public static int[] chooseColumns(INDArray data, INDArray samples) {
        int dim = data.columns();
        if (dim <= MAX_COLUMNS) {
            int[] all = new int[dim];
            for (int j = 0; j < dim; j++) {
                all[j] = j;
            }
            return all;
        }
        double[] score = new double[dim];
        for (int j = 0; j < dim; j++) {
            double[] a = column(data, j, 500);
            double[] b = column(samples, j, 500);
            double sd = Math.max(sd(a), 1e-12);
            for (int i = 0; i < a.length; i++) {
                a[i] /= sd;
            }
            for (int i = 0; i < b.length; i++) {
                b[i] /= sd;
            }
            score[j] = a.length >= 2 && b.length >= 2 ? SampleQuality.energyDistance(a, b, 1) : 0;
        }
        Integer[] order = new Integer[dim];
        for (int j = 0; j < dim; j++) {
            order[j] = j;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(score[y], score[x]));
        int[] chosen = new int[MAX_COLUMNS];
        for (int k = 0; k < MAX_COLUMNS; k++) {
            chosen[k] = order[k];
        }
        java.util.Arrays.sort(chosen);
        return chosen;
    }

    /** The first {@code max} values of column j. */
    static double[] column(INDArray x, int j, int max) {
        int n = Math.min(x.rows(), max);
        double[] v = NativeArrays.toArray(x.castTo(DataType.DOUBLE).dup('c'));
        int d = x.columns();
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = v[i * d + j];
        }
        return out;
    }

    private static double sd(double[] a) {
        double m = 0;
        for (double v : a) {
            m += v / a.length;
        }
        double s = 0;
        for (double v : a) {
            s += (v - m) * (v - m) / a.length;
        }
        return Math.sqrt(s);
    }

    /**
     * A grid of histograms, one per chosen column, of the data's values against the samples'
     * (densities, so that sets of different sizes compare), bins over the data's range widened by
     * a tenth on each side.
     */
    public static BufferedImage histograms(INDArray data, INDArray samples, List<String> names, int[] columns) {
        int rows = (columns.length + PER_ROW - 1) / PER_ROW;
        BufferedImage image = new BufferedImage(
                CELL_WIDTH * Math.min(PER_ROW, columns.length), CELL_HEIGHT * rows, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        for (int k = 0; k < columns.length; k++) {
            int j = columns[k];
            JFreeChart chart =
                    histogram(column(data, j, Integer.MAX_VALUE), column(samples, j, Integer.MAX_VALUE), names.get(j));
            chart.draw(
                    g,
                    new Rectangle2D.Double(
                            (k % PER_ROW) * CELL_WIDTH, (k / PER_ROW) * CELL_HEIGHT, CELL_WIDTH, CELL_HEIGHT));
        }
        g.dispose();
        return image;
    }

    private static JFreeChart histogram(double[] data, double[] samples, String name) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double v : data) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        double pad = hi > lo ? 0.1 * (hi - lo) : 1;
        HistogramDataset d = new HistogramDataset();
        d.setType(HistogramType.SCALE_AREA_TO_1);
        d.addSeries("data", data, BINS, lo - pad, hi + pad);
        d.addSeries("samples", clip(samples, lo - pad, hi + pad), BINS, lo - pad, hi + pad);
        // the column's name is the title; one legend for the grid is in the caption (blue data, orange samples)
        JFreeChart chart =
                ChartFactory.createHistogram(null, null, null, d, PlotOrientation.VERTICAL, false, false, false);
        chart.setTitle(new org.jfree.chart.title.TextTitle(name, new Font(Font.SANS_SERIF, Font.BOLD, 12)));
        XYPlot plot = chart.getXYPlot();
        XYBarRenderer r = (XYBarRenderer) plot.getRenderer();
        r.setShadowVisible(false);
        r.setBarPainter(new org.jfree.chart.renderer.xy.StandardXYBarPainter());
        r.setSeriesPaint(0, DATA);
        r.setSeriesPaint(1, SAMPLES);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(220, 220, 220));
        return chart;
    }

    /** Samples outside the shown range are left out of the histogram (they are counted in the report). */
    private static double[] clip(double[] v, double lo, double hi) {
        List<Double> kept = new ArrayList<>();
        for (double x : v) {
            if (x >= lo && x <= hi) {
                kept.add(x);
            }
        }
        double[] out = new double[kept.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = kept.get(i);
        }
        return out.length == 0 ? new double[] {lo} : out;
    }

    /** The histogram of per-row log-densities (nats) of the evaluation rows. */
    public static JFreeChart logDensityHistogram(double[] logp, String split) {
        HistogramDataset d = new HistogramDataset();
        d.addSeries("log p", logp, Math.max(10, Math.min(60, logp.length / 10)));
        JFreeChart chart = ChartFactory.createHistogram(
                "Per-row log-density of the " + split,
                "log p(x) [nats]",
                "rows",
                d,
                PlotOrientation.VERTICAL,
                false,
                false,
                false);
        XYPlot plot = chart.getXYPlot();
        XYBarRenderer r = (XYBarRenderer) plot.getRenderer();
        r.setShadowVisible(false);
        r.setBarPainter(new org.jfree.chart.renderer.xy.StandardXYBarPainter());
        r.setSeriesPaint(0, DATA);
        plot.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /**
     * Samples with a coordinate outside the data's range widened by a tenth of it on each side:
     * draws where the data have none.
     */
    public static int outsideSupport(INDArray data, INDArray samples) {
        int d = data.columns();
        double[] v = NativeArrays.toArray(data.castTo(DataType.DOUBLE).dup('c'));
        double[] lo = new double[d];
        double[] hi = new double[d];
        java.util.Arrays.fill(lo, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(hi, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < v.length; i++) {
            lo[i % d] = Math.min(lo[i % d], v[i]);
            hi[i % d] = Math.max(hi[i % d], v[i]);
        }
        double[] s = NativeArrays.toArray(samples.castTo(DataType.DOUBLE).dup('c'));
        int outside = 0;
        for (int r = 0; r < s.length / d; r++) {
            for (int j = 0; j < d; j++) {
                double pad = 0.1 * (hi[j] - lo[j]);
                double x = s[r * d + j];
                if (x < lo[j] - pad || x > hi[j] + pad) {
                    outside++;
                    break;
                }
            }
        }
        return outside;
    }
}
