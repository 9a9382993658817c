package org.cnf4j.spark.app;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.cnf4j.adjoint.AdjointMethod;
import org.cnf4j.adjoint.Regularizers;
import org.cnf4j.data.RowSource;
import org.cnf4j.data.TableTrainingData;
import org.cnf4j.data.ToyDataset;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.RandomStreams;
import org.cnf4j.io.LoadedModel;
import org.cnf4j.io.ModelFile;
import org.cnf4j.io.ModelMetadata;
import org.cnf4j.linalg.ComputeThreads;
import org.cnf4j.spark.FlowScoring;
import org.cnf4j.spark.SparkTrainingData;
import org.cnf4j.train.Evaluation;
import org.cnf4j.train.FlowMatching;
import org.cnf4j.train.LearningRateSchedule;
import org.cnf4j.train.Objective;
import org.cnf4j.train.Trainer;
import org.cnf4j.train.TrainingConfig;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cnf-spark bench}: rows per second scoring N generated rows of the 2-D toy model (FFJORD's
 * 2-64-64-64-2 trained briefly on 8gaussians by flow matching, or {@code --model}) in one JVM
 * (cnf density's engine, one worker) and on Spark local[1] and local[2], and Spark's overhead
 * per data-parallel training iteration (local[2]) against the same gradient in one JVM.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Prints scoring throughput (one JVM, Spark local[1], local[2]) and Spark's overhead per "
                + "training iteration; a benchmark, run it on a quiet machine.")
