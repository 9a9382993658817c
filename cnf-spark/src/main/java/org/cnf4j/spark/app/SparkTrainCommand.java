package org.cnf4j.spark.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.cnf4j.TrainingRun;
import org.cnf4j.cli.TrainingOptions;
import org.cnf4j.data.MissingValues;
import org.cnf4j.io.ModelFile;
import org.cnf4j.spark.SparkIo;
import org.cnf4j.spark.SparkTrainingData;
import org.cnf4j.train.FlowMatching;
import org.cnf4j.train.TrainingConfig;
import org.cnf4j.train.TrainingResult;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code cnf-spark train}: data-parallel flow matching (or maximum likelihood) on a table that stays on the executors
 * ({@link SparkTrainingData}), with {@code cnf train}'s options, checkpoints (at every validation)
 * and {@code --resume}; the model file goes to any Hadoop path.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Trains a flow by flow matching (or maximum likelihood) on a Parquet or CSV table, data-parallel: each iteration the "
                        + "parameters are broadcast, every partition computes the gradient of its share of the batch, and "
                        + "the driver adds them and takes the Adam step. The same seed gives the same model as cnf train "
                        + "--objective flow-matching on the same rows.")
final class SparkTrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, description = "Training table: Parquet, or CSV with a header row.")
    String data;

    @Option(names = "--data-format", description = "csv or parquet (default: by extension).")
    String dataFormat;

    @Option(names = "--columns", split = ",", description = "Columns to model (default: every numeric column).")
    List<String> columns;

    @Option(
            names = "--exclude-columns",
            split = ",",
            description = "Columns to leave out of the default (e.g. a " + "numeric label).")
    List<String> excludeColumns;

    @Option(
            names = "--context",
            split = ",",
            description = "Columns to condition on: the flow learns p(x | context) "
                    + "of the other columns. A text column, or one of 2 to 10 distinct integers, is a category (one-hot "
                    + "encoded); any other a number.")
    List<String> context;

    @Option(
            names = "--missing",
            defaultValue = "fail",
            description = "Missing values (null, empty cells, NA, NaN) in "
                    + "the modelled columns: fail (naming the column) or drop-rows (default: ${DEFAULT-VALUE}).")
    String missing;

    @Option(names = "--out", required = true, description = "Model file to write (any Hadoop path).")
    String out;

    @Option(
            names = "--objective",
            defaultValue = "flow-matching",
            description = "flow-matching, or mle (maximum likelihood with adjoint gradients; each partition solves its "
                    + "share of the batch) (default: ${DEFAULT-VALUE}).")
    String objective;

    @Mixin
    TrainingOptions training = new TrainingOptions();

    @Option(
            names = "--validation-fraction",
            defaultValue = "0.1",
            description = "Rows held out for validation (default: ${DEFAULT-VALUE}).")
    double validationFraction;

    @Option(
            names = "--test-fraction",
            defaultValue = "0.1",
            description = "Rows held out for testing (default: ${DEFAULT-VALUE}).")
    double testFraction;

    @Option(names = "--resume", description = "Continue the training checkpointed in --out (same data and seed).")
    boolean resume;

    @Option(
            names = "--partitions",
            defaultValue = "0",
            description = "Partitions the training rows are spread "
                    + "over, at least (default: the cluster's default parallelism, so a small file still reaches every "
                    + "executor).")
    int partitions;

    @Option(names = "--master", description = "Spark master when not run by spark-submit, e.g. local[*].")
    String master;

    @Override
    public Integer call() throws Exception {
        if (!objective.equals(FlowMatching.NAME) && !objective.equals("mle")) {
            throw new ParameterException(
                    spec.commandLine(), "--objective must be flow-matching or mle, got " + objective);
        }
        if (resume && !training.iterationsGiven()) {
            throw new ParameterException(spec.commandLine(), "--resume continues to the --iterations given; name them");
        }
        FlowMatching fm = objective.equals("mle") ? null : training.flowMatching(spec, false);
        TrainingConfig config = training.config(spec, fm);
        SparkSession spark = SparkSessions.get(master, "cnf-spark train");
        Dataset<Row> df = SparkIo.read(spark, data, SparkIo.format(data, dataFormat));
        MissingValues missingValues;
        try {
            missingValues = MissingValues.byName(missing);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        boolean chosen = columns != null && !columns.isEmpty();
        boolean excluded = excludeColumns != null && !excludeColumns.isEmpty();
        if (chosen && excluded) {
            throw new ParameterException(spec.commandLine(), "give --columns or --exclude-columns, not both");
        }
        List<String> contextCols = context == null ? List.of() : List.copyOf(context);
        if (training.contextDropout() > 0 && (fm == null || contextCols.isEmpty())) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--context-dropout is for flow matching with --context (it "
                            + "trains the unconditional field beside the conditional one, for --guidance)");
        }
        List<String> cols = chosen ? columns : numericColumns(df);
        if (!chosen) {
            cols = new ArrayList<>(cols);
            cols.removeAll(contextCols);
        }
        if (excluded) {
            cols = new ArrayList<>(cols);
            for (String e : excludeColumns) {
                if (!cols.remove(e)) {
                    throw new org.cnf4j.data.DataException(data + ": no numeric column '" + e + "' to exclude; the "
                            + "numeric columns are " + numericColumns(df));
                }
            }
            if (cols.isEmpty()) {
                throw new org.cnf4j.data.DataException(data + ": --exclude-columns leaves no column");
            }
        }
        if (partitions < 0) {
            throw new ParameterException(spec.commandLine(), "--partitions must not be negative, got " + partitions);
        }
        if (cols.isEmpty()) {
            throw new org.cnf4j.data.DataException(
                    data + ": no data column is left besides the context " + contextCols);
        }
        SparkTrainingData trainingData = SparkTrainingData.of(
                df,
                cols,
                contextCols,
                validationFraction,
                testFraction,
                training.seed(),
                data,
                missingValues,
                partitions > 0 ? partitions : spark.sparkContext().defaultParallelism());
        if (trainingData.droppedRows() > 0) {
            spec.commandLine()
                    .getErr()
                    .printf(
                            Locale.ROOT,
                            "left out %d rows with a missing value (--missing " + "drop-rows)%n",
                            trainingData.droppedRows());
        }
        // the held-out rows (collected to the driver anyway) show whether a column looks like a label
        INDArray heldOut = trainingData.validation().rows() > 0 ? trainingData.validation() : trainingData.test();
        if (heldOut.rows() > 0) {
            INDArray x = trainingData
                    .standardizer()
                    .inverse(heldOut)
                    .get(
                            org.nd4j.linalg.indexing.NDArrayIndex.all(),
                            org.nd4j.linalg.indexing.NDArrayIndex.interval(0, cols.size()))
                    .dup('c');
            org.cnf4j.cli.DataOptions.warnLabels(spec.commandLine().getErr(), x, cols);
        }
        spec.commandLine().getErr().flush();
        Path local = Files.createTempFile("cnf-spark-model", ".zip");
        try {
            org.cnf4j.io.Provenance provenance = org.cnf4j.io.Provenance.of(
                    "cnf-spark "
                            + String.join(
                                    " ", spec.commandLine().getParseResult().originalArgs()),
                    trainingData,
                    training.seed());
            TrainingRun run;
            if (resume) {
                Files.write(local, SparkIo.readModel(spark, out));
                run = TrainingRun.resume(
                        trainingData,
                        ModelFile.load(local),
                        out,
                        config,
                        training.maxNfe(),
                        cols,
                        trainingData.context(),
                        provenance);
            } else {
                run = TrainingRun.fresh(
                        trainingData,
                        training.newFlow(cols.size(), trainingData.contextDim(), fm),
                        config,
                        cols,
                        trainingData.context(),
                        provenance);
            }
            run.trainer()
                    .setBatchGradient(
                            trainingData.batchGradient(run.flow(), run.trainer().objective()));
            // the base distribution (no baselines on Spark), then the run planned from the table and
            // the options, as cnf train plans it; --time-budget only caps it
            run.prepare(false);
            run.plan(training.iterationsGiven()).ifPresent(plan -> {
                spec.commandLine().getErr().printf(Locale.ROOT, "%s%n", TrainingOptions.describePlan(plan));
                spec.commandLine().getErr().flush();
            });
            run.checkpointEachValidation(local, v -> {
                SparkIo.writeModel(spark, local, out);
                spec.commandLine()
                        .getErr()
                        .printf(
                                Locale.ROOT,
                                "validation at iteration %d: NLL %.4f nats, checkpoint written to %s%n",
                                v.iteration(),
                                v.nll(),
                                out);
                spec.commandLine().getErr().flush();
            });
            TrainingResult r = run.trainAndSave(local);
            SparkIo.writeModel(spark, local, out);
            var s = r.summary();
            spec.commandLine()
                    .getOut()
                    .printf(
                            Locale.ROOT,
                            "trained %d iterations in %.1f s on %s%n",
                            s.iterations(),
                            s.wallSeconds(),
                            trainingData.describe());
            if (!Double.isNaN(s.testNll())) {
                spec.commandLine().getOut().printf(Locale.ROOT, "test NLL: %.4f nats%n", s.testNll());
            }
            spec.commandLine().getOut().printf("model written to %s%n", out);
            spec.commandLine().getOut().flush();
        } finally {
            Files.deleteIfExists(local);
            trainingData.unpersist();
        }
        return 0;
    }

    private static List<String> numericColumns(Dataset<Row> df) {
        List<String> cols = new ArrayList<>();
        for (StructField f : df.schema().fields()) {
            if (f.dataType() instanceof NumericType) {
                cols.add(f.name());
            }
        }
        if (cols.isEmpty()) {
            throw new org.cnf4j.data.DataException("the data have no numeric column");
        }
        return cols;
    }
}
