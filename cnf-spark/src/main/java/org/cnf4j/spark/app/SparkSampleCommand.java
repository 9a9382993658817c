package org.cnf4j.spark.app;

import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cnf4j.cli.EvaluationOptions;
import org.cnf4j.sample.Sampler;
import org.cnf4j.spark.FlowSampling;
import org.cnf4j.spark.SparkIo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code cnf-spark sample}: n samples of a model written as a table, the same rows for any cluster. */
@Command(
        name = "sample",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Draws n samples (the model's columns, in the data's units; 'logp' on request) into a Parquet "
                + "or CSV folder; sample i depends only on the seed and i, so any number of executors writes the same "
                + "rows, equal to cnf sample's with the same --seed and --chunk.")
final class SparkSampleCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    EvaluationOptions evaluation = new EvaluationOptions();

    @Option(names = "--model", required = true, description = "Model file (any Hadoop path).")
    String model;

    @Option(
            names = {"-n", "--count"},
            description = "Number of samples (not with --context-file: one per row).")
    Long count;

    @Option(
            names = "--context-file",
            description = "A conditional model's contexts, one sample per row: a table "
                    + "(any Hadoop path, Parquet or CSV) with the context columns; the output is its rows with the samples' "
                    + "columns appended.")
    String contextFile;

    @Option(names = "--input-format", description = "csv or parquet for --context-file (default: by extension).")
    String inputFormat;

    @Option(names = "--output", required = true, description = "Folder to write.")
    String output;

    @Option(names = "--output-format", description = "csv or parquet (default: by extension).")
    String outputFormat;

    @Option(names = "--overwrite", description = "Replace an existing output.")
    boolean overwrite;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the samples (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--temperature",
            defaultValue = "1.0",
            description = "Scale of the base noise (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--with-logp", description = "Also write each sample's log-density (column 'logp').")
    boolean withLogp;

    @Option(
            names = "--chunk",
            defaultValue = "" + Sampler.DEFAULT_CHUNK,
            description = "Samples solved together (default: ${DEFAULT-VALUE}).")
    int chunk;

    @Option(
            names = "--partitions",
            defaultValue = "0",
            description = "Partitions of the output (default: Spark's default parallelism).")
    int partitions;

    @Option(
            names = "--context",
            split = ",",
            paramLabel = "COLUMN=VALUE",
            description = "A conditional model's "
                    + "context for every sample, e.g. --context label=3 (every context column named).")
    java.util.Map<String, String> context;

    @Option(names = "--master", description = "Spark master when not run by spark-submit, e.g. local[*].")
    String master;

    @Override
    public Integer call() {
        if ((count == null) == (contextFile == null) || contextFile != null && context != null) {
            throw new ParameterException(
                    spec.commandLine(),
                    "give -n (with --context for a conditional model) or " + "--context-file, one of them");
        }
        if (count != null && count < 1) {
            throw new ParameterException(spec.commandLine(), "-n must be positive, got " + count);
        }
        if (!(temperature > 0) || chunk < 1 || partitions < 0) {
            throw new ParameterException(
                    spec.commandLine(), "--temperature and --chunk must be positive, --partitions not negative");
        }
        SparkSession spark = SparkSessions.get(master, "cnf-spark sample");
        byte[] bytes = ModelOverrides.withOverrides(SparkIo.readModel(spark, model), evaluation);
        FlowSampling.Options options =
                new FlowSampling.Options(temperature, withLogp, chunk, partitions, evaluation.precision());
        if (contextFile != null) {
            Dataset<Row> contexts = SparkIo.read(spark, contextFile, SparkIo.format(contextFile, inputFormat));
            SparkIo.write(
                    FlowSampling.sampleAt(contexts, bytes, seed, options),
                    output,
                    SparkIo.format(output, outputFormat),
                    overwrite);
            spec.commandLine().getOut().printf("one sample per row of %s written to %s%n", contextFile, output);
        } else {
            SparkIo.write(
                    FlowSampling.sample(spark, bytes, count, seed, options, context),
                    output,
                    SparkIo.format(output, outputFormat),
                    overwrite);
            spec.commandLine().getOut().printf("%d samples written to %s%n", count, output);
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
