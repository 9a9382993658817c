package org.cnf4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.cnf4j.io.LoadedModel;
import org.cnf4j.io.ModelFile;
import org.cnf4j.linalg.NativeArrays;
import org.cnf4j.ode.SolverStats;
import org.cnf4j.report.ChartFiles;
import org.cnf4j.report.Charts;
import org.cnf4j.sample.ContextSource;
import org.cnf4j.sample.DensityModel;
import org.cnf4j.sample.ImageGrid;
import org.cnf4j.sample.Sampler;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code cnf sample}: draws samples from a model into a CSV file (and a PNG). */
@Command(
        name = "sample",
        mixinStandardHelpOptions = true,
        versionProvider = CnfCommand.Version.class,
        sortOptions = false,
        description =
                "Draws samples from a model (z from the model's base, its spread "
                        + "scaled by the temperature, decoded) in chunks, writing them as CSV in the data's units; optionally with their log-densities and a plot.")
public final class SampleCommand implements Callable<Integer>, CheckedOptions {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Mixin
    EvaluationOptions evaluation = new EvaluationOptions();

    @Option(names = "--model", required = true, description = "Model file.")
    Path model;

    @Option(
            names = {"-n", "--count"},
            description = "Number of samples (with --context-file: one per context row " + "unless given).")
    Long count;

    @Option(
            names = "--context",
            split = ",",
            paramLabel = "COLUMN=VALUE",
            description = "A conditional model's "
                    + "context for every sample, e.g. --context label=3 (a level of a categorical column, a number of a numeric "
                    + "one; every context column named).")
    java.util.Map<String, String> context;

    @Option(
            names = "--guidance",
            description = "Classifier-free guidance weight w for a model trained with "
                    + "--context-dropout: samples follow (1 - w) f(z, t) + w f(z, t, context); 1 is the conditional model, 0 "
                    + "the unconditional one, above 1 stresses the context. Guided samples have no log-density.")
    Double guidance;

    @Option(
            names = "--context-file",
            description = "A conditional model's contexts, one sample per row: a "
                    + ".csv/.tsv or .npy file with the context columns, read by name.")
    String contextFile;

    @Option(names = "--output", description = "CSV file to write (the model's columns); --output, --png or both.")
    Path output;

    @Option(
            names = "--png",
            description = "Also plot the samples (the first two coordinates, or images: a model "
                    + "trained with --image-shape draws them on its training rows' grey scale).")
    Path png;

    @Option(
            names = "--image-shape",
            converter = Converters.ImageShapeConverter.class,
            description = "Draw samples as HxW images (e.g. 8x8) in the PNG, on the samples' own range unless the "
                    + "model records this shape.")
    Converters.ImageShape imageShape;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the samples (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--temperature",
            defaultValue = "1.0",
            description = "Scale of the base noise around its mean "
                    + "(each component's mean for a mixture base) (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--with-logp", description = "Also write each sample's log-density (column 'logp').")
    boolean withLogp;

    @Option(
            names = "--chunk",
            defaultValue = "10000",
            description = "Samples solved together (default: ${DEFAULT-VALUE}).")
    int chunk;

    @Override
    public void check(CommandSpec spec) {
        if (guidance != null) {
            OptionChecks.library(
                    spec,
                    () -> org.cnf4j.settings.SettingCheck.inClosed(
                            "guidance", guidance, 0, org.cnf4j.sample.Sampler.MAX_GUIDANCE));
        }
    }

