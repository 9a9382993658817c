package org.cnf4j.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.io.TrainingSummary;
import org.cnf4j.linalg.NativeArrays;
import org.cnf4j.sample.DensityGrid;
import org.cnf4j.sample.DensityModel;
import org.cnf4j.sample.GridSpec;
import org.cnf4j.sample.ImageGrid;
import org.cnf4j.sample.ProgressListener;
import org.cnf4j.sample.Sampler;
import org.cnf4j.sample.Trajectories;
import org.cnf4j.train.Evaluation;
import org.cnf4j.train.IterationStats;
import org.cnf4j.train.ValidationStats;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Builds the HTML report of a run: configuration, data summary, metrics (test NLL in nats and,
 * for dequantised data, bits per dimension; evaluations; wall time; parameter count) and every
 * plot: density heat map (or a 2-D slice for higher dimensions), data against samples, training
 * curves, trajectories, image sample grid, and the tolerance sweep when one was measured.
 */
public final class ReportGenerator {

    /** What goes into a report. */
    public static final class Input {
        private final DensityModel model;
        private String title = "cnf4j run report";
        private String modelName = "model";
        private INDArray data;
        private String dataDescription = "none";
        private String split = "evaluation data";
        private List<String> columns;
        private boolean dequantized;
        private List<IterationStats> iterations = List.of();
        private List<ValidationStats> validations = List.of();
        private TrainingSummary summary;
        private final Map<String, String> configuration = new LinkedHashMap<>();
        private int[] imageShape;
        private int gridResolution = 100;
        private int samples = 2000;
        private long seed;
        private ToleranceSweep sweep;
        private String sweepLabel = "";
        private final List<String> compareLabels = new ArrayList<>();
        private final List<ToleranceSweep> compareSweeps = new ArrayList<>();
        private ProgressListener progress = ProgressListener.NONE;

        /** The report of a model. */
        public Input(DensityModel model) {
            this.model = model;
        }

        /** Page title. */
        public Input title(String t) {
            this.title = t;
            return this;
        }

        /** How to name the model (e.g. its file). */
        public Input modelName(String name) {
            this.modelName = name;
            return this;
        }

        /** Evaluation data in the data's units, its description and column names. */
        public Input data(INDArray values, String description, List<String> columnNames, boolean wasDequantized) {
            this.data = values;
            this.dataDescription = description;
            this.columns = columnNames;
            this.dequantized = wasDequantized;
            return this;
        }

        /**
         * What the evaluation rows are, for the NLL's label: e.g. "test rows" or "all 10,000 rows
         * of points.csv (training rows included)".
         */
        public Input split(String what) {
            this.split = what;
            return this;
        }

        /** Training history. */
        public Input history(List<IterationStats> its, List<ValidationStats> vals) {
            this.iterations = its;
            this.validations = vals;
            return this;
        }

        /** Training summary. */
        public Input summary(TrainingSummary s) {
            this.summary = s;
            return this;
        }

        /** A configuration row. */
        public Input config(String key, Object value) {
            configuration.put(key, String.valueOf(value));
            return this;
        }

        /** Image shape (height, width) for an image sample grid, or null. */
        public Input imageShape(int[] shape) {
            this.imageShape = shape;
            return this;
        }

        /** Cells a side of the density grid. */
        public Input gridResolution(int r) {
            this.gridResolution = r;
            return this;
        }

        /** Samples drawn for the plots. */
        public Input samples(int n) {
            this.samples = n;
            return this;
        }

        /** Seed of the samples. */
        public Input seed(long s) {
            this.seed = s;
            return this;
        }

        /** A measured tolerance sweep of this report's model, named (e.g. by its objective) when compared. */
        public Input toleranceSweep(ToleranceSweep s, String label) {
            this.sweep = s;
            this.sweepLabel = label;
            return this;
        }

        /** Another model's tolerance sweep, drawn beside this model's in the same plot. */
        public Input compareSweep(String label, ToleranceSweep s) {
            compareLabels.add(label);
            compareSweeps.add(s);
            return this;
        }

        /** A measured tolerance sweep to plot, or null. */
        public Input toleranceSweep(ToleranceSweep s) {
            this.sweep = s;
            return this;
        }

        /** Progress of the density grid. */
        public Input progress(ProgressListener p) {
            this.progress = p;
            return this;
        }
    }

    private ReportGenerator() {
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
    }

