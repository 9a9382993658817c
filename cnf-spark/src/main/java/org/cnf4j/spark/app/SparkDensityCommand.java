package org.cnf4j.spark.app;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.cnf4j.cli.EvaluationOptions;
import org.cnf4j.io.ModelFile;
import org.cnf4j.spark.BadRowPolicy;
import org.cnf4j.spark.FlowScoring;
import org.cnf4j.spark.SparkIo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cnf-spark density}: every row of a table with its log-density, as {@code cnf density}. */
@Command(
        name = "density",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Appends log p(x) in nats (column 'logp', and 'nll_bits' on request) to every row of a "
                + "Parquet or CSV table and prints the mean NLL; values as cnf density --no-dequantize computes them.")
final class SparkDensityCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    EvaluationOptions evaluation = new EvaluationOptions();

    @Option(names = "--model", required = true, description = "Model file (any Hadoop path).")
    String model;

    @Option(names = "--input", required = true, description = "Table to score: Parquet, or CSV with a header row.")
    String input;

    @Option(names = "--input-format", description = "csv or parquet (default: by extension, .csv/.tsv are CSV).")
    String inputFormat;

    @Option(names = "--output", required = true, description = "Folder to write: the input's columns plus logp.")
    String output;

    @Option(names = "--output-format", description = "csv or parquet (default: by extension).")
    String outputFormat;

    @Option(names = "--overwrite", description = "Replace an existing output.")
    boolean overwrite;

    @Option(
            names = "--columns",
            split = ",",
            description = "Input columns in the model's order (default: the model's names).")
    List<String> columns;

    @Option(
            names = "--nll-bits",
            description = "Also write nll_bits, the negative log-likelihood in bits per dimension.")
    boolean nllBits;

    @Option(
            names = "--on-bad-row",
            defaultValue = "fail",
            description = "A row with a null, NaN or infinite value: fail, skip or null (default: ${DEFAULT-VALUE}).")
    BadRowPolicy onBadRow;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description = "Seed of Hutchinson trace probes (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--partitions",
            defaultValue = "0",
            description = "Partitions to score in (default: as the "
                    + "input is read); more spreads a small file over the executors (the output rows are then in another "
                    + "order, each with its input columns).")
    int partitions;

    @Option(names = "--master", description = "Spark master when not run by spark-submit, e.g. local[*].")
    String master;

    @Override
    public Integer call() {
        SparkSession spark = SparkSessions.get(master, "cnf-spark density");
        byte[] bytes = ModelOverrides.withOverrides(SparkIo.readModel(spark, model), evaluation);
        String trace =
                ModelFile.load(bytes, "the model file").flow().traceEstimator().toString();
        if (partitions < 0) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--partitions must not be negative, got " + partitions);
        }
        Dataset<Row> df = SparkIo.read(spark, input, SparkIo.format(input, inputFormat));
        if (partitions > 0) {
            // each output row keeps all its input columns, so a changed order loses nothing
            df = df.repartition(partitions);
        }
        Dataset<Row> scored = FlowScoring.withLogProb(
                df, bytes, columns, new FlowScoring.Options(seed, nllBits, onBadRow, evaluation.precision(), trace));
        SparkIo.write(scored, output, SparkIo.format(output, outputFormat), overwrite);
        Row summary = SparkIo.read(spark, output, SparkIo.format(output, outputFormat))
                .agg(functions.avg(functions.col(FlowScoring.LOGP)), functions.count(functions.col(FlowScoring.LOGP)))
                .first();
        spec.commandLine()
                .getOut()
                .printf(Locale.ROOT, "mean NLL: %.6f nats over %d rows%n", -summary.getDouble(0), summary.getLong(1));
        spec.commandLine().getOut().printf("log-densities written to %s%n", output);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
