package org.cnf4j.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.List;
import org.cnf4j.linalg.NativeArrays;
import org.cnf4j.sample.DensityGrid;
import org.cnf4j.sample.GridSpec;
import org.cnf4j.sample.Trajectories;
import org.cnf4j.train.IterationStats;
import org.cnf4j.train.ValidationStats;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.CombinedRangeXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Chart builders: pure functions from results to {@link JFreeChart}s, written out by {@link ChartFiles}. */
public final class Charts {

    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 16);
    private static final int MAX_POINTS = 5000;

    private Charts() {}

    /**
     * A heat map of a density grid: log p (nats) or, with {@code probability}, p itself, on the
     * viridis scale with a colour bar.
     */
    public static JFreeChart densityHeatMap(
            DensityGrid grid, boolean probability, String title, String xLabel, String yLabel) {
        GridSpec spec = grid.spec();
        int r = spec.resolution();
        double[] xs = new double[r * r];
        double[] ys = new double[r * r];
        double[] zs = new double[r * r];
        double max = grid.max();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < r; j++) {
            for (int i = 0; i < r; i++) {
                int k = j * r + i;
                xs[k] = spec.x(i);
                ys[k] = spec.y(j);
                double v = grid.logProb()[j][i];
                zs[k] = probability ? Math.exp(v) : Math.max(v, max - 20);
                lo = Math.min(lo, zs[k]);
                hi = Math.max(hi, zs[k]);
            }
        }
        DefaultXYZDataset data = new DefaultXYZDataset();
        data.addSeries("density", new double[][] {xs, ys, zs});
        XYBlockRenderer renderer = new XYBlockRenderer();
        renderer.setBlockWidth(spec.cellWidth());
        renderer.setBlockHeight(spec.cellHeight());
        ViridisScale scale = new ViridisScale(lo, hi);
        renderer.setPaintScale(scale);
        NumberAxis x = new NumberAxis(xLabel);
        x.setRange(spec.xMin(), spec.xMax());
        NumberAxis y = new NumberAxis(yLabel);
        y.setRange(spec.yMin(), spec.yMax());
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setBackgroundPaint(Color.BLACK);
        JFreeChart chart = new JFreeChart(title, TITLE, plot, false);
        NumberAxis legendAxis = new NumberAxis(probability ? "p(x)" : "log p(x) [nats]");
        legendAxis.setRange(lo, hi);
        PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setMargin(4, 4, 40, 4);
        legend.setStripWidth(12);
        chart.addSubtitle(legend);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /**
     * {@link #densityHeatMap} with points drawn over it (small white dots, at most 5,000): e.g.
     * data rows projected on the plane the density is drawn on.
     *
     * @param points [n, 2] coordinates on the grid's axes
     */
    public static JFreeChart densityHeatMapWithPoints(
            DensityGrid grid, String title, String xLabel, String yLabel, INDArray points) {
        JFreeChart chart = densityHeatMap(grid, false, title, xLabel, yLabel);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer dots = new XYLineAndShapeRenderer(false, true);
        dots.setSeriesShape(0, new java.awt.geom.Ellipse2D.Double(-1.5, -1.5, 3, 3));
        dots.setSeriesPaint(0, new Color(255, 255, 255, 190));
        plot.setDataset(1, new XYSeriesCollection(points("rows", points, 0, 1)));
        plot.setRenderer(1, dots);
        plot.setDatasetRenderingOrder(org.jfree.chart.plot.DatasetRenderingOrder.FORWARD);
        return chart;
    }

    private static XYSeries points(String name, INDArray data, int dimX, int dimY) {
        XYSeries s = new XYSeries(name, false, true);
        int d = data.columns();
        int n = Math.min(data.rows(), MAX_POINTS);
        double[] v = NativeArrays.toArray(data.castTo(DataType.DOUBLE).dup('c'));
        for (int i = 0; i < n; i++) {
            s.add(v[i * d + dimX], v[i * d + dimY]);
        }
        return s;
    }

    private static XYPlot scatter(XYSeries series, NumberAxis x, Color color) {
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true);
        renderer.setSeriesShape(0, new java.awt.geom.Ellipse2D.Double(-1.5, -1.5, 3, 3));
        renderer.setSeriesPaint(0, color);
        XYPlot plot = new XYPlot(new XYSeriesCollection(series), x, null, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return plot;
    }

    /** A scatter plot of points (at most 5,000) on two coordinates. */
    public static JFreeChart scatter(INDArray points, int dimX, int dimY, String xLabel, String yLabel, String title) {
        NumberAxis x = new NumberAxis(xLabel);
        x.setAutoRangeIncludesZero(false);
        XYPlot plot = scatter(points("samples", points, dimX, dimY), x, new Color(214, 39, 40));
        NumberAxis y = new NumberAxis(yLabel);
        y.setAutoRangeIncludesZero(false);
        plot.setRangeAxis(y);
        JFreeChart chart = new JFreeChart(title, TITLE, plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /**
     * Data and generated samples side by side (at most 5,000 points each), on the same axes, on
     * the coordinates {@code dimX} and {@code dimY}.
     */
    public static JFreeChart samplesComparison(
            INDArray data, INDArray samples, int dimX, int dimY, String xLabel, String yLabel) {
        NumberAxis shared = new NumberAxis(yLabel);
        shared.setAutoRangeIncludesZero(false);
        CombinedRangeXYPlot plot = new CombinedRangeXYPlot(shared);
        plot.setGap(16);
        XYSeries a = points("data", data, dimX, dimY);
        XYSeries b = points("samples", samples, dimX, dimY);
        double lo = Math.min(a.getMinX(), b.getMinX());
        double hi = Math.max(a.getMaxX(), b.getMaxX());
        double pad = 0.05 * Math.max(hi - lo, 1e-9);
        NumberAxis xa = new NumberAxis(xLabel + ", data");
        xa.setRange(lo - pad, hi + pad);
        NumberAxis xb = new NumberAxis(xLabel + ", samples");
        xb.setRange(lo - pad, hi + pad);
        plot.add(scatter(a, xa, new Color(31, 119, 180)), 1);
        plot.add(scatter(b, xb, new Color(214, 39, 40)), 1);
        JFreeChart chart = new JFreeChart("Data (left) and samples from the model (right)", TITLE, plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /**
     * Training curves: the batch NLL per iteration and the validation NLL (nats) above, forward
     * and backward function evaluations per iteration below, on a shared iteration axis. For a
     * solve-free objective (flow matching: no batch NLL, no evaluations) the lower plot shows the
     * objective's loss of each batch and of the validation set instead.
     */
    public static JFreeChart trainingCurves(List<IterationStats> iterations, List<ValidationStats> validations) {
        return trainingCurves(iterations, validations, null);
    }

    /**
     * {@link #trainingCurves(List, List)} with the baselines' test NLL as dashed reference lines
     * on the NLL plot (null for none).
     */
    public static JFreeChart trainingCurves(
            List<IterationStats> iterations,
            List<ValidationStats> validations,
            org.cnf4j.io.BaselineSummary baselines) {
        boolean solveFree = isSolveFree(iterations);
        XYSeries train = new XYSeries("training batch NLL");
        XYSeries forward = new XYSeries(solveFree ? "training batch flow-matching loss" : "forward evaluations");
        XYSeries backward = new XYSeries(solveFree ? "validation flow-matching loss" : "backward evaluations");
        for (IterationStats s : iterations) {
            if (solveFree) {
                forward.add(s.iteration() + 1, s.loss());
            } else {
                train.add(s.iteration() + 1, s.nll());
                forward.add(s.iteration() + 1, s.forwardEvaluations());
                backward.add(s.iteration() + 1, s.backwardEvaluations());
            }
        }
        XYSeries val = new XYSeries("validation NLL");
        for (ValidationStats v : validations) {
            val.add(v.iteration(), v.nll());
            if (solveFree && !Double.isNaN(v.objectiveLoss())) {
                backward.add(v.iteration(), v.objectiveLoss());
            }
        }
        XYSeriesCollection nll = new XYSeriesCollection();
        if (!solveFree) {
            nll.addSeries(train);
        }
        nll.addSeries(val);
        int v = solveFree ? 0 : 1;
        XYLineAndShapeRenderer r1 = new XYLineAndShapeRenderer(true, false);
        r1.setSeriesPaint(0, new Color(31, 119, 180, 140));
        r1.setSeriesPaint(v, new Color(214, 39, 40));
        r1.setSeriesShapesVisible(v, true);
        r1.setSeriesStroke(v, new BasicStroke(2f));
        NumberAxis nllAxis = new NumberAxis("NLL [nats]");
        nllAxis.setAutoRangeIncludesZero(false);
        XYPlot top = new XYPlot(nll, null, nllAxis, r1);
        if (baselines != null) {
            baselineLine(top, "Gaussian, test NLL", baselines.gaussianTestNll(), new Color(120, 120, 120));
            baselineLine(
                    top,
                    "Gaussian mixture (" + baselines.mixtureComponents() + "), test NLL",
                    baselines.mixtureTestNll(),
                    new Color(44, 160, 44));
        }
        XYSeriesCollection lower = new XYSeriesCollection();
        lower.addSeries(forward);
        lower.addSeries(backward);
        XYLineAndShapeRenderer r2 = new XYLineAndShapeRenderer(true, false);
        r2.setSeriesPaint(0, solveFree ? new Color(31, 119, 180, 140) : new Color(44, 160, 44));
        r2.setSeriesPaint(1, solveFree ? new Color(214, 39, 40) : new Color(148, 103, 189));
        if (solveFree) {
            r2.setSeriesShapesVisible(1, true);
            r2.setSeriesStroke(1, new BasicStroke(2f));
        }
        NumberAxis lowerAxis = new NumberAxis(solveFree ? "flow-matching loss" : "function evaluations");
        lowerAxis.setAutoRangeIncludesZero(!solveFree);
        XYPlot bottom = new XYPlot(lower, null, lowerAxis, r2);
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(new NumberAxis("iteration"));
        plot.setGap(12);
        plot.add(top, 3);
        plot.add(bottom, 2);
        JFreeChart chart = new JFreeChart("Training", TITLE, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** A dashed horizontal line at a baseline's NLL, labelled, included in the axis range. */
    private static void baselineLine(XYPlot plot, String label, double nll, Color colour) {
        if (!Double.isFinite(nll)) {
            return;
        }
        org.jfree.chart.plot.ValueMarker m = new org.jfree.chart.plot.ValueMarker(
                nll,
                colour,
                new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        m.setLabel(label);
        m.setLabelPaint(colour);
        m.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_RIGHT);
        m.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.BOTTOM_RIGHT);
        plot.addRangeMarker(m, org.jfree.chart.ui.Layer.FOREGROUND);
        // markers do not widen the auto range: widen it by hand once the data are known
        NumberAxis axis = (NumberAxis) plot.getRangeAxis();
        org.jfree.data.Range r = plot.getDataRange(axis);
        if (r != null && (nll < r.getLowerBound() || nll > r.getUpperBound())) {
            double lo = Math.min(r.getLowerBound(), nll);
            double hi = Math.max(r.getUpperBound(), nll);
            double pad = 0.05 * Math.max(hi - lo, 1e-9);
            axis.setRange(Math.min(axis.getLowerBound(), lo - pad), Math.max(axis.getUpperBound(), hi + pad));
        }
    }

    /** True when the iterations solved no ODE (flow matching): no batch NLL was measured. */
    public static boolean isSolveFree(List<IterationStats> iterations) {
        return !iterations.isEmpty() && iterations.stream().allMatch(s -> Double.isNaN(s.nll()));
    }

    /** {@link #trajectories(Trajectories, int, int, int, boolean)} in standardised coordinates. */
    public static JFreeChart trajectories(Trajectories tr, int dimX, int dimY, int maxPaths) {
        return trajectories(tr, dimX, dimY, maxPaths, true);
    }

    /**
     * Paths of points from data (circles) to latent (squares) in the flow's space, each segment
     * coloured by its time on the viridis scale (dark at t = 0, yellow at the end).
     *
     * @param standardised whether the flow's space is the standardised data (axis labels)
     */
    public static JFreeChart trajectories(Trajectories tr, int dimX, int dimY, int maxPaths, boolean standardised) {
        XYSeriesCollection paths = new XYSeriesCollection();
        int n = Math.min(tr.states()[0].rows(), maxPaths);
        XYSeries start = new XYSeries("data", false, true);
        XYSeries end = new XYSeries("latent", false, true);
        for (int p = 0; p < n; p++) {
            XYSeries s = new XYSeries("path " + p, false, true);
            for (INDArray state : tr.states()) {
                s.add(state.getDouble(p, dimX), state.getDouble(p, dimY));
            }
            paths.addSeries(s);
            INDArray first = tr.states()[0];
            INDArray last = tr.states()[tr.states().length - 1];
            start.add(first.getDouble(p, dimX), first.getDouble(p, dimY));
            end.add(last.getDouble(p, dimX), last.getDouble(p, dimY));
        }
        int steps = tr.states().length;
        ViridisScale byTime = new ViridisScale(0, Math.max(1, steps - 1));
        XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, false) {
            private static final long serialVersionUID = 1L;

            @Override
            public java.awt.Paint getItemPaint(int series, int item) {
                return byTime.getPaint(item);
            }
        };
        String space = standardised ? " (standardised)" : "";
        NumberAxis x = new NumberAxis("z" + dimX + space);
        x.setAutoRangeIncludesZero(false);
        NumberAxis y = new NumberAxis("z" + dimY + space);
        y.setAutoRangeIncludesZero(false);
        XYPlot plot = new XYPlot(paths, x, y, lines);
        XYSeriesCollection ends = new XYSeriesCollection();
        ends.addSeries(start);
        ends.addSeries(end);
        XYLineAndShapeRenderer marks = new XYLineAndShapeRenderer(false, true);
        marks.setSeriesPaint(0, new Color(31, 119, 180));
        marks.setSeriesPaint(1, new Color(214, 39, 40));
        marks.setSeriesShape(0, new java.awt.geom.Ellipse2D.Double(-2.5, -2.5, 5, 5));
        marks.setSeriesShape(1, new java.awt.Rectangle(-2, -2, 4, 4));
        plot.setDataset(1, ends);
        plot.setRenderer(1, marks);
        plot.setBackgroundPaint(Color.WHITE);
        JFreeChart chart = new JFreeChart("Trajectories from data to latent", TITLE, plot, false);
        chart.addSubtitle(new TextTitle(
                tr.states().length + " times over t in [0, " + String.format("%.3f", tr.times()[tr.times().length - 1])
                        + "]; circles: data, squares: latent; colour: time (dark to yellow)"));
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /**
     * Adaptive computation: function evaluations (left axis) and error against the tightest
     * solve (right axis, log scale) against the tolerance (log scale).
     */
    public static JFreeChart toleranceSweep(double[] tolerances, int[] evaluations, double[] errors) {
        return toleranceSweep(
                List.of(""), List.of(new ToleranceSweep(0, tolerances, evaluations, new double[0], errors)));
    }

    /**
     * The adaptive-computation plot of one or more models (e.g. one trained by maximum likelihood,
     * one by flow matching): per model its function evaluations (solid, left axis) and its error
     * against its own tightest solve (dashed, right axis, log scale) against the tolerance.
     *
     * @param labels a name per model ("" for a single unnamed one)
     * @param sweeps the measured sweeps, in the same order
     */
    public static JFreeChart toleranceSweep(List<String> labels, List<ToleranceSweep> sweeps) {
        Color[] palette = {
            new Color(31, 119, 180), new Color(214, 39, 40), new Color(44, 160, 44), new Color(148, 103, 189)
        };
        XYSeriesCollection nfe = new XYSeriesCollection();
        XYSeriesCollection err = new XYSeriesCollection();
        for (int m = 0; m < sweeps.size(); m++) {
            ToleranceSweep sw = sweeps.get(m);
            String suffix = labels.get(m).isEmpty() ? "" : " (" + labels.get(m) + ")";
            XYSeries a = new XYSeries("function evaluations" + suffix);
            XYSeries b = new XYSeries("max |log p - log p(tightest)|" + suffix);
            for (int i = 0; i < sw.tolerances().length; i++) {
                a.add(sw.tolerances()[i], sw.evaluations()[i]);
                if (sw.errors()[i] > 0) {
                    b.add(sw.tolerances()[i], sw.errors()[i]);
                }
            }
            nfe.addSeries(a);
            err.addSeries(b);
        }
        LogAxis tol = new LogAxis("tolerance (rtol = atol)");
        tol.setBase(10);
        boolean single = sweeps.size() == 1;
        XYLineAndShapeRenderer r1 = new XYLineAndShapeRenderer(true, true);
        XYLineAndShapeRenderer r2 = new XYLineAndShapeRenderer(true, true);
        for (int m = 0; m < sweeps.size(); m++) {
            r1.setSeriesPaint(m, palette[m % palette.length]);
            // one model: evaluations blue, errors red; several: one colour per model, errors dashed
            r2.setSeriesPaint(m, single ? palette[1] : palette[m % palette.length]);
            if (!single) {
                r2.setSeriesStroke(
                        m,
                        new BasicStroke(
                                1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            }
        }
        XYPlot plot = new XYPlot(nfe, tol, new NumberAxis("function evaluations"), r1);
        LogAxis errAxis = new LogAxis("error [nats]");
        errAxis.setBase(10);
        plot.setRangeAxis(1, errAxis);
        plot.setDataset(1, err);
        plot.mapDatasetToRangeAxis(1, 1);
        plot.setRenderer(1, r2);
        plot.setBackgroundPaint(Color.WHITE);
        JFreeChart chart = new JFreeChart("Speed and accuracy against the solver tolerance", TITLE, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }
}