    /** Writes the report folder (PNGs, then index.html) and returns the page's path. */
    public static Path generate(Input in, Path dir) throws IOException {
        Files.createDirectories(dir);
        DensityModel model = in.model;
        ContinuousNormalizingFlow flow = model.flow();
        int dim = flow.dim();
        List<String> cols = in.columns != null && in.columns.size() == dim ? in.columns : defaultColumns(dim);
        RunReport report = new RunReport(in.title, "Model " + in.modelName + ": " + flow.blockCount() + " block(s) of "
                + flow.block(0).describe());
        for (Map.Entry<String, String> e : in.configuration.entrySet()) {
            report.row("Configuration", e.getKey(), e.getValue());
        }
        report.row("Configuration", "architecture", flow.block(0).describe() + " x " + flow.blockCount() + " block(s)");
        StringBuilder times = new StringBuilder();
        for (int k = 0; k < flow.blockCount(); k++) {
            times.append(k == 0 ? "" : ", ").append(fmt(flow.endTime(k)));
        }
        boolean flowMatching = in.summary != null ? "flow-matching".equals(in.summary.objectiveName())
                : Charts.isSolveFree(in.iterations);
        report.row("Configuration", "end times T", times + (flowMatching ? " (fixed: flow matching does not train T)"
                : flow.trainsEndTime() ? " (trained)" : " (fixed)"));
        report.row("Configuration", "solver", flow.solver().toString());
        report.row("Configuration", "evaluation trace estimator", flow.traceEstimator().name());

        report.row("Data", "source", in.dataDescription);
        report.row("Data", "dimension", dim);
        report.row("Data", "columns", String.join(", ", cols));
        if (in.data != null) {
            report.row("Data", "evaluation rows", in.data.rows());
        }
        report.row("Data", "standardised", model.standardizer().isIdentity() ? "no" : "yes (mean and std of the training rows)");
        report.row("Data", "dequantised", in.dequantized ? "yes (uniform noise in [0, 1))" : "no");

        report.row("Metrics", "parameters", flow.parameterCount());
        double dataNll = Double.NaN;
        if (in.data != null && in.data.rows() > 0) {
            Evaluation.Result r = Evaluation.logProb(flow, model.standardizer(), in.data);
            double nll = r.meanNll();
            dataNll = nll;
            report.row("Metrics", "NLL of the " + in.split + " [nats]", fmt(nll));
            if (in.dequantized) {
                report.row("Metrics", "bits per dimension", fmt(Evaluation.bitsPerDim(nll, dim)));
            }
            report.row("Metrics", "evaluation function evaluations", r.stats().functionEvaluations());
        }
        if (in.summary != null) {
            TrainingSummary s = in.summary;
            report.row("Metrics", "test NLL at the end of training [nats]", fmt(s.testNll()));
            if (in.dequantized && !Double.isNaN(s.testNll())) {
                report.row("Metrics", "test bits per dimension", fmt(Evaluation.bitsPerDim(s.testNll(), dim)));
            }
            report.row("Metrics", "best validation NLL [nats]", fmt(s.bestValidationNll())
                    + (s.bestIteration() >= 0 ? " at iteration " + s.bestIteration() : ""));
            report.row("Metrics", "iterations", s.iterations());
            report.row("Metrics", "training wall time", String.format(Locale.ROOT, "%.1f s", s.wallSeconds()));
            report.row("Metrics", "training objective", s.objective() == null ? "mle" : s.objective());
            if (!flowMatching) {
                report.row("Metrics", "gradient method / trace estimator", s.gradientMethod() + " / "
                        + s.traceEstimator());
            }
            if (s.baselines() != null) {
                report.row("Baselines", "flow, test NLL [nats]", fmt(s.testNll()));
                report.row("Baselines", "full-covariance Gaussian, test NLL [nats]", fmt(s.baselines().gaussianTestNll()));
                report.row("Baselines", "Gaussian mixture (" + s.baselines().mixtureComponents()
                        + " components, chosen on validation), test NLL [nats]", fmt(s.baselines().mixtureTestNll()));
                if (in.dequantized) {
                    report.row("Baselines", "bits per dimension: flow / Gaussian / mixture",
                            fmt(Evaluation.bitsPerDim(s.testNll(), dim)) + " / "
                                    + fmt(Evaluation.bitsPerDim(s.baselines().gaussianTestNll(), dim)) + " / "
                                    + fmt(Evaluation.bitsPerDim(s.baselines().mixtureTestNll(), dim)));
                }
            }
        }
        report.summary(summaryLine(in, dataNll));
        if (!in.iterations.isEmpty()) {
            double fwd = 0;
            double bwd = 0;
            double secs = 0;
            for (IterationStats s : in.iterations) {
                fwd += s.forwardEvaluations();
                bwd += s.backwardEvaluations();
                secs += s.seconds();
            }
            int n = in.iterations.size();
            if (!flowMatching) {
                report.row("Metrics", "mean evaluations per iteration (forward / backward)",
                        String.format(Locale.ROOT, "%.1f / %.1f", fwd / n, bwd / n));
            }
            report.row("Metrics", "mean seconds per iteration", String.format(Locale.ROOT, "%.4f", secs / n));
        }

        // density
        GridSpec spec = in.data != null && in.data.rows() > 0 ? GridSpec.around(in.data, 0, 1, in.gridResolution) : GridSpec.square(dim, -4, 4, in.gridResolution);
        if (dim >= 2) {
            DensityGrid grid = DensityGrid.compute(model, spec, in.progress);
            ChartFiles.writePng(Charts.densityHeatMap(grid, false, dim == 2 ? "Model log-density"
                    : "Model log-density, slice through the data mean", cols.get(0), cols.get(1)),
                    dir.resolve("density.png"), 760, 640);
            report.figure("density.png", "Log-density", dim == 2 ? "log p(x) of the model on a "
                    + in.gridResolution + " x " + in.gridResolution + " grid, in the data's units."
                    : "log p(x) on a 2-D slice through the data mean, varying " + cols.get(0) + " and " + cols.get(1)
                    + " with the other coordinates held fixed.");
        }
        // samples
        INDArray samples = new Sampler(model).sample(in.samples, in.seed).samples();
        if (dim >= 2 && in.data != null && in.data.rows() > 0) {
            // as many points on each side, so the two panels look alike when the model is right
            int shown = (int) Math.min(in.data.rows(), in.samples);
            INDArray dataShown = evenlySpaced(in.data, shown);
            INDArray samplesShown = samples.get(NDArrayIndex.interval(0, shown), NDArrayIndex.all());
            ChartFiles.writePng(Charts.samplesComparison(dataShown, samplesShown, 0, 1, cols.get(0), cols.get(1)),
                    dir.resolve("samples.png"), 1000, 500);
            report.figure("samples.png", "Data and samples", "Left: " + shown + " rows of the " + in.split
                    + "; right: " + shown + " samples from the model (seed " + in.seed + "); coordinates "
                    + cols.get(0) + " and " + cols.get(1) + ", on shared axes.");
        }
        // training curves
        if (!in.iterations.isEmpty()) {
            ChartFiles.writePng(Charts.trainingCurves(in.iterations, in.validations,
                    in.summary == null ? null : in.summary.baselines()), dir.resolve("training.png"), 900, 620);
            report.figure("training.png", "Training curves", (Charts.isSolveFree(in.iterations)
                    ? "Top: negative log-likelihood of the validation set (nats, exact trace). Bottom: the flow-matching "
                            + "loss of each training batch and of the validation set (no ODE is solved in training)."
                    : "Top: negative log-likelihood of each training batch and of the validation set (nats). Bottom: "
                            + "function evaluations of the forward and backward solves per iteration.")
                    + (in.summary != null && in.summary.baselines() != null
                            ? " Dashed: the baselines' test NLL, for reference." : ""));
        }
        // trajectories
        if (dim >= 2 && in.data != null && in.data.rows() > 0) {
            INDArray pts = in.data.get(NDArrayIndex.interval(0, Math.min(40, in.data.rows())), NDArrayIndex.all());
            Trajectories tr = Trajectories.compute(model, pts, 25);
            boolean standardised = !model.standardizer().isIdentity();
            ChartFiles.writePng(Charts.trajectories(tr, 0, 1, 40, standardised), dir.resolve("trajectories.png"), 760,
                    640);
            report.figure("trajectories.png", "Trajectories", "Paths of " + pts.rows() + " data points through the flow "
                    + "from data (t = 0) to latent, read off the solver's dense output ("
                    + (standardised ? "standardised space" : "the data's units") + "), coloured by time. A path may "
                    + "pass its end point and turn back: the field depends on t, and only where a point ends is "
                    + "scored against the base distribution.");
        }
        // image grid
        if (in.imageShape != null) {
            int h = in.imageShape[0];
            int w = in.imageShape[1];
            if ((long) h * w != dim) {
                throw new IllegalArgumentException("an image shape of " + h + "x" + w + " needs " + h * w
                        + " dimensions, the model has " + dim);
            }
            int count = Math.min(64, in.samples);
            INDArray imgs = samples.get(NDArrayIndex.interval(0, count), NDArrayIndex.all());
            double[] range = range(in.data != null && in.data.rows() > 0 ? in.data : imgs);
            ChartFiles.writePng(ChartFiles.greyImage(ImageGrid.arrange(imgs, h, w, 8), h, w, range[0], range[1], 6),
                    dir.resolve("images.png"));
            report.figure("images.png", "Generated images", count + " samples shown as " + h + "x" + w
                    + " images (grey scale from the data's minimum to maximum).");
        }
        if (in.sweep != null) {
            List<String> labels = new ArrayList<>(List.of(in.sweepLabel));
            labels.addAll(in.compareLabels);
            List<ToleranceSweep> sweeps = new ArrayList<>(List.of(in.sweep));
            sweeps.addAll(in.compareSweeps);
            ChartFiles.writePng(Charts.toleranceSweep(labels, sweeps), dir.resolve("tolerance.png"), 860, 560);
            StringBuilder caption = new StringBuilder("Log-density of " + in.sweep.points()
                    + " points at solver tolerances from " + in.sweep.tolerances()[0] + " to "
                    + in.sweep.tolerances()[in.sweep.tolerances().length - 1]
                    + ": function evaluations and error against the tightest solve");
            if (sweeps.size() > 1) {
                caption.append(", for each model (solid: evaluations, dashed: error). Evaluations at the default 1e-5:");
                for (int m = 0; m < sweeps.size(); m++) {
                    caption.append(m == 0 ? " " : "; ").append(labels.get(m)).append(" ")
                            .append(evaluationsAt(sweeps.get(m), 1e-5));
                }
            }
            report.figure("tolerance.png", "Adaptive computation", caption.append(".").toString());
        }
        return report.write(dir);
    }

