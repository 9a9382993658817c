package org.cnf4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.cnf4j.data.DataException;
import org.cnf4j.io.LoadedModel;
import org.cnf4j.io.ModelFile;
import org.cnf4j.io.ModelFileException;
import org.cnf4j.linalg.NativeArrays;
import org.cnf4j.nn.MatrixPrecision;
import org.cnf4j.train.Evaluation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class FlowScoringTest {

    private static final int N = 10_000;
    private static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.LongType)
            .add("y", DataTypes.DoubleType)
            .add("x", DataTypes.DoubleType);

    @TempDir
    static Path dir;

    static SparkSession spark;
    static double[] xy;
    static List<Row> rows;

    @BeforeAll
    static void data() {
        spark = SparkTestSupport.spark();
        SplittableRandom r = new SplittableRandom(11);
        xy = new double[2 * N];
        rows = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            xy[2 * i] = r.nextDouble(-3, 4);
            xy[2 * i + 1] = r.nextDouble(-3, 4);
            // columns in another order than the model's (x, y), and an extra one
            rows.add(RowFactory.create((long) i, xy[2 * i + 1], xy[2 * i]));
        }
    }

    /** What cnf density computes for the rows with the model's own estimator (chunks of 5,000, the seed's noise). */
    static double[] inProcess(byte[] model, long seed) {
        LoadedModel m = ModelFile.load(model, "model");
        m.flow().setSeed(seed);
        return NativeArrays.toArray(Evaluation.logProb(
                        m.flow(), m.metadata().standardizer(), Nd4j.create(xy, new long[] {N, 2}, DataType.DOUBLE))
                .logProb());
    }

    static Dataset<Row> frame(int partitions) {
        return spark.createDataFrame(
                JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, partitions), SCHEMA);
    }

    static double[] logp(Dataset<Row> scored) {
        List<Row> out = scored.orderBy("id").collectAsList();
        double[] v = new double[out.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = out.get(i).getDouble(out.get(i).fieldIndex(FlowScoring.LOGP));
        }
        return v;
    }

    @Test
    void scoringEqualsCnfDensityWhenPartitionsStartWhereItsChunksDo() throws Exception {
        for (boolean hutchinson : new boolean[] {false, true}) {
            byte[] model = SparkTestSupport.model(dir, hutchinson);
            double[] expected = inProcess(model, 3);
            // the model's own estimator, asked for by name (the default is exact in 2-D)
            FlowScoring.Options o = new FlowScoring.Options(
                    3, true, BadRowPolicy.FAIL, MatrixPrecision.DOUBLE, hutchinson ? "rademacher" : null);
            // two partitions of 5,000 rows: exactly cnf density's chunks
            double[] two = logp(FlowScoring.withLogProb(frame(2), model, null, o));
            // CSV and Parquet files, one partition each
            Path csv = dir.resolve("rows-" + hutchinson + ".csv");
            frame(1).write().option("header", true).csv(csv.toString());
            Dataset<Row> fromCsv = spark.read()
                    .option("header", true)
                    .option("inferSchema", true)
                    .csv(csv.toString());
            Path parquet = dir.resolve("rows-" + hutchinson + ".parquet");
            frame(1).write().parquet(parquet.toString());
            Dataset<Row> fromParquet = spark.read().parquet(parquet.toString());
            double[] csvLogp = logp(FlowScoring.withLogProb(fromCsv, model, List.of("x", "y"), o));
            double[] parquetLogp = logp(FlowScoring.withLogProb(fromParquet, model, null, o));
            for (int i = 0; i < N; i++) {
                assertEquals(expected[i], two[i], 1e-12, "two partitions, row " + i);
                assertEquals(expected[i], csvLogp[i], 1e-12, "CSV, row " + i);
                assertEquals(expected[i], parquetLogp[i], 1e-12, "Parquet, row " + i);
            }
        }
    }

    @Test
    void anyPartitioningAgreesToTheSolverTolerance() throws Exception {
        for (boolean hutchinson : new boolean[] {false, true}) {
            byte[] model = SparkTestSupport.model(dir, hutchinson);
            double[] expected = inProcess(model, 0);
            FlowScoring.Options o = new FlowScoring.Options(
                    0, false, BadRowPolicy.FAIL, MatrixPrecision.DOUBLE, hutchinson ? "rademacher" : null);
            double[] seven = logp(FlowScoring.withLogProb(frame(7), model, null, o));
            double worst = 0;
            for (int i = 0; i < N; i++) {
                worst = Math.max(worst, Math.abs(expected[i] - seven[i]));
            }
            System.out.printf(
                    "7 partitions against cnf density's chunks (%s trace): largest |difference| %.3g nats%n",
                    hutchinson ? "Hutchinson" : "exact", worst);
            // a row's probes are its own (keyed by its values), so only the adaptive steps differ
            assertTrue(worst < 1e-3, "largest difference " + worst);
            // the same partitioning gives the same values
            double[] again = logp(FlowScoring.withLogProb(frame(7), model, null, o));
            for (int i = 0; i < N; i++) {
                assertEquals(seven[i], again[i], 0.0);
            }
        }
    }

    @Test
    void badRowsFailSkipOrScoreNull() throws Exception {
        byte[] model = SparkTestSupport.model(dir, false);
        List<Row> some = new ArrayList<>(rows.subList(0, 20));
        some.set(7, RowFactory.create(7L, Double.NaN, 0.5));
        some.set(9, RowFactory.create(9L, 0.5, null));
        Dataset<Row> df = spark.createDataFrame(some, SCHEMA);
        // found on the driver before any scoring task runs (a task failing on it would be retried to no avail)
        DataException cause = assertThrows(DataException.class, () -> FlowScoring.withLogProb(df, model, null));
        assertTrue(
                cause.getMessage()
                        .matches("column '[xy]' (holds NaN, not a finite value|is null \\(a missing value\\)) "
                                + "in a row; --on-bad-row skip or null scores the other rows"),
                cause.getMessage());
        assertEquals(
                18,
                FlowScoring.withLogProb(df, model, null, new FlowScoring.Options(0, false, BadRowPolicy.SKIP))
                        .count());
        List<Row> kept = FlowScoring.withLogProb(df, model, null, new FlowScoring.Options(0, false, BadRowPolicy.NULL))
                .orderBy("id")
                .collectAsList();
        assertEquals(20, kept.size());
        assertTrue(kept.get(7).isNullAt(3)
                && kept.get(9).isNullAt(3)
                && !kept.get(8).isNullAt(3));
        assertNull(kept.get(9).get(2));
    }

    @Test
    void aMissingColumnAWrongTypeOrACorruptModelIsOneClearError() throws Exception {
        byte[] model = SparkTestSupport.model(dir, false);
        Dataset<Row> df = frame(1);
        assertEquals(
                "no column 'z'; the data have [id, y, x]",
                assertThrows(DataException.class, () -> FlowScoring.withLogProb(df, model, List.of("x", "z")))
                        .getMessage());
        Dataset<Row> text = df.withColumn("x", df.col("x").cast("string"));
        assertEquals(
                "column 'x' has type string, not a number",
                assertThrows(DataException.class, () -> FlowScoring.withLogProb(text, model, null))
                        .getMessage());
        byte[] corrupt = java.util.Arrays.copyOf(model, model.length / 2);
        assertTrue(assertThrows(ModelFileException.class, () -> FlowScoring.withLogProb(df, corrupt, null))
                .getMessage()
                .startsWith("the model file"));
        Files.deleteIfExists(dir.resolve("unused"));
    }
}
