package org.cnf4j.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.cnf4j.adjoint.AdjointMethod;
import org.cnf4j.adjoint.DirectBackprop;
import org.cnf4j.adjoint.TrainingObjective;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.SolverConfig;
import org.cnf4j.io.LoadedModel;
import org.cnf4j.io.ModelFile;
import org.cnf4j.io.ModelMetadata;
import org.cnf4j.nn.Activation;
import org.cnf4j.nn.LayerType;
import org.cnf4j.ode.RungeKuttaMethod;
import org.cnf4j.trace.TraceEstimator;
import org.cnf4j.train.FlowMatching;
import org.cnf4j.train.LearningRateSchedule;
import org.cnf4j.train.Objectives;
import org.cnf4j.train.TimeSampling;
import org.cnf4j.train.Trainer;
import org.cnf4j.train.TrainingConfig;
import org.cnf4j.train.TrainingListener;
import org.cnf4j.train.TrainingResult;
import org.cnf4j.train.ValidationStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code cnf-spark train}: data-parallel flow matching (or maximum likelihood) on a table that stays on the executors
 * ({@link SparkTrainingData}), with {@code cnf train}'s options, checkpoints (at every validation)
 * and {@code --resume}; the model file goes to any Hadoop path.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Trains a flow by flow matching (or maximum likelihood) on a Parquet or CSV table, data-parallel: each iteration the "
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

    @Option(names = "--out", required = true, description = "Model file to write (any Hadoop path).")
    String out;

    @Option(names = "--objective", defaultValue = "flow-matching",
            description = "flow-matching, or mle (maximum likelihood with adjoint gradients; each partition solves its "
                    + "share of the batch) (default: ${DEFAULT-VALUE}).")
    String objective;

    @Option(names = "--hidden", split = ",", defaultValue = "64,64,64", description = "Hidden widths (default: ${DEFAULT-VALUE}).")
    int[] hidden;

    @Option(names = "--layer-type", defaultValue = "concatsquash", description = "Layer type (default: ${DEFAULT-VALUE}).")
    String layerType;

    @Option(names = "--activation", defaultValue = "tanh", description = "Activation (default: ${DEFAULT-VALUE}).")
    String activation;

    @Option(names = "--blocks", defaultValue = "1", description = "Number of blocks (default: ${DEFAULT-VALUE}).")
    int blocks;

    @Option(names = "--time", defaultValue = "0.5", description = "Integration time T of each block (default: ${DEFAULT-VALUE}).")
    double time;

    @Option(names = "--train-time", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Maximum likelihood: learn each block's T (default: ${DEFAULT-VALUE}; flow matching keeps T).")
    boolean trainTime;

    @Option(names = "--solver", defaultValue = "dopri5", description = "Solver of validation and evaluation (default: ${DEFAULT-VALUE}).")
    String solver;

    @Option(names = "--steps", defaultValue = "100", description = "Steps per block of fixed-step solvers (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--max-nfe", defaultValue = "0", description = "Cap on the function evaluations of one solve "
            + "(0: none) (default: ${DEFAULT-VALUE}).")
    int maxNfe;

    @Option(names = "--trace", description = "Maximum likelihood: exact, hutchinson, rademacher, with xM for M probes "
            + "(default: exact up to 2 dimensions, hutchinson above).")
    String trace;

    @Option(names = "--gradient", defaultValue = "adjoint",
            description = "Maximum likelihood: adjoint or direct (default: ${DEFAULT-VALUE}).")
    String gradient;

    @Option(names = "--kinetic", defaultValue = "0", description = "Maximum likelihood: kinetic-energy regulariser weight (default: ${DEFAULT-VALUE}).")
    double kinetic;

    @Option(names = "--jacobian", defaultValue = "0", description = "Maximum likelihood: Jacobian-norm regulariser weight (default: ${DEFAULT-VALUE}).")
    double jacobian;

    @Option(names = "--rtol", defaultValue = "1e-5", description = "Relative tolerance (default: ${DEFAULT-VALUE}).")
    double rtol;

    @Option(names = "--atol", defaultValue = "1e-5", description = "Absolute tolerance (default: ${DEFAULT-VALUE}).")
    double atol;

    @Option(names = "--sigma-min", defaultValue = "0", description = "Width of the path's end (default: ${DEFAULT-VALUE}).")
    double sigmaMin;

    @Option(names = "--time-sampling", defaultValue = "uniform", description = "uniform or logit-normal (default: ${DEFAULT-VALUE}).")
    String timeSampling;

    @Option(names = "--batch", defaultValue = "100", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--lr-schedule", defaultValue = "constant", description = "constant or linear (default: ${DEFAULT-VALUE}).")
    String lrSchedule;

    @Option(names = "--weight-decay", defaultValue = "1e-5", description = "Weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--iterations", defaultValue = "1000", description = "Total iterations (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--validation-interval", defaultValue = "100",
            description = "Iterations between validations and checkpoints (default: ${DEFAULT-VALUE}).")
    int validationInterval;

    @Option(names = "--validation-fraction", defaultValue = "0.1", description = "Rows held out for validation (default: ${DEFAULT-VALUE}).")
    double validationFraction;

    @Option(names = "--test-fraction", defaultValue = "0.1", description = "Rows held out for testing (default: ${DEFAULT-VALUE}).")
    double testFraction;

    @Option(names = "--seed", defaultValue = "0", description = "Run seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--resume", description = "Continue the training checkpointed in --out (same data and seed).")
    boolean resume;

    @Option(names = "--master", description = "Spark master when not run by spark-submit, e.g. local[*].")
    String master;

    private <T> T parse(String option, String value, Function<String, T> byName) {
        try {
            return byName.apply(value);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage());
        }
    }

    @Override
    public Integer call() throws Exception {
        if (!objective.equals(FlowMatching.NAME) && !objective.equals("mle")) {
            throw new ParameterException(spec.commandLine(), "--objective must be flow-matching or mle, got "
                    + objective);
        }
        FlowMatching fm = objective.equals("mle") ? null
                : new FlowMatching(sigmaMin, false, parse("--time-sampling", timeSampling, TimeSampling::byName));
        if (!gradient.equals("adjoint") && !gradient.equals("direct")) {
            throw new ParameterException(spec.commandLine(), "--gradient must be adjoint or direct, got " + gradient);
        }
        if (maxNfe < 0) {
            throw new ParameterException(spec.commandLine(), "--max-nfe must not be negative, got " + maxNfe);
        }
        TrainingConfig config = new TrainingConfig(iterations, batch, lr, weightDecay, validationInterval,
                gradient.equals("direct") ? new DirectBackprop() : new AdjointMethod(),
                trace == null ? null : parse("--trace", trace, TraceEstimator::byName),
                new TrainingObjective(kinetic, jacobian), seed, true, fm,
                parse("--lr-schedule", lrSchedule, LearningRateSchedule::byName));
        SparkSession spark = SparkSessions.get(master, "cnf-spark train");
        Dataset<Row> df = SparkIo.read(spark, data, SparkIo.format(data, dataFormat));
        List<String> cols = columns != null && !columns.isEmpty() ? columns : numericColumns(df);
        SparkTrainingData trainingData = SparkTrainingData.of(df, cols, validationFraction, testFraction, seed, data);
        Path local = Files.createTempFile("cnf-spark-model", ".zip");
        try {
            ContinuousNormalizingFlow flow;
            Trainer trainer;
            if (resume) {
                Files.write(local, SparkIo.readModel(spark, out));
                LoadedModel m = ModelFile.load(local);
                if (m.checkpoint() == null) {
                    throw new IllegalArgumentException(out + " holds no checkpoint to resume from");
                }
                flow = m.flow();
                if (m.metadata().training() != null && fm != null) {
                    config = config.withFlowMatching(Objectives.flowMatching(m.metadata().training().objectiveSettings()));
                }
                trainer = Trainer.resume(flow, trainingData, config, m.checkpoint());
            } else {
                RungeKuttaMethod method = parse("--solver", solver, RungeKuttaMethod::byName);
                flow = ContinuousNormalizingFlow.builder(cols.size()).hiddenDims(hidden)
                        .layerType(parse("--layer-type", layerType, LayerType::byName))
                        .activation(parse("--activation", activation, Activation::byName)).blocks(blocks).endTime(time)
                        .trainEndTime(trainTime)
                        .solver((method.isAdaptive() ? new SolverConfig(method, rtol, atol, 0, 10_000)
                                : SolverConfig.fixed(method, steps)).withMaxEvaluations(maxNfe)).seed(seed)
                        .build();
                trainer = new Trainer(flow, trainingData, config);
            }
            trainer.setBatchGradient(trainingData.batchGradient(flow, trainer.objective()));
            ModelMetadata meta = new ModelMetadata(trainingData.standardizer(), false, trainingData.describe(), cols,
                    null);
            Trainer t = trainer;
            trainer.addListener(new TrainingListener() {
                @Override
                public void onValidation(ValidationStats v) {
                    t.save(local, meta, t.summarySoFar());
                    SparkIo.writeModel(spark, local, out);
                    spec.commandLine().getErr().printf(Locale.ROOT, "validation at iteration %d: NLL %.4f nats, "
                            + "checkpoint written to %s%n", v.iteration(), v.nll(), out);
                    spec.commandLine().getErr().flush();
                }
            });
            TrainingResult r = trainer.trainAndSave(local, meta);
            SparkIo.writeModel(spark, local, out);
            var s = r.summary();
            spec.commandLine().getOut().printf(Locale.ROOT, "trained %d iterations in %.1f s on %s%n", s.iterations(),
                    s.wallSeconds(), trainingData.describe());
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