    @Override
    public Integer call() throws Exception {
        if (output == null && png == null) {
            throw new ParameterException(
                    spec.commandLine(), "nothing to write: give --output FILE.csv, --png FILE.png " + "or both");
        }
        if (output != null) {
            CsvOutput.checkName("--output", output);
            OutputPaths.check("--output", output, model);
        }
        OutputPaths.check("--png", png, model);
        if (output != null) {
            OutputPaths.distinct("--output", output, "--png", png);
        }
        LoadedModel m = ModelFile.load(model);
        ContextSource contexts = contexts(m);
        if (count == null) {
            throw new ParameterException(spec.commandLine(), "give the number of samples with -n");
        }
        if (guidance != null && withLogp) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--with-logp cannot go with --guidance: a guided sampler "
                            + "has no exact density (the guided field is not the velocity of a density the model defines)");
        }
        if (guidance != null && (contexts == null || !m.flow().learnsUnconditional())) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--guidance needs a conditional model trained with "
                            + "--context-dropout (it learns the unconditional field beside the conditional one); "
                            + model
                            + (contexts == null ? " is not conditional" : " was trained without it"));
        }
        if (count < 1) {
            throw new ParameterException(spec.commandLine(), "-n must be positive, got " + count);
        }
        if (!(temperature > 0) || chunk < 1) {
            throw new ParameterException(spec.commandLine(), "--temperature and --chunk must be positive");
        }
        String recommended = evaluation.applyForSampling(m.flow(), m.metadata().reflow());
        if (recommended != null && !common.quiet) {
            spec.commandLine()
                    .getErr()
                    .printf(
                            "sampling with the reflowed model's recommended sampler: %s per block "
                                    + "(--solver dopri5 for the adaptive one)%n",
                            recommended);
        }
        if (withLogp && !m.flow().solver().method().isAdaptive()) {
            spec.commandLine()
                    .getErr()
                    .printf(
                            "note: log p from a fixed-step solve (%s, %d steps) is approximate: "
                                    + "no error control bounds it; --solver dopri5 gives it to the tolerance%n",
                            m.flow().solver().method().id(), m.flow().solver().steps());
        }
        spec.commandLine().getErr().flush();
        DensityModel dm = DensityModel.of(m);
        int fits = sampler(dm, contexts).maxChunk(withLogp);
        if (Math.min(chunk, count) > fits) {
            throw new ParameterException(
                    spec.commandLine(),
                    String.format(
                            java.util.Locale.ROOT,
                            "--chunk %,d needs "
                                    + "about %,d MB of working memory, over the %,d MB this JVM allows; give --chunk %,d or less (or "
                                    + "more memory in CNF_JAVA_OPTS)",
                            Math.min(chunk, count),
                            Math.min(chunk, count) * sampler(dm, contexts).bytesPerChunkRow(withLogp) >> 20,
                            org.cnf4j.data.DataMemory.workingLimitBytes() >> 20,
                            fits));
        }
        List<String> header = new ArrayList<>(m.metadata().columns());
        if (withLogp) {
            header.add("logp");
        }
        int keep = (int) Math.min(count, png == null ? 0 : 5000);
        List<INDArray> kept = new ArrayList<>();
        long[] keptRows = {0};
        SolverStats[] stats = new SolverStats[1];
        int dim = dm.dim();
        // a plot alone draws only the samples it shows (the first ones of the seed's stream)
        long drawn = output == null ? keep : count;
        try (Progress.Task task =
                new Progress.Task(Progress.mode(common), spec.commandLine().getErr(), "sample")) {
            Sampler.ChunkConsumer keepForPlot = (x, logp) -> {
                if (keptRows[0] < keep) {
                    long take = Math.min(keep - keptRows[0], x.rows());
                    kept.add(x.get(
                                    org.nd4j.linalg.indexing.NDArrayIndex.interval(0, take),
                                    org.nd4j.linalg.indexing.NDArrayIndex.all())
                            .dup());
                    keptRows[0] += take;
                }
            };
            if (output == null) {
                stats[0] = sampler(dm, contexts).sample(drawn, seed, temperature, false, chunk, keepForPlot, task);
            } else {
                CsvOutput.write(
                        output,
                        header,
                        rows -> {
                            stats[0] = sampler(dm, contexts)
                                    .sample(
                                            count,
                                            seed,
                                            temperature,
                                            withLogp,
                                            chunk,
                                            (x, logp) -> {
                                                double[] v = NativeArrays.toArray(x);
                                                double[] l = logp == null ? null : NativeArrays.toArray(logp);
                                                double[] row = new double[dim + (withLogp ? 1 : 0)];
                                                for (int i = 0; i < x.rows(); i++) {
                                                    System.arraycopy(v, i * dim, row, 0, dim);
                                                    if (l != null) {
                                                        row[dim] = l[i];
                                                    }
                                                    rows.row(row);
                                                }
                                                keepForPlot.accept(x, logp);
                                            },
                                            task);
                        },
                        spec.commandLine().getOut());
            }
        }
        if (png != null) {
            INDArray shown = Nd4j.vstack(kept.toArray(new INDArray[0]));
            org.cnf4j.io.ImageLayout layout = Converters.ImageShape.recorded(m.metadata(), imageShape);
            if (imageShape != null || layout != null) {
                int[] hw = layout != null ? new int[] {layout.height(), layout.width()} : imageShape.toArray();
                if ((long) hw[0] * hw[1] != dim) {
                    throw new IllegalArgumentException("an image shape of " + hw[0] + "x" + hw[1] + " needs "
                            + hw[0] * hw[1] + " dimensions, the model has " + dim);
                }
                INDArray imgs = shown.get(
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(0, Math.min(64, shown.rows())),
                        org.nd4j.linalg.indexing.NDArrayIndex.all());
                // the training rows' grey scale when the model records one (as its report draws them)
                double lo = layout != null ? layout.black() : imgs.minNumber().doubleValue();
                double hi = layout != null ? layout.white() : imgs.maxNumber().doubleValue();
                ChartFiles.writePng(
                        ChartFiles.greyImage(
                                ImageGrid.arrange(imgs, hw[0], hw[1], 8), hw[0], hw[1], lo, hi > lo ? hi : lo + 1, 6),
                        png);
            } else if (dim >= 2) {
                ChartFiles.writePng(
                        Charts.scatter(
                                shown,
                                0,
                                1,
                                m.metadata().columns().get(0),
                                m.metadata().columns().get(1),
                                "Samples from " + model.getFileName()),
                        png,
                        760,
                        640);
            } else {
                throw new IllegalArgumentException("a 1-D model has no 2-D plot; leave out --png");
            }
        }
        PrintWriter out = CsvOutput.isStdout(output)
                ? spec.commandLine().getErr()
                : spec.commandLine().getOut();
        if (output != null) {
            out.printf(
                    Locale.ROOT,
                    "%d samples written to %s (%d function evaluations)%n",
                    count,
                    CsvOutput.isStdout(output) ? "standard output" : output,
                    stats[0].functionEvaluations());
        }
        if (png != null) {
            out.printf(
                    Locale.ROOT,
                    "plot of %d samples written to %s%s%n",
                    keptRows[0],
                    png,
                    output == null
                            ? String.format(Locale.ROOT, " (%d function evaluations)", stats[0].functionEvaluations())
                            : "");
        }
        out.flush();
        return 0;
    }

    private Sampler sampler(DensityModel dm, ContextSource contexts) {
        Sampler s = new Sampler(dm, contexts);
        return guidance == null ? s : s.guidance(guidance);
    }

    /**
     * The samples' contexts for a conditional model (setting {@link #count} from a context file
     * when not given), null for an unconditional one.
     */
    private ContextSource contexts(LoadedModel m) {
        List<org.cnf4j.data.ContextColumn> columns = m.metadata().context();
        boolean given = context != null || contextFile != null;
        if (columns.isEmpty()) {
            if (given) {
                throw new ParameterException(
                        spec.commandLine(),
                        model + " is not a conditional model: leave out " + "--context and --context-file");
            }
            return null;
        }
        List<String> names =
                columns.stream().map(org.cnf4j.data.ContextColumn::name).toList();
        if (context != null && contextFile != null || !given) {
            throw new ParameterException(
                    spec.commandLine(),
                    model + " is conditional on " + names + ": give "
                            + "--context "
                            + String.join(
                                    ",", names.stream().map(n -> n + "=VALUE").toList())
                            + " or --context-file (one of them)");
        }
        if (context != null) {
            double[] encoded;
            try {
                encoded = org.cnf4j.data.ConditionalTable.encode(columns, context);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--context: " + e.getMessage());
            }
            warnFarOutside(m, encoded);
            return ContextSource.constant(encoded);
        }
        INDArray rows = org.cnf4j.data.ConditionalTable.readForModel(
                        contextFile, List.of(), columns, org.cnf4j.data.MissingValues.FAIL, d -> {})
                .values();
        if (count == null) {
            count = (long) rows.rows();
        } else if (count > rows.rows()) {
            throw new ParameterException(
                    spec.commandLine(),
                    "-n " + count + " asks for more samples than " + contextFile + " has context rows (" + rows.rows()
                            + ")");
        }
        warnFarOutside(m, NativeArrays.toArray(rows.dup('c')));
        return ContextSource.rows(rows);
    }

    private void warnFarOutside(LoadedModel m, double[] encoded) {
        String far = org.cnf4j.data.ContextRange.farOutside(
                m.metadata().context(), m.metadata().standardizer(), m.flow().dim(), encoded);
        if (far != null) {
            spec.commandLine().getErr().println("warning: " + far);
            spec.commandLine().getErr().flush();
        }
    }
}
