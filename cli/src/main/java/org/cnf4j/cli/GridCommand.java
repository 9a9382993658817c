package org.cnf4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.cnf4j.data.DataFiles;
import org.cnf4j.data.ToyDataset;
import org.cnf4j.flow.RandomStreams;
import org.cnf4j.io.LoadedModel;
import org.cnf4j.io.ModelFile;
import org.cnf4j.report.ChartFiles;
import org.cnf4j.report.Charts;
import org.cnf4j.sample.DensityGrid;
import org.cnf4j.sample.DensityModel;
import org.cnf4j.sample.GridSpec;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code cnf grid}: the model's log-density on a 2-D grid, as a heat map and CSV. */
@Command(
        name = "grid",
        mixinStandardHelpOptions = true,
        versionProvider = CnfCommand.Version.class,
        sortOptions = false,
        description = {
            "Evaluates log p on a regular 2-D grid (cell centres, in the data's units) and draws it as a heat map.",
            "For models of more than two dimensions the grid is a slice: two coordinates vary (--dims), the "
                    + "others are held at --at (default: the training data's mean)."
        })
public final class GridCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Mixin
    EvaluationOptions evaluation = new EvaluationOptions();

    @Option(names = "--model", required = true, description = "Model file.")
    Path model;

    @Option(names = "--png", description = "Heat map to write.")
    Path png;

    @Option(names = "--csv", description = "CSV to write: columns x,y,logp, one row per cell centre.")
    Path csv;

    @Option(
            names = "--range",
            converter = Converters.RangeConverter.class,
            description =
                    "MIN:MAX of the x axis, and of y unless --y-range (default: from --data, else mean +- 4 std).")
    Converters.Range range;

    @Option(names = "--y-range", converter = Converters.RangeConverter.class, description = "MIN:MAX of the y axis.")
    Converters.Range yRange;

    @Option(names = "--resolution", defaultValue = "100", description = "Cells a side (default: ${DEFAULT-VALUE}).")
    int resolution;

    @Option(
            names = "--dims",
            split = ",",
            defaultValue = "0,1",
            description =
                    "The two coordinates on x and y, by " + "column name or 0-based index (default: ${DEFAULT-VALUE}).")
    List<String> dimNames;

    private int[] dims;

    @Option(names = "--at", split = ",", description = "The point the slice goes through (one value per dimension).")
    double[] at;

    @Option(names = "--data", description = "Toy name or data file whose extent sets the default range.")
    String data;

    @Option(
            names = "--context",
            split = ",",
            paramLabel = "COLUMN=VALUE",
            description = "A conditional model's "
                    + "context: the map shows log p(x | context), e.g. --context label=3 (every context column named).")
    java.util.Map<String, String> context;

    @Option(names = "--probability", description = "Draw p(x) instead of log p(x).")
    boolean probability;

    @Override
    public Integer call() throws Exception {
        OutputPaths.check("--png", png, model);
        CsvOutput.checkName("--csv", csv);
        OutputPaths.check("--csv", csv, model);
        OutputPaths.distinct("--png", png, "--csv", csv);
        if (png == null && csv == null) {
            throw new ParameterException(spec.commandLine(), "give --png and/or --csv");
        }
        if (resolution < 2 || resolution > 2000) {
            throw new ParameterException(spec.commandLine(), "--resolution must be between 2 and 2000");
        }
        LoadedModel m = ModelFile.load(model);
        evaluation.apply(m.flow());
        int d = m.flow().dim();
        if (d < 2) {
            throw new IllegalArgumentException("a grid needs a model of at least 2 dimensions, this one has " + d);
        }
        dims = new int[dimNames.size()];
        for (int k = 0; k < dims.length; k++) {
            String name = dimNames.get(k).strip();
            int at = m.metadata().columns().indexOf(name);
            if (at < 0 && name.matches("\\d{1,9}")) {
                at = Integer.parseInt(name);
            }
            if (at < 0 || at >= d) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--dims: no column '" + name + "'; the model's " + "columns are "
                                + m.metadata().columns());
            }
            dims[k] = at;
        }
        if (dims.length != 2 || dims[0] == dims[1] || dims[0] < 0 || dims[1] < 0 || dims[0] >= d || dims[1] >= d) {
            throw new ParameterException(spec.commandLine(), "--dims must be two different coordinates below " + d);
        }
        if (at != null && at.length != d) {
            throw new ParameterException(spec.commandLine(), "--at needs " + d + " values, got " + at.length);
        }
        double[] encoded = null;
        List<org.cnf4j.data.ContextColumn> contextColumns = m.metadata().context();
        if (contextColumns.isEmpty() != (context == null)) {
            throw new ParameterException(
                    spec.commandLine(),
                    contextColumns.isEmpty()
                            ? model + " is not a conditional model: leave out --context"
                            : model + " is conditional on "
                                    + contextColumns.stream()
                                            .map(org.cnf4j.data.ContextColumn::name)
                                            .toList()
                                    + ": give --context COLUMN=VALUE for each");
        }
        if (context != null) {
            try {
                encoded = org.cnf4j.data.ConditionalTable.encode(contextColumns, context);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--context: " + e.getMessage());
            }
        }
        double[] mean = m.metadata().standardizer().head(d).mean();
        double[] std = m.metadata().standardizer().head(d).std();
        GridSpec base;
        if (data != null) {
            INDArray x = DataFiles.isToy(data)
                    ? ToyDataset.byName(data).sample(5000, RandomStreams.stream(0, "grid"))
                    : DataFiles.readForModel(
                                    data,
                                    m.metadata().columns(),
                                    null,
                                    org.cnf4j.data.MissingValues.DROP_ROWS,
                                    dropped -> {})
                            .values();
            base = GridSpec.around(x, dims[0], dims[1], resolution);
        } else {
            base = new GridSpec(
                    dims[0],
                    dims[1],
                    mean[dims[0]] - 4 * std[dims[0]],
                    mean[dims[0]] + 4 * std[dims[0]],
                    mean[dims[1]] - 4 * std[dims[1]],
                    mean[dims[1]] + 4 * std[dims[1]],
                    resolution,
                    mean);
        }
        double[] xr = range != null ? new double[] {range.min(), range.max()} : new double[] {base.xMin(), base.xMax()};
        Converters.Range y = yRange != null ? yRange : range;
        double[] yr = y != null ? new double[] {y.min(), y.max()} : new double[] {base.yMin(), base.yMax()};
        GridSpec spec2 =
                new GridSpec(dims[0], dims[1], xr[0], xr[1], yr[0], yr[1], resolution, at != null ? at : base.anchor());
        DensityGrid grid;
        try (Progress.Task task =
                new Progress.Task(Progress.mode(common), spec.commandLine().getErr(), "grid")) {
            grid = DensityGrid.compute(DensityModel.of(m), spec2, encoded, task);
        }
        List<String> cols = m.metadata().columns();
        if (png != null) {
            String title = (d == 2 ? "Model density" : "Model density (slice)")
                    + (context == null
                            ? ""
                            : " given "
                                    + context.entrySet().stream()
                                            .map(e -> e.getKey() + "=" + e.getValue())
                                            .collect(java.util.stream.Collectors.joining(", ")));
            ChartFiles.writePng(
                    Charts.densityHeatMap(grid, probability, title, cols.get(dims[0]), cols.get(dims[1])),
                    png,
                    760,
                    640);
        }
        if (csv != null) {
            CsvOutput.write(
                    csv,
                    List.of("x", "y", "logp"),
                    rows -> {
                        for (int j = 0; j < resolution; j++) {
                            for (int i = 0; i < resolution; i++) {
                                rows.row(spec2.x(i), spec2.y(j), grid.logProb()[j][i]);
                            }
                        }
                    },
                    spec.commandLine().getOut());
        }
        PrintWriter out = CsvOutput.isStdout(csv)
                ? spec.commandLine().getErr()
                : spec.commandLine().getOut();
        out.printf(
                Locale.ROOT,
                "%d x %d grid over [%g, %g] x [%g, %g], max log p %.4f (%d function evaluations)%n",
                resolution,
                resolution,
                xr[0],
                xr[1],
                yr[0],
                yr[1],
                grid.max(),
                grid.stats().functionEvaluations());
        if (png != null) {
            out.printf("heat map written to %s%n", png);
        }
        if (csv != null) {
            out.printf("grid written to %s%n", CsvOutput.isStdout(csv) ? "standard output" : csv);
        }
        out.flush();
        return 0;
    }
}