    /** The result in words: the test NLL against the baselines, or the NLL of the evaluation rows. */
    private static String summaryLine(Input in, double dataNll) {
        TrainingSummary s = in.summary;
        if (s != null && !Double.isNaN(s.testNll())) {
            String line = String.format(Locale.ROOT, "Test NLL %.4f nats", s.testNll());
            if (s.baselines() == null) {
                return line + ".";
            }
            double g = s.baselines().gaussianTestNll();
            double m = s.baselines().mixtureTestNll();
            int better = (s.testNll() < g ? 1 : 0) + (s.testNll() < m ? 1 : 0);
            String verdict = better == 2 ? "better than both baselines" : better == 0 ? "worse than both baselines"
                    : "between the two baselines";
            return line + String.format(Locale.ROOT, " (lower is better): %s, the Gaussian's %.4f and the Gaussian "
                    + "mixture's %.4f on the same test rows.", verdict, g, m);
        }
        if (!Double.isNaN(dataNll)) {
            return String.format(Locale.ROOT, "NLL of the %s: %.4f nats.", in.split, dataNll);
        }
        return "";
    }

    /** n rows of x spread evenly over it (all of them when n is its row count). */
    private static INDArray evenlySpaced(INDArray x, int n) {
        if (n >= x.rows()) {
            return x;
        }
        long[] rows = new long[n];
        for (int i = 0; i < n; i++) {
            rows[i] = (long) ((double) i * x.rows() / n);
        }
        return x.getRows(java.util.Arrays.stream(rows).mapToInt(r -> (int) r).toArray());
    }

    /** Evaluations of a sweep at a tolerance ("n/a" when it was not measured there). */
    private static String evaluationsAt(ToleranceSweep s, double tolerance) {
        for (int i = 0; i < s.tolerances().length; i++) {
            if (Math.abs(s.tolerances()[i] / tolerance - 1) < 1e-9) {
                return Integer.toString(s.evaluations()[i]);
            }
        }
        return "n/a";
    }

    private static List<String> defaultColumns(int dim) {
        java.util.List<String> c = new java.util.ArrayList<>();
        for (int i = 0; i < dim; i++) {
            c.add("x" + i);
        }
        return c;
    }

    private static double[] range(INDArray x) {
        double[] v = NativeArrays.toArray(x.castTo(DataType.DOUBLE).dup('c'));
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double d : v) {
            lo = Math.min(lo, d);
            hi = Math.max(hi, d);
        }
        return hi > lo ? new double[] {lo, hi} : new double[] {lo, lo + 1};
    }
}