final class SparkBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--rows", defaultValue = "1000000", description = "Rows to score (default: ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--model", description = "Model file (default: the toy model, trained here).")
    Path model;

    @Option(names = "--batch", defaultValue = "1000", description = "Training batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--partitions",
            split = ",",
            defaultValue = "4",
            description = "Partitions of the training rows, " + "one timing each (default: ${DEFAULT-VALUE}).")
    int[] partitions;

    @Option(
            names = "--iterations",
            defaultValue = "30",
            description = "Timed training iterations (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        byte[] bytes = model != null ? Files.readAllBytes(model) : toyModel();
        LoadedModel m = ModelFile.load(bytes, "model");
        ComputeThreads.setWorkers(1);
        long t0 = System.nanoTime();
        double[] sum = {0};
        Evaluation.score(m.flow(), m.metadata().standardizer(), generated(rows), true, (s, l) -> sum[0] += l[0]);
        double single = (System.nanoTime() - t0) / 1e9;
        out.printf(Locale.ROOT, "one JVM, one worker: %d rows in %.1f s, %.0f rows/s%n", rows, single, rows / single);
        out.flush();
        for (int cores : new int[] {1, 2}) {
            SparkSession spark = SparkSession.builder()
                    .master("local[" + cores + "]")
                    .appName("cnf-spark bench")
                    .config("spark.ui.enabled", "false")
                    .getOrCreate();
            Dataset<Row> df = spark.range(0, rows, 1, 2 * cores)
                    .select(
                            functions
                                    .sin(functions.col("id").multiply(0.1))
                                    .multiply(2)
                                    .as("x"),
                            functions
                                    .cos(functions.col("id").multiply(0.37))
                                    .multiply(2)
                                    .as("y"));
            long t1 = System.nanoTime();
            long n = FlowScoring.withLogProb(df, bytes, List.of("x", "y")).count();
            double s = (System.nanoTime() - t1) / 1e9;
            out.printf(Locale.ROOT, "Spark local[%d]: %d rows in %.1f s, %.0f rows/s%n", cores, n, s, n / s);
            out.flush();
            if (cores == 2) {
                trainingOverhead(spark, out);
            }
            spark.stop();
        }
        return 0;
    }

    /** Seconds per data-parallel iteration against the same batch gradient in one JVM. */
    private void trainingOverhead(SparkSession spark, PrintWriter out) {
        int n = 20_000;
        INDArray x = ToyDataset.byName("8gaussians").sample(n, new SplittableRandom(3));
        double[] v = x.data().asDouble();
        List<Row> list = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(org.apache.spark.sql.RowFactory.create(v[2 * i], v[2 * i + 1]));
        }
        Dataset<Row> df = spark.createDataFrame(
                        list,
                        new org.apache.spark.sql.types.StructType()
                                .add("a", "double")
                                .add("b", "double"))
                .coalesce(1);
        TrainingConfig config = new TrainingConfig(
                iterations,
                batch,
                1e-3,
                0,
                0,
                new AdjointMethod(),
                null,
                Regularizers.NONE,
                1,
                false,
                FlowMatching.defaults(),
                LearningRateSchedule.CONSTANT);
        ContinuousNormalizingFlow flow = ContinuousNormalizingFlow.builder(2)
                .hiddenDims(64, 64, 64)
                .seed(1)
                .build();
        Objective fm = config.newObjective(2);
        TableTrainingData local = new TableTrainingData(
                new org.cnf4j.data.Dataset(x, List.of("a", "b"), "8gaussians"), 0, 0, 1, false, true);
        fm.evaluate(flow, local.batch(0, batch), RandomStreams.stream(1, "noise-0"));
        long t1 = System.nanoTime();
        for (int it = 1; it <= iterations; it++) {
            fm.evaluate(flow, local.batch(it, batch), RandomStreams.stream(1, "noise-" + it));
        }
        double single = (System.nanoTime() - t1) / 1e9 / iterations;
        out.printf(
                Locale.ROOT,
                "training (flow matching, batch %d): %.1f ms per iteration in one JVM (one worker)%n",
                batch,
                1e3 * single);
        for (int p : partitions) {
            SparkTrainingData spread = SparkTrainingData.of(
                    df, List.of("a", "b"), 0, 0, 1, "8gaussians", org.cnf4j.data.MissingValues.FAIL, p);
            Trainer.BatchGradient g = spread.batchGradient(flow, fm);
            g.compute(flow, fm, 0, batch, RandomStreams.stream(1, "noise-0"));
            long t0 = System.nanoTime();
            for (int it = 1; it <= iterations; it++) {
                g.compute(flow, fm, it, batch, RandomStreams.stream(1, "noise-" + it));
            }
            double distributed = (System.nanoTime() - t0) / 1e9 / iterations;
            out.printf(
                    Locale.ROOT,
                    "training on Spark, %d partition(s) on %s: %.1f ms per iteration, Spark's overhead " + "%.1f ms%n",
                    spread.partitions(),
                    spark.sparkContext().master(),
                    1e3 * distributed,
                    1e3 * (distributed - single));
            out.flush();
            spread.unpersist();
        }
    }

    private static RowSource generated(long n) {
        return new RowSource() {
            private long next;

            @Override
            public int dim() {
                return 2;
            }

            @Override
            public int read(double[] out, int maxRows) {
                int m = (int) Math.min(maxRows, n - next);
                for (int i = 0; i < m; i++) {
                    long id = next + i;
                    out[2 * i] = 2 * Math.sin(id * 0.1);
                    out[2 * i + 1] = 2 * Math.cos(id * 0.37);
                }
                next += m;
                return m;
            }
        };
    }

    /** FFJORD's toy model (2-64-64-64-2 concatsquash, tanh) after 500 flow-matching iterations on 8gaussians. */
    private static byte[] toyModel() throws Exception {
        INDArray x = ToyDataset.byName("8gaussians").sample(20_000, new SplittableRandom(1));
        TableTrainingData d = new TableTrainingData(
                new org.cnf4j.data.Dataset(x, List.of("x", "y"), "8gaussians"), 0.05, 0, 1, false, true);
        ContinuousNormalizingFlow flow = ContinuousNormalizingFlow.builder(2)
                .hiddenDims(64, 64, 64)
                .seed(1)
                .build();
        new Trainer(
                        flow,
                        d,
                        new TrainingConfig(
                                500,
                                512,
                                4e-3,
                                0,
                                0,
                                new AdjointMethod(),
                                null,
                                Regularizers.NONE,
                                1,
                                false,
                                FlowMatching.defaults(),
                                LearningRateSchedule.LINEAR))
                .train();
        Path tmp = Files.createTempFile("cnf-spark-bench", ".zip");
        try {
            ModelFile.save(
                    tmp, flow, new ModelMetadata(d.standardizer(), false, "8gaussians", List.of("x", "y"), null));
            return Files.readAllBytes(tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
