package org.cnf4j.spark.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.cnf4j.data.ContextColumn;
import org.cnf4j.data.DataException;
import org.cnf4j.data.Standardizer;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.io.LoadedModel;
import org.cnf4j.io.ModelFile;
import org.cnf4j.io.ModelMetadata;
import org.cnf4j.sample.ContextSource;
import org.cnf4j.sample.DensityModel;
import org.cnf4j.sample.Sampler;
import org.cnf4j.spark.CnfFlow;
import org.cnf4j.spark.CnfFlowModel;
import org.cnf4j.spark.FlowSampling;
import org.cnf4j.spark.FlowScoring;
import org.cnf4j.spark.SparkTestSupport;
import org.cnf4j.spark.SparkTrainingData;
import org.cnf4j.train.Evaluation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

/** Spark scoring and sampling of a conditional model (a text and a numeric context column) against the single JVM. */
class ConditionalSparkTest {

    @TempDir
    Path dir;

    /** x, y conditional on species (3 text levels) and age (numeric): 4 context values. */
    byte[] model() throws Exception {
        ContinuousNormalizingFlow flow = ContinuousNormalizingFlow.builder(2)
                .contextDim(4)
                .hiddenDims(16, 16)
                .seed(5)
                .build();
        Path file = dir.resolve("c.zip");
        ModelFile.save(
                file,
                flow,
                new ModelMetadata(
                        new Standardizer(
                                new double[] {0.5, 0.5, 0.3, 0.3, 0.4, 40}, new double[] {2, 2, 0.5, 0.5, 0.5, 10}),
                        false,
                        "test",
                        List.of("x", "y"),
                        null,
                        List.of(
                                new ContextColumn("species", List.of("adelie", "chinstrap", "gentoo")),
                                ContextColumn.numeric("age"))));
        return Files.readAllBytes(file);
    }

    @Test
    void scoresMatchTheSingleJvmAndUnknownLevelsAreNamed() throws Exception {
        byte[] bytes = model();
        String[] species = {"adelie", "chinstrap", "gentoo"};
        List<Row> rows = new ArrayList<>();
        double[][] joint = new double[30][];
        for (int i = 0; i < 30; i++) {
            double x = 0.1 * i;
            double y = 1 - 0.05 * i;
            int k = i % 3;
            double age = 20 + i;
            rows.add(RowFactory.create(x, y, species[k], age));
            joint[i] = new double[] {x, y, k == 0 ? 1 : 0, k == 1 ? 1 : 0, k == 2 ? 1 : 0, age};
        }
        StructType schema = new StructType()
                .add("x", DataTypes.DoubleType)
                .add("y", DataTypes.DoubleType)
                .add("species", DataTypes.StringType)
                .add("age", DataTypes.DoubleType);
        Dataset<Row> df = SparkTestSupport.spark().createDataFrame(rows, schema).repartition(3);
        List<Row> scored = FlowScoring.withLogProb(df, bytes, null).collectAsList();
        LoadedModel m = ModelFile.load(bytes, "c.zip");
        double[] want = Evaluation.logProb(m.flow(), m.metadata().standardizer(), Nd4j.createFromArray(joint))
                .logProb()
                .toDoubleVector();
        assertEquals(30, scored.size());
        for (Row r : scored) {
            int i = (int) Math.round(r.getDouble(0) * 10);
            assertEquals(want[i], r.getDouble(r.fieldIndex(FlowScoring.LOGP)), 1e-8, "row " + i);
        }
        Dataset<Row> odd =
                SparkTestSupport.spark().createDataFrame(List.of(RowFactory.create(0.1, 0.2, "emperor", 30.0)), schema);
        Exception e = assertThrows(
                Exception.class, () -> FlowScoring.withLogProb(odd, bytes, null).collectAsList());
        String message = String.valueOf(e.getMessage())
                + (e.getCause() == null ? "" : e.getCause().getMessage());
        assertTrue(message.contains("'emperor' is not a level of the context column 'species'"), message);
        Dataset<Row> noAge = df.drop("age");
        DataException missing = assertThrows(DataException.class, () -> FlowScoring.withLogProb(noAge, bytes, null));
        assertTrue(missing.getMessage().contains("no context column 'age'"), missing.getMessage());
    }

    /** 400 rows of x, y whose mean depends on a text species and a numeric age. */
    Path conditionalCsv() throws Exception {
        java.util.SplittableRandom r = new java.util.SplittableRandom(8);
        String[] species = {"adelie", "chinstrap", "gentoo"};
        StringBuilder csv = new StringBuilder("x,species,y,age\n");
        for (int i = 0; i < 400; i++) {
            int k = i % 3;
            double age = r.nextDouble(20, 60);
            csv.append(2.0 * k + r.nextGaussian())
                    .append(',')
                    .append(species[k])
                    .append(',')
                    .append(0.05 * age - k + 0.5 * r.nextGaussian())
                    .append(',')
                    .append(age)
                    .append('\n');
        }
        Path file = dir.resolve("penguins.csv");
        Files.writeString(file, csv.toString());
        return file;
    }

