package org.cnf4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.cnf4j.data.DataFiles;
import org.cnf4j.data.Dataset;
import org.cnf4j.data.ToyDataset;
import org.cnf4j.flow.RandomStreams;
import org.cnf4j.io.LoadedModel;
import org.cnf4j.io.ModelFile;
import org.cnf4j.report.ReportFolder;
import org.cnf4j.report.ReportGenerator;
import org.cnf4j.report.ToleranceSweeps;
import org.cnf4j.sample.DensityModel;
import org.cnf4j.train.TrainingLog;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cnf report}: the HTML report of an existing model on some data. */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        versionProvider = CnfCommand.Version.class,
        sortOptions = false,
        description = "Writes the HTML report (index.html and its PNGs) of a model evaluated on "
                + "data; training curves come from the model file's history.")
public final class ReportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Mixin
    EvaluationOptions evaluation = new EvaluationOptions();

    @Option(names = "--model", required = true, description = "Model file.")
    Path model;

    @Option(names = "--data", required = true, description = "Toy data set name or data file to evaluate on.")
    String data;

    @Option(names = "--columns", split = ",", description = "Columns of the data file, in the model's order.")
    List<String> columns;

    @Option(
            names = "--missing",
            defaultValue = "fail",
            converter = Converters.MissingValuesConverter.class,
            description = "Missing values (empty cells, NA, NaN) in the model's columns: fail (naming the first) or "
                    + "drop-rows (default: ${DEFAULT-VALUE}).")
    org.cnf4j.data.MissingValues missing;

    @Option(names = "--out", required = true, description = "Report folder.")
    Path out;

    @Option(
            names = "--rows",
            defaultValue = "2000",
            description = "Toy data: samples to evaluate on (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(
            names = "--image-shape",
            converter = Converters.ImageShapeConverter.class,
            description = "Draw data and samples as HxW images (e.g. 8x8); a model trained with --image-shape "
                    + "draws them on its training rows' grey scale without this option.")
    Converters.ImageShape imageShape;

    @Option(
            names = "--resolution",
            defaultValue = "100",
            description = "Density grid cells a side (default: ${DEFAULT-VALUE}).")
    int resolution;

    @Option(
            names = "--samples",
            defaultValue = "2000",
            description = "Samples drawn for the plots (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the samples (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--tolerance-sweep",
            description =
                    "Add the adaptive-computation plot: log p of up to "
                            + "--sweep-points data rows at tolerances 1e-3 .. 1e-8, evaluations and error against the tightest solve.")
    boolean toleranceSweep;

    @Option(names = "--force", description = "Write into a folder that holds other files (beside them).")
    boolean force;

    @Option(
            names = "--compare",
            description = "Another model file (e.g. trained with the other objective): its "
                    + "tolerance sweep on the same rows is drawn beside this model's (implies --tolerance-sweep).")
    Path compare;

    @Option(
            names = "--sweep-points",
            defaultValue = "1000",
            description = "Rows evaluated by --tolerance-sweep (default: ${DEFAULT-VALUE}).")
    int sweepPoints;

    /** A model's name in a comparison: its objective and file name. */
    private static String label(LoadedModel m, Path file) {
        String objective = m.metadata().training() == null
                ? "mle"
                : m.metadata().training().objectiveName();
        return objective + ", " + file.getFileName();
    }

    @Override
    public Integer call() throws Exception {
        OutputPaths.checkFolder("--out", out);
        List<Path> inputs = new java.util.ArrayList<>(List.of(model));
        if (!DataFiles.isToy(data)) {
            inputs.add(Path.of(data));
        }
        if (compare != null) {
            inputs.add(compare);
        }
        ReportFolder.check("--out", out, force, inputs);
        LoadedModel m = ModelFile.load(model);
        evaluation.apply(m.flow());
        INDArray values;
        String description;
        String split;
        if (DataFiles.isToy(data) && !m.metadata().context().isEmpty()) {
            throw new IllegalArgumentException(model + " is conditional on "
                    + m.metadata().context().stream()
                            .map(org.cnf4j.data.ContextColumn::name)
                            .toList() + ": give --data a file with those columns");
        }
        if (DataFiles.isToy(data)) {
            values = ToyDataset.byName(data).sample(rows, RandomStreams.stream(seed, "report-data"));
            description = data + " (" + rows + " fresh samples)";
            split = rows + " fresh samples of " + data;
        } else {
            long[] dropped = {0};
            if (!m.metadata().context().isEmpty() && columns != null && !columns.isEmpty()) {
                throw new IllegalArgumentException(
                        "a conditional model reads its columns and context by name; leave " + "out --columns");
            }
            Dataset ds = m.metadata().context().isEmpty()
                    ? DataFiles.readForModel(data, m.metadata().columns(), columns, missing, n -> dropped[0] = n)
                    : org.cnf4j.data.ConditionalTable.readForModel(
                            data, m.metadata().columns(), m.metadata().context(), missing, n -> dropped[0] = n);
            if (dropped[0] > 0) {
                spec.commandLine()
                        .getErr()
                        .printf(
                                java.util.Locale.ROOT,
                                "left out %d of %d rows with a missing value " + "(--missing drop-rows)%n",
                                dropped[0],
                                dropped[0] + ds.rows());
            }
            values = ds.values();
            description = ds.source() + " (" + ds.rows() + " rows)";
            split = "all " + ds.rows() + " rows of " + ds.source() + " (training rows included, if trained on it)";
        }
        ReportGenerator.Input in = new ReportGenerator.Input(DensityModel.of(m))
                .title("cnf "
                        + String.join(" ", spec.commandLine().getParseResult().originalArgs()))
                .producedBy(CnfCommand.cnfVersion())
                .split(split)
                .modelName(String.valueOf(model.getFileName()))
                .data(values, description, m.metadata().columns(), m.metadata().dequantized())
                .summary(m.metadata().training())
                .context(m.metadata().context())
                .config("model file", model)
                .config("trained on", m.metadata().dataDescription())
                .image(Converters.ImageShape.recorded(m.metadata(), imageShape))
                .imageShape(imageShape == null ? null : imageShape.toArray())
                .gridResolution(resolution)
                .samples(samples)
                .seed(seed);
        if (toleranceSweep || compare != null) {
            if (sweepPoints < 1) {
                throw new IllegalArgumentException("--sweep-points must be at least 1, got " + sweepPoints);
            }
            INDArray sweepRows =
                    values.get(NDArrayIndex.interval(0, Math.min(sweepPoints, values.rows())), NDArrayIndex.all());
            INDArray rowsInFlowSpace = m.metadata().standardizer().transform(sweepRows);
            in.toleranceSweep(
                    ToleranceSweeps.measure(m.flow(), rowsInFlowSpace, ToleranceSweeps.DEFAULT), label(m, model));
            if (compare != null) {
                LoadedModel other = ModelFile.load(compare);
                if (other.flow().dim() != m.flow().dim()) {
                    throw new IllegalArgumentException(
                            compare + " models " + other.flow().dim() + "-dimensional data, " + model + " "
                                    + m.flow().dim() + "-dimensional");
                }
                evaluation.apply(other.flow());
                in.compareSweep(
                        label(other, compare),
                        ToleranceSweeps.measure(
                                other.flow(),
                                other.metadata().standardizer().transform(sweepRows),
                                ToleranceSweeps.DEFAULT));
            }
        }
        if (m.checkpoint() != null) {
            TrainingLog log =
                    TrainingLog.fromJson(m.checkpoint().trainerState(), m.flow().parameterCount());
            in.history(log.iterations(), log.validations());
        }
        try (Progress.Task task =
                new Progress.Task(Progress.mode(common), spec.commandLine().getErr(), "density grid")) {
            in.progress(task);
            Path index = ReportFolder.write(out, folder -> ReportGenerator.generate(in, folder));
            spec.commandLine().getOut().printf("report written to %s%n", index);
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
