package org.cnf4j.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cnf4j.data.ConditionalTable;
import org.cnf4j.data.ContextColumn;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.io.ImageLayout;
import org.cnf4j.io.TrainingSummary;
import org.cnf4j.linalg.NativeArrays;
import org.cnf4j.sample.ContextSource;
import org.cnf4j.sample.DensityGrid;
import org.cnf4j.sample.DensityModel;
import org.cnf4j.sample.GridSpec;
import org.cnf4j.sample.PrincipalPlane;
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
        private String producedBy;
        private List<String> columns;
        private boolean dequantized;
        private List<IterationStats> iterations = List.of();
        private List<ValidationStats> validations = List.of();
        private TrainingSummary summary;
        private final Map<String, String> configuration = new LinkedHashMap<>();
        private int[] imageShape;
        private ImageLayout image;
        private final List<String> baselineLabels = new ArrayList<>();
        private final List<INDArray> baselineSamples = new ArrayList<>();
        private int gridResolution = 100;
        private int samples = 2000;
        private long seed;
        private ToleranceSweep sweep;
        private String sweepLabel = "";
        private final List<String> compareLabels = new ArrayList<>();
        private final List<ToleranceSweep> compareSweeps = new ArrayList<>();
        private ProgressListener progress = ProgressListener.NONE;
        private List<ContextColumn> context = List.of();

        /** The report of a model. */
        public Input(DensityModel model) {
            this.model = model;
        }

        /**
         * The context columns of a conditional model (the evaluation rows are then joint rows
         * [x | encoded context]): density maps at a few contexts, samples at the rows' contexts,
         * one row of generated images per class.
         */
        public Input context(List<ContextColumn> columns) {
            this.context = List.copyOf(columns);
            return this;
        }

        /** The program and version that writes the report (e.g. {@code cnf 0.3.0 (cnf4j, ...)}), for its header. */
        public Input producedBy(String program) {
            this.producedBy = program;
            return this;
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

        /**
         * Samples of a baseline fitted to the same training rows, in the data's units [n, dim]:
         * their sample quality is shown beside the flow's.
         */
        public Input baselineSamples(String label, INDArray samples) {
            baselineLabels.add(label);
            baselineSamples.add(samples);
            return this;
        }

        /**
         * The rows are images of this layout, drawn on its grey scale (the model's, as {@code cnf
         * sample --png} draws them); takes precedence over {@link #imageShape}.
         */
        public Input image(ImageLayout layout) {
            this.image = layout;
            return this;
        }

        /** The rows are images of this shape (height, width), on the grey scale of the data shown. */
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

    /** Most density maps of a categorical context's levels (of 2-D data). */
    static final int MAX_CONTEXT_MAPS = 6;

    private ReportGenerator() {}

    /** Rows of each set that the sample-quality figures compare at most. */
    static final int QUALITY_ROWS = 1000;
    /** Rows listed under "Lowest log p". */
    static final int LOWEST_ROWS = 5;

    private static String fmt(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
    }

    /** Writes the report folder (PNGs, then index.html) and returns the page's path. */
    public static Path generate(Input in, Path dir) throws IOException {
        Files.createDirectories(dir);
        DensityModel model = in.model;
        ContinuousNormalizingFlow flow = model.flow();
        int dim = flow.dim();
        int cd = flow.contextDim();
        if (ConditionalTable.contextDim(in.context) != cd) {
            throw new IllegalArgumentException(
                    "the model takes " + cd + " context values, the report's context columns " + in.context + " give "
                            + ConditionalTable.contextDim(in.context));
        }
        boolean hasData = in.data != null && in.data.rows() > 0;
        INDArray dataX = !hasData || cd == 0 ? in.data : in.data.get(NDArrayIndex.all(), NDArrayIndex.interval(0, dim));
        INDArray dataC = !hasData || cd == 0
                ? null
                : in.data
                        .get(NDArrayIndex.all(), NDArrayIndex.interval(dim, dim + cd))
                        .dup('c');
        boolean byClass = in.context.size() == 1 && in.context.get(0).categorical();
        List<String> cols = in.columns != null && in.columns.size() == dim ? in.columns : defaultColumns(dim);
        RunReport report = new RunReport(
                in.title,
                "Model " + in.modelName + ": " + flow.blockCount() + " block(s) of "
                        + flow.block(0).describe());
        report.provenance("Written "
                + java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", java.util.Locale.ROOT)
                        .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC))
                + (in.producedBy != null ? " by " + in.producedBy : ""));
        for (Map.Entry<String, String> e : in.configuration.entrySet()) {
            report.row("Configuration", e.getKey(), e.getValue());
        }
        report.row("Configuration", "architecture", flow.block(0).describe() + " x " + flow.blockCount() + " block(s)");
        StringBuilder times = new StringBuilder();
        for (int k = 0; k < flow.blockCount(); k++) {
            times.append(k == 0 ? "" : ", ").append(fmt(flow.endTime(k)));
        }
        boolean flowMatching = in.summary != null
                ? "flow-matching".equals(in.summary.objectiveName())
                : Charts.isSolveFree(in.iterations);
        report.row(
                "Configuration",
                "end times T",
                times
                        + (flowMatching
                                ? " (fixed: flow matching does not train T)"
                                : flow.trainsEndTime() ? " (trained)" : " (fixed)"));
        report.row("Configuration", "base distribution", flow.base().describe());
        report.row("Configuration", "solver", flow.solver().toString());
        report.row(
                "Configuration",
                "evaluation trace estimator",
                flow.traceEstimator().name());

        report.row("Data", "source", in.dataDescription);
        report.row("Data", "dimension", dim);
        report.row("Data", "columns", String.join(", ", cols));
        for (ContextColumn c : in.context) {
            report.row(
                    "Data",
                    "context: " + c.name(),
                    c.categorical()
                            ? "categorical, levels " + String.join(", ", c.levels()) + " (one-hot)"
                            : "numeric");
        }
        if (in.data != null) {
            report.row("Data", "evaluation rows", in.data.rows());
        }
        report.row(
                "Data",
                "standardised",
                model.standardizer().isIdentity() ? "no" : "yes (mean and std of the training rows)");
        report.row("Data", "dequantised", in.dequantized ? "yes (uniform noise in [0, 1))" : "no");

        report.row("Metrics", "parameters", flow.parameterCount());
        double dataNll = Double.NaN;
        double[] rowLogp = null;
        if (in.data != null && in.data.rows() > 0) {
            Evaluation.Result r = Evaluation.logProb(flow, model.standardizer(), in.data);
            rowLogp = org.cnf4j.linalg.NativeArrays.toArray(r.logProb());
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
            report.row(
                    "Metrics",
                    "best validation NLL [nats]",
                    fmt(s.bestValidationNll()) + (s.bestIteration() >= 0 ? " at iteration " + s.bestIteration() : ""));
            report.row("Metrics", "iterations", s.iterations());
            if (s.selection() != null) {
                report.row("Metrics", "model choice", s.selection());
            }
            if (!Double.isNaN(s.wallSeconds())) {
                report.row("Metrics", "training wall time", String.format(Locale.ROOT, "%.1f s", s.wallSeconds()));
            }
            report.row("Metrics", "training objective", s.objective() == null ? "mle" : s.objective());
            if (!flowMatching) {
                report.row(
                        "Metrics",
                        "gradient method / trace estimator",
                        s.gradientMethod() + " / " + s.traceEstimator());
            }
            if (s.baselines() != null) {
                report.row("Baselines", "flow, test NLL [nats]", fmt(s.testNll()));
                report.row(
                        "Baselines",
                        (cd > 0 ? "linear-Gaussian regression on the context" : "full-covariance Gaussian")
                                + ", test NLL [nats]",
                        fmt(s.baselines().gaussianTestNll()));
                report.row(
                        "Baselines",
                        (cd == 0
                                        ? "Gaussian mixture"
                                        : byClass
                                                ? "Gaussian mixtures per class"
                                                : "Gaussian mixture of the regression's residuals")
                                + " (" + s.baselines().mixtureComponents()
                                + " components, chosen on validation), test NLL [nats]",
                        fmt(s.baselines().mixtureTestNll()));
                if (in.dequantized) {
                    report.row(
                            "Baselines",
                            "bits per dimension: flow / Gaussian / mixture",
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
            int timed = 0;
            for (IterationStats s : in.iterations) {
                fwd += s.forwardEvaluations();
                bwd += s.backwardEvaluations();
                // iterations read back from a model file's checkpoint carry no timings
                if (!Double.isNaN(s.seconds())) {
                    secs += s.seconds();
                    timed++;
                }
            }
            int n = in.iterations.size();
            if (!flowMatching) {
                report.row(
                        "Metrics",
                        "mean evaluations per iteration (forward / backward)",
                        String.format(Locale.ROOT, "%.1f / %.1f", fwd / n, bwd / n));
            }
            if (timed > 0) {
                report.row("Metrics", "mean seconds per iteration", String.format(Locale.ROOT, "%.4f", secs / timed));
            }
        }

        // density: the 2-D map itself; above two dimensions a slice along the data's principal plane
        PrincipalPlane plane = dim > 2 && hasData && dataX.rows() >= 2
                ? PrincipalPlane.fit(dataX, model.standardizer().head(dim))
                : null;
        INDArray dataOnPlane = plane == null ? null : plane.project(dataX);
        String pc1 = plane == null
                ? null
                : String.format(Locale.ROOT, "PC1 (%.0f%% of the variance)", 100 * plane.explained(0));
        String pc2 = plane == null ? null : String.format(Locale.ROOT, "PC2 (%.0f%%)", 100 * plane.explained(1));
        GridSpec spec = hasData
                ? GridSpec.around(dataX, 0, 1, in.gridResolution)
                : GridSpec.square(dim, -4, 4, in.gridResolution);
        if (dim >= 2 && cd > 0 && hasData) {
            List<String> labels = new ArrayList<>();
            List<double[]> contexts = new ArrayList<>();
            if (byClass) {
                ContextColumn c = in.context.get(0);
                for (int k = 0; k < Math.min(c.width(), MAX_CONTEXT_MAPS); k++) {
                    double[] e = new double[cd];
                    e[k] = 1;
                    contexts.add(e);
                    labels.add(c.name() + "=" + c.levels().get(k));
                }
            } else {
                int maps = Math.min(4, dataC.rows());
                for (int i = 0; i < maps; i++) {
                    int row = (int) ((long) i * dataC.rows() / maps);
                    contexts.add(dataC.getRow(row).toDoubleVector());
                    labels.add("the context of evaluation row " + row);
                }
            }
            // beyond two dimensions a map is a slice along the principal plane: one, at the first context
            for (int k = 0; k < (dim == 2 ? contexts.size() : 1); k++) {
                String file = "density-" + k + ".png";
                if (plane == null) {
                    DensityGrid grid = DensityGrid.compute(model, spec, contexts.get(k), in.progress);
                    ChartFiles.writePng(
                            Charts.densityHeatMap(
                                    grid, false, "Model log-density given " + labels.get(k), cols.get(0), cols.get(1)),
                            dir.resolve(file),
                            760,
                            640);
                } else {
                    DensityGrid grid = DensityGrid.onPlane(
                            model,
                            plane,
                            GridSpec.around(dataOnPlane, 0, 1, in.gridResolution),
                            contexts.get(k),
                            in.progress);
                    ChartFiles.writePng(
                            Charts.densityHeatMapWithPoints(
                                    grid,
                                    "Model log-density given " + labels.get(k) + ", principal plane",
                                    pc1,
                                    pc2,
                                    dataOnPlane),
                            dir.resolve(file),
                            760,
                            640);
                }
                report.figure(
                        file,
                        "Log-density given " + labels.get(k),
                        "log p(x | " + labels.get(k) + ")"
                                + (dim == 2
                                        ? " on a " + in.gridResolution + " x " + in.gridResolution + " grid"
                                        : " on the plane of the first two principal components through the data mean ("
                                                + loadings(plane, cols) + "), with the " + in.split
                                                + " projected on it (dots)")
                                + ", in the data's units.");
            }
        } else if (dim == 2 && cd == 0) {
            DensityGrid grid = DensityGrid.compute(model, spec, in.progress);
            ChartFiles.writePng(
                    Charts.densityHeatMap(grid, false, "Model log-density", cols.get(0), cols.get(1)),
                    dir.resolve("density.png"),
                    760,
                    640);
            report.figure(
                    "density.png",
                    "Log-density",
                    "log p(x) of the model on a " + in.gridResolution + " x " + in.gridResolution
                            + " grid, in the data's units.");
        } else if (dim > 2 && cd == 0) {
            if (plane != null) {
                DensityGrid grid = DensityGrid.onPlane(
                        model, plane, GridSpec.around(dataOnPlane, 0, 1, in.gridResolution), null, in.progress);
                ChartFiles.writePng(
                        Charts.densityHeatMapWithPoints(
                                grid, "Model log-density on the principal plane", pc1, pc2, dataOnPlane),
                        dir.resolve("density.png"),
                        760,
                        640);
                report.figure(
                        "density.png",
                        "Log-density on the principal plane",
                        "log p(x) on the plane of the "
                                + "first two principal components of the " + in.split + " (on the model's standardised "
                                + "scale), through their mean: " + loadings(plane, cols)
                                + "; the rows projected on it as "
                                + "dots. Log p in the data's units; a slice, not a marginal.");
            } else {
                DensityGrid grid = DensityGrid.compute(model, spec, in.progress);
                ChartFiles.writePng(
                        Charts.densityHeatMap(
                                grid, false, "Model log-density, slice through the origin", cols.get(0), cols.get(1)),
                        dir.resolve("density.png"),
                        760,
                        640);
                report.figure(
                        "density.png",
                        "Log-density",
                        "log p(x) on a 2-D slice through the origin, varying " + cols.get(0) + " and " + cols.get(1)
                                + " with the other coordinates held at 0.");
            }
        }
        // samples (of a conditional model: one at each evaluation row's context)
        INDArray samples = cd == 0
                ? new Sampler(model).sample(in.samples, in.seed).samples()
                : !hasData
                        ? null
                        : new Sampler(
                                        model,
                                        ContextSource.rows(
                                                shownRows(dataC, Math.min(in.data.rows(), in.samples), in.seed)))
                                .sample(Math.min(in.data.rows(), in.samples), in.seed)
                                .samples();
        if (dim >= 2 && hasData) {
            // as many points on each side, so the two panels look alike when the model is right
            int shown = Math.min(in.data.rows(), in.samples);
            INDArray dataShown = shownRows(dataX, shown, in.seed);
            INDArray samplesShown = samples.get(NDArrayIndex.interval(0, shown), NDArrayIndex.all());
            if (plane == null) {
                ChartFiles.writePng(
                        Charts.samplesComparison(dataShown, samplesShown, 0, 1, cols.get(0), cols.get(1)),
                        dir.resolve("samples.png"),
                        1000,
                        500);
            } else {
                ChartFiles.writePng(
                        Charts.samplesComparison(plane.project(dataShown), plane.project(samplesShown), 0, 1, pc1, pc2),
                        dir.resolve("samples.png"),
                        1000,
                        500);
            }
            report.figure(
                    "samples.png",
                    "Data and samples",
                    "Left: " + shown + " rows of the " + in.split
                            + "; right: " + shown + " samples from the model (seed " + in.seed + ")"
                            + (cd > 0 ? ", each at the context of the row beside it" : "")
                            + (plane == null
                                    ? "; coordinates " + cols.get(0) + " and " + cols.get(1)
                                    : "; projected on the first two principal components " + "of the " + in.split + " ("
                                            + loadings(plane, cols) + ")")
                            + ", on shared axes.");
        }
        // any number of columns: each column's histogram, sample quality, per-row log p
        if (hasData && samples != null) {
            int shown = Math.min(Math.min(in.data.rows(), samples.rows()), QUALITY_ROWS);
            INDArray dataShown = shownRows(dataX, shown, in.seed);
            INDArray samplesShown = samples.get(NDArrayIndex.interval(0, shown), NDArrayIndex.all())
                    .dup('c');
            int[] columns = ColumnCharts.chooseColumns(dataX, samples);
            ChartFiles.writePng(ColumnCharts.histograms(dataX, samples, cols, columns), dir.resolve("columns.png"));
            List<String> named = new ArrayList<>();
            for (int j : columns) {
                named.add(cols.get(j));
            }
            report.figure(
                    "columns.png",
                    "Each column: data and samples",
                    "Histograms (densities) of the " + in.split
                            + " (blue) and of " + samples.rows() + " samples (orange), column by column"
                            + (columns.length < dim
                                    ? ": the " + columns.length + " of " + dim + " columns where they differ "
                                            + "most (" + String.join(", ", named) + ")"
                                    : "")
                            + ".");
            if (shown >= 4) {
                org.cnf4j.data.Standardizer scale = model.standardizer().head(dim);
                double[] a = org.cnf4j.linalg.NativeArrays.toArray(scale.transform(dataShown));
                double[] b = org.cnf4j.linalg.NativeArrays.toArray(scale.transform(samplesShown));
                org.cnf4j.sample.SampleQuality.EnergyDistance e =
                        org.cnf4j.sample.SampleQuality.energyTest(a, b, dim, 100, in.seed);
                org.cnf4j.sample.SampleQuality.ClassifierTest c =
                        org.cnf4j.sample.SampleQuality.classifierTest(a, b, dim, in.seed);
                boolean beside = !in.baselineSamples.isEmpty();
                report.row(
                        "Samples",
                        "energy distance to the " + in.split + (beside ? ": flow" : ""),
                        String.format(
                                Locale.ROOT,
                                "%.5f (permutation test p = %.3f; %d rows of each, standardised " + "scale)",
                                e.distance(),
                                e.pValue(),
                                shown));
                report.row(
                        "Samples",
                        "1-NN two-sample test accuracy" + (beside ? ": flow" : ""),
                        String.format(
                                Locale.ROOT,
                                "%.3f +- %.3f (0.5: indistinguishable from the data)",
                                c.accuracy(),
                                c.standardError()));
                // the same figures for samples of the baselines, fitted to the same training rows
                for (int q = 0; q < in.baselineSamples.size(); q++) {
                    INDArray bs = in.baselineSamples.get(q);
                    int m = Math.min(shown, bs.rows());
                    double[] bv = org.cnf4j.linalg.NativeArrays.toArray(
                            scale.transform(bs.get(NDArrayIndex.interval(0, m), NDArrayIndex.all())
                                    .castTo(DataType.DOUBLE)
                                    .dup('c')));
                    double[] av = m == shown ? a : java.util.Arrays.copyOf(a, m * dim);
                    org.cnf4j.sample.SampleQuality.EnergyDistance be =
                            org.cnf4j.sample.SampleQuality.energyTest(av, bv, dim, 100, in.seed);
                    org.cnf4j.sample.SampleQuality.ClassifierTest bc =
                            org.cnf4j.sample.SampleQuality.classifierTest(av, bv, dim, in.seed);
                    report.row(
                            "Samples",
                            "energy distance to the " + in.split + ": " + in.baselineLabels.get(q),
                            String.format(Locale.ROOT, "%.5f (p = %.3f)", be.distance(), be.pValue()));
                    report.row(
                            "Samples",
                            "1-NN two-sample test accuracy: " + in.baselineLabels.get(q),
                            String.format(Locale.ROOT, "%.3f +- %.3f", bc.accuracy(), bc.standardError()));
                }
            }
            report.row(
                    "Samples",
                    "samples outside the data's range",
                    String.format(
                            Locale.ROOT,
                            "%d of %d " + "(a coordinate beyond the range of the %s, widened by a tenth%s)",
                            ColumnCharts.outsideSupport(dataX, samples),
                            samples.rows(),
                            in.split,
                            in.data.rows() < 200 ? "; with so few rows their range understates the data's" : ""));
        }
        if (rowLogp != null && rowLogp.length >= 2) {
            ChartFiles.writePng(ColumnCharts.logDensityHistogram(rowLogp, in.split), dir.resolve("logp.png"), 760, 420);
            report.figure(
                    "logp.png",
                    "Per-row log-density",
                    "log p(x) of each row of the " + in.split
                            + " under the model; the lowest rows are listed under 'Lowest log p'.");
            Integer[] order = new Integer[rowLogp.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            double[] lp = rowLogp;
            java.util.Arrays.sort(order, (x, y) -> Double.compare(lp[x], lp[y]));
            double[] values = org.cnf4j.linalg.NativeArrays.toArray(
                    in.data.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).dup('c'));
            int width = in.data.columns();
            for (int k = 0; k < Math.min(LOWEST_ROWS, order.length); k++) {
                int i = order[k];
                StringBuilder row = new StringBuilder();
                for (int j = 0; j < Math.min(dim, 8); j++) {
                    row.append(j == 0 ? "" : ", ")
                            .append(cols.get(j))
                            .append(" = ")
                            .append(String.format(Locale.ROOT, "%.4g", values[i * width + j]));
                }
                report.row("Lowest log p", "row " + i + ": " + fmt(lp[i]) + " nats", row + (dim > 8 ? ", ..." : ""));
            }
        }
        // training curves
        if (!in.iterations.isEmpty()) {
            ChartFiles.writePng(
                    Charts.trainingCurves(
                            in.iterations, in.validations, in.summary == null ? null : in.summary.baselines()),
                    dir.resolve("training.png"),
                    900,
                    620);
            report.figure(
                    "training.png",
                    "Training curves",
                    (Charts.isSolveFree(in.iterations)
                                    ? "Top: negative log-likelihood of the validation set (nats, exact trace). Bottom: the flow-matching "
                                            + "loss of each training batch and of the validation set (no ODE is solved in training)."
                                    : "Top: negative log-likelihood of each training batch and of the validation set (nats). Bottom: "
                                            + "function evaluations of the forward and backward solves per iteration.")
                            + (in.summary != null && in.summary.baselines() != null
                                    ? " Dashed: the baselines' test NLL, for reference."
                                    : ""));
        }
        // trajectories
        if (dim >= 2 && hasData) {
            INDArray pts = in.data.get(NDArrayIndex.interval(0, Math.min(40, in.data.rows())), NDArrayIndex.all());
            Trajectories tr = Trajectories.compute(model, pts, 25);
            boolean standardised = !model.standardizer().isIdentity();
            ChartFiles.writePng(
                    Charts.trajectories(tr, 0, 1, 40, standardised), dir.resolve("trajectories.png"), 760, 640);
            report.figure(
                    "trajectories.png",
                    "Trajectories",
                    "Paths of " + pts.rows() + " data points through the flow "
                            + "from data (t = 0) to latent, read off the solver's dense output ("
                            + (standardised ? "standardised space" : "the data's units")
                            + "), coloured by time. A path may "
                            + "pass its end point and turn back: the field depends on t, and only where a point ends is "
                            + "scored against the base distribution.");
        }
        // images: real rows above generated ones, all on one grey scale
        ImageLayout layout = in.image;
        int[] shape = layout != null ? new int[] {layout.height(), layout.width()} : in.imageShape;
        if (shape != null && (cd == 0 ? samples != null : byClass)) {
            int h = shape[0];
            int w = shape[1];
            if ((long) h * w != dim) {
                throw new IllegalArgumentException(
                        "an image shape of " + h + "x" + w + " needs " + h * w + " dimensions, the model has " + dim);
            }
            double[] grey =
                    layout != null ? new double[] {layout.black(), layout.white()} : range(hasData ? dataX : samples);
            String scale = layout != null
                    ? "the training rows' grey scale"
                    : hasData ? "the grey scale of the " + in.split : "the samples' range";
            List<String> labels = new ArrayList<>();
            List<INDArray> rows = new ArrayList<>();
            String what;
            if (byClass) {
                ContextColumn c = in.context.get(0);
                int classes = Math.min(c.width(), 16);
                double[] codes = hasData ? NativeArrays.toArray(dataC) : new double[0];
                for (int k = 0; k < classes; k++) {
                    double[] e = new double[cd];
                    e[k] = 1;
                    List<Long> of = new ArrayList<>();
                    for (int i = 0; i < codes.length / cd && of.size() < ImageRows.PER_ROW; i++) {
                        if (codes[i * cd + k] > 0.5) {
                            of.add((long) i);
                        }
                    }
                    String level = c.levels().get(k);
                    labels.add(c.name() + " " + level + ": data");
                    rows.add(
                            of.isEmpty()
                                    ? null
                                    : dataX.getRows(
                                            of.stream().mapToInt(Long::intValue).toArray()));
                    labels.add(c.name() + " " + level + ": samples");
                    rows.add(new Sampler(model, ContextSource.constant(e))
                            .sample(ImageRows.PER_ROW, in.seed)
                            .samples());
                }
                what = "For each level of " + c.name() + " ("
                        + String.join(", ", c.levels().subList(0, classes))
                        + "): up to " + ImageRows.PER_ROW + " rows of the " + in.split + " of that level, and below "
                        + "them " + ImageRows.PER_ROW + " samples given that level";
            } else {
                int sampleRows = 8;
                if (hasData) {
                    labels.add("data");
                    rows.add(shownRows(dataX, Math.min(ImageRows.PER_ROW, dataX.rows()), in.seed));
                    sampleRows = 7;
                }
                int n = 0;
                for (int r = 0; r < sampleRows && n < samples.rows(); r++) {
                    int to = Math.min(samples.rows(), n + ImageRows.PER_ROW);
                    labels.add("samples");
                    rows.add(samples.get(NDArrayIndex.interval(n, to), NDArrayIndex.all()));
                    n = to;
                }
                what = (hasData ? "Top: " + ImageRows.PER_ROW + " rows of the " + in.split + "; below: " : "") + n
                        + " samples from the model";
            }
            ChartFiles.writePng(ImageRows.draw(labels, rows, h, w, grey[0], grey[1], 6), dir.resolve("images.png"));
            report.figure(
                    "images.png",
                    byClass ? "Data and generated images by class" : "Data and generated images",
                    what + ", shown as " + h + "x" + w + " images on " + scale + " (black at " + fmt(grey[0])
                            + ", white at " + fmt(grey[1]) + "; values beyond are clipped).");
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
                caption.append(
                        ", for each model (solid: evaluations, dashed: error). Evaluations at the default 1e-5:");
                for (int m = 0; m < sweeps.size(); m++) {
                    caption.append(m == 0 ? " " : "; ")
                            .append(labels.get(m))
                            .append(" ")
                            .append(evaluationsAt(sweeps.get(m), 1e-5));
                }
            }
            report.figure(
                    "tolerance.png", "Adaptive computation", caption.append(".").toString());
        }
        return report.write(dir);
    }

    /** The three largest loadings of each principal axis, named, e.g. "PC1: 0.52 alcohol, -0.47 hue, ...". */
    private static String loadings(PrincipalPlane plane, List<String> cols) {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < 2; k++) {
            double[] a = plane.axis(k);
            Integer[] order = new Integer[a.length];
            for (int j = 0; j < a.length; j++) {
                order[j] = j;
            }
            java.util.Arrays.sort(order, (x, y) -> Double.compare(Math.abs(a[y]), Math.abs(a[x])));
            b.append(k == 0 ? "PC1: " : "; PC2: ");
            for (int q = 0; q < Math.min(3, a.length); q++) {
                b.append(q == 0 ? "" : ", ")
                        .append(String.format(Locale.ROOT, "%.2f ", a[order[q]]))
                        .append(cols.get(order[q]));
            }
            b.append(a.length > 3 ? ", ..." : "");
        }
        return b.toString();
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
            String verdict = better == 2
                    ? "better than both baselines"
                    : better == 0 ? "worse than both baselines" : "between the two baselines";
            return line
                    + String.format(
                            Locale.ROOT,
                            " (lower is better): %s, the %s %.4f and the %s %.4f on the same " + "test rows.",
                            verdict,
                            in.context.isEmpty() ? "Gaussian's" : "linear-Gaussian regression's",
                            g,
                            in.context.isEmpty() ? "Gaussian mixture's" : "Gaussian mixtures'",
                            m);
        }
        if (!Double.isNaN(dataNll)) {
            return String.format(Locale.ROOT, "NLL of the %s: %.4f nats.", in.split, dataNll);
        }
        return "";
    }

    /**
     * n rows of x drawn without replacement by the seed (stream "report-rows"), in their order in x
     * (all of them when n is its row count): a random choice, so rows that repeat a pattern (the
     * classes of a table in turn) are not skipped as an evenly spaced choice can.
     */
    private static INDArray shownRows(INDArray x, int n, long seed) {
        if (n >= x.rows()) {
            return x;
        }
        int rows = x.rows();
        int[] index = new int[rows];
        for (int i = 0; i < rows; i++) {
            index[i] = i;
        }
        java.util.SplittableRandom r = org.cnf4j.flow.RandomStreams.stream(seed, "report-rows");
        for (int i = 0; i < n; i++) {
            int j = i + r.nextInt(rows - i);
            int t = index[i];
            index[i] = index[j];
            index[j] = t;
        }
        int[] chosen = java.util.Arrays.copyOf(index, n);
        java.util.Arrays.sort(chosen);
        return x.getRows(chosen);
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