    @Test
    void conditionalTrainingOnSparkEndsWhereCnfTrainEnds() throws Exception {
        Path csv = conditionalCsv();
        String[] common = {
            "--data",
            csv.toString(),
            "--context",
            "species,age",
            "--hidden",
            "16,16",
            "--batch",
            "64",
            "--iterations",
            "60",
            "--validation-interval",
            "20",
            "--seed",
            "3",
            "--context-dropout",
            "0.2"
        };
        Path single = dir.resolve("single.zip");
        java.util.List<String> args =
                new ArrayList<>(List.of("train", "--no-ot-coupling", "--no-baselines", "--out", single.toString()));
        args.addAll(List.of(common));
        assertEquals(0, org.cnf4j.cli.CnfCommand.commandLine().execute(args.toArray(String[]::new)));
        Path spread = dir.resolve("spark.zip");
        args = new ArrayList<>(List.of("train", "--partitions", "3", "--out", spread.toString()));
        args.addAll(List.of(common));
        CnfSparkTest.Run run = CnfSparkTest.run(args.toArray(String[]::new));
        assertEquals(0, run.code(), run.toString());
        LoadedModel one = ModelFile.load(single);
        LoadedModel many = ModelFile.load(spread);
        assertEquals(one.metadata().context(), many.metadata().context());
        assertEquals(
                List.of(
                        new ContextColumn("species", List.of("adelie", "chinstrap", "gentoo")),
                        ContextColumn.numeric("age")),
                many.metadata().context().stream()
                        .map(c -> new ContextColumn(c.name(), c.levels()))
                        .toList());
        assertTrue(many.flow().learnsUnconditional());
        assertEquals(List.of("x", "y"), many.metadata().columns());
        assertArrayEquals(
                one.metadata().standardizer().mean(),
                many.metadata().standardizer().mean(),
                1e-12);
        assertArrayEquals(
                one.metadata().standardizer().std(),
                many.metadata().standardizer().std(),
                1e-12);
        double diff = one.flow()
                .parameters()
                .sub(many.flow().parameters())
                .amaxNumber()
                .doubleValue();
        assertTrue(diff < 1e-9, "parameters differ by " + diff);
        // the Spark ML estimator: the same kind of model, scored by the context columns it names
        Dataset<Row> df = SparkTestSupport.spark()
                .read()
                .option("header", true)
                .option("inferSchema", true)
                .csv(csv.toString());
        CnfFlowModel fitted = new CnfFlow()
                .setInputCols(new String[] {"x", "y"})
                .setContextCols(new String[] {"species", "age"})
                .setHidden(new int[] {16})
                .setIterations(20)
                .fit(df);
        assertEquals(
                many.metadata().context().stream().map(ContextColumn::name).toList(),
                fitted.model().metadata().context().stream()
                        .map(ContextColumn::name)
                        .toList());
        assertArrayEquals(new String[] {"species", "age"}, fitted.getOrDefault(fitted.contextCols()));
        List<Row> scored = fitted.transform(df).collectAsList();
        assertEquals(400, scored.size());
        scored.forEach(r -> assertTrue(Double.isFinite(r.getDouble(r.fieldIndex("logp")))));
        DataException noContext = assertThrows(DataException.class, () -> fitted.transform(df.drop("species")));
        assertTrue(noContext.getMessage().contains("no context column 'species'"), noContext.getMessage());
        DataException unknown = assertThrows(
                DataException.class,
                () -> new CnfFlow()
                        .setInputCols(new String[] {"x"})
                        .setContextCols(new String[] {"island"})
                        .fit(df));
        assertTrue(unknown.getMessage().contains("no context column 'island'"), unknown.getMessage());
        Dataset<Row> withNull = df.withColumn(
                "species",
                org.apache
                        .spark
                        .sql
                        .functions
                        .when(df.col("age").gt(59.5), org.apache.spark.sql.functions.lit(null))
                        .otherwise(df.col("species")));
        DataException missing = assertThrows(
                DataException.class,
                () -> SparkTrainingData.of(
                        withNull,
                        List.of("x", "y"),
                        List.of("species"),
                        0.1,
                        0.1,
                        3,
                        "penguins",
                        org.cnf4j.data.MissingValues.FAIL,
                        0));
        assertTrue(missing.getMessage().contains("context column 'species' is null"), missing.getMessage());
        SparkTrainingData dropped = SparkTrainingData.of(
                withNull,
                List.of("x", "y"),
                List.of("species"),
                0.1,
                0.1,
                3,
                "penguins",
                org.cnf4j.data.MissingValues.DROP_ROWS,
                0);
        assertTrue(dropped.droppedRows() > 0 && dropped.contextDim() == 3, "dropped " + dropped.droppedRows());
        dropped.unpersist();
    }

    @Test
    void samplesAtAContextMatchCnfSample() throws Exception {
        byte[] bytes = model();
        Map<String, String> context = Map.of("species", "gentoo", "age", "35");
        List<Row> got = FlowSampling.sample(
                        SparkTestSupport.spark(), bytes, 25, 3, new FlowSampling.Options(1.0, false, 10, 2), context)
                .collectAsList();
        LoadedModel m = ModelFile.load(bytes, "c.zip");
        double[] c = org.cnf4j.data.ConditionalTable.encode(m.metadata().context(), context);
        List<double[]> local = new ArrayList<>();
        for (long first = 0; first < 25; first += 10) {
            int n = (int) Math.min(10, 25 - first);
            Sampler.Chunk chunk =
                    new Sampler(DensityModel.of(m), ContextSource.constant(c)).chunk(first, n, 3, 1.0, false);
            double[] v = chunk.samples().dup().data().asDouble();
            for (int i = 0; i < n; i++) {
                local.add(new double[] {v[2 * i], v[2 * i + 1]});
            }
        }
        assertEquals(25, got.size());
        for (int i = 0; i < 25; i++) {
            assertArrayEquals(
                    local.get(i),
                    new double[] {got.get(i).getDouble(0), got.get(i).getDouble(1)},
                    0.0);
        }
        assertThrows(
                DataException.class,
                () -> FlowSampling.sample(
                        SparkTestSupport.spark(), bytes, 5, 3, FlowSampling.Options.defaults(), null));
    }

    @Test
    void oneSamplePerContextRowMatchesTheSamplerForAnyPartitioning() throws Exception {
        byte[] bytes = model();
        String[] species = {"adelie", "chinstrap", "gentoo"};
        List<Row> rows = new ArrayList<>();
        double[] encoded = new double[23 * 4];
        for (int i = 0; i < 23; i++) {
            int k = (i * 7) % 3;
            double age = 30 + i;
            rows.add(RowFactory.create(i, species[k], age));
            encoded[i * 4 + k] = 1;
            encoded[i * 4 + 3] = age;
        }
        StructType schema = new StructType()
                .add("id", DataTypes.IntegerType)
                .add("species", DataTypes.StringType)
                .add("age", DataTypes.DoubleType);
        LoadedModel m = ModelFile.load(bytes, "c.zip");
        // the single-JVM sampler, chunks of 5 from sample 0
        double[] want = new double[23 * 2];
        for (int first = 0; first < 23; first += 5) {
            int n = Math.min(5, 23 - first);
            int from = first;
            double[] mine = java.util.Arrays.copyOfRange(encoded, from * 4, (from + n) * 4);
            Sampler.Chunk c = new Sampler(DensityModel.of(m), (f, count) -> mine).chunk(first, n, 3, 1.0, false);
            System.arraycopy(c.samples().dup().data().asDouble(), 0, want, first * 2, n * 2);
        }
        for (int partitions : new int[] {1, 3}) {
            // the rows in their order, cut into partitions (sample i belongs to the frame's i-th row)
            Dataset<Row> contexts = SparkTestSupport.spark()
                    .createDataFrame(
                            org.apache.spark.api.java.JavaSparkContext.fromSparkContext(
                                            SparkTestSupport.spark().sparkContext())
                                    .parallelize(rows, partitions),
                            schema);
            List<Row> got = FlowSampling.sampleAt(contexts, bytes, 3, new FlowSampling.Options(1.0, false, 5, 0))
                    .collectAsList();
            assertEquals(23, got.size());
            // chunks that start where the sampler's do give the same bits; others differ only through
            // the adaptive steps of the samples sharing a solve (the solver's tolerance is 1e-5)
            for (Row r : got) {
                int i = r.getInt(0);
                assertEquals(want[2 * i], r.getDouble(r.fieldIndex("x")), partitions == 1 ? 0 : 1e-7, "row " + i);
                assertEquals(want[2 * i + 1], r.getDouble(r.fieldIndex("y")), partitions == 1 ? 0 : 1e-7, "row " + i);
            }
        }
        Dataset<Row> noAge =
                SparkTestSupport.spark().createDataFrame(rows, schema).drop("age");
        assertThrows(
                DataException.class, () -> FlowSampling.sampleAt(noAge, bytes, 3, FlowSampling.Options.defaults()));
    }
}
