package org.cnf4j.spark.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cnf4j.spark.SparkTestSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cnf-spark's commands in-process on the tests' local[2] session: outputs, messages, exit codes. */
class CnfSparkTest {

    @TempDir
    static Path dir;

    static SparkSession spark;
    static Path model;
    static Path points;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CnfSpark.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void files() throws Exception {
        spark = SparkTestSupport.spark();
        model = dir.resolve("m.zip");
        Files.write(model, SparkTestSupport.model(dir, false));
        StringBuilder csv = new StringBuilder("label,x,y\n");
        for (int i = 0; i < 300; i++) {
            csv.append(i % 3)
                    .append(',')
                    .append(Math.sin(i))
                    .append(',')
                    .append(Math.cos(0.7 * i))
                    .append('\n');
        }
        points = dir.resolve("points.csv");
        Files.writeString(points, csv.toString());
    }

    @Test
    void densityAppendsLogpAndPrintsTheMeanNll() throws Exception {
        Path out = dir.resolve("scored.parquet");
        Run r = run(
                "density",
                "--model",
                model.toString(),
                "--input",
                points.toString(),
                "--output",
                out.toString(),
                "--nll-bits");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("over 300 rows"), r.out());
        List<Row> rows = spark.read().parquet(out.toString()).collectAsList();
        assertEquals(300, rows.size());
        assertEquals(
                List.of("label", "x", "y", "logp", "nll_bits"),
                List.of(rows.get(0).schema().fieldNames()));
        // cnf's evaluation overrides: looser tolerances and float products change log p a little
        Path loose = dir.resolve("loose.parquet");
        assertEquals(
                0,
                run(
                                "density",
                                "--model",
                                model.toString(),
                                "--input",
                                points.toString(),
                                "--output",
                                loose.toString(),
                                "--rtol",
                                "1e-3",
                                "--atol",
                                "1e-3",
                                "--precision",
                                "float")
                        .code());
        List<Row> looseRows =
                spark.read().parquet(loose.toString()).orderBy("label", "x").collectAsList();
        List<Row> exactRows =
                spark.read().parquet(out.toString()).orderBy("label", "x").collectAsList();
        double worst = 0;
        for (int i = 0; i < 300; i++) {
            worst = Math.max(
                    worst,
                    Math.abs(looseRows.get(i).getDouble(3) - exactRows.get(i).getDouble(3)));
        }
        assertTrue(worst > 0 && worst < 1e-2, "largest difference " + worst);
        Run again =
                run("density", "--model", model.toString(), "--input", points.toString(), "--output", out.toString());
        assertEquals(1, again.code());
        assertEquals(
                "cnf-spark density: error: " + out + " already exists; give --overwrite to replace it",
                again.err().trim());
        // an empty folder (a job that failed before this version cleaned up) is reused without --overwrite
        Path empty = dir.resolve("empty-out");
        assertTrue(empty.toFile().mkdir());
        Run reused = run(
                "density",
                "--model",
                model.toString(),
                "--input",
                points.toString(),
                "--output",
                empty.toString(),
                "--partitions",
                "3");
        assertEquals(0, reused.code(), reused.toString());
        assertEquals(300, spark.read().parquet(empty.toString()).count());
        try (java.util.stream.Stream<Path> parts = Files.list(empty)) {
            assertEquals(
                    3,
                    parts.filter(p -> p.getFileName().toString().startsWith("part-"))
                            .count(),
                    "part files");
        }
    }

    @Test
    void anUnexpectedTaskFailureNamesItsCause() {
        String aborted = "Job aborted due to stage failure: Task 0 in stage 3.0 failed 4 times, most recent failure: "
                + "Lost task 0.3 in stage 3.0 (TID 12) (10.0.0.7 executor 1): java.lang.ClassCastException: cannot "
                + "assign instance of java.lang.invoke.SerializedLambda\n\tat java.base/...";
        assertEquals(
                "java.lang.ClassCastException: cannot assign instance of java.lang.invoke.SerializedLambda",
                CnfSpark.rootCause(new RuntimeException(new org.apache.spark.SparkException(aborted))));
        assertEquals(
                "java.lang.IllegalStateException: broken",
                CnfSpark.rootCause(new RuntimeException("outer", new IllegalStateException("broken"))));
        // the application jar is shipped to a cluster only from a jar (the tests run from folders)
        assertEquals(null, SparkSessions.applicationJar());
    }

    @Test
    void sampleWritesNRows() {
        Path out = dir.resolve("samples.csv");
        Run r = run(
                "sample",
                "--model",
                model.toString(),
                "-n",
                "1500",
                "--chunk",
                "400",
                "--partitions",
                "3",
                "--with-logp",
                "--output",
                out.toString());
        assertEquals(0, r.code(), r.toString());
        assertEquals(
                1500, spark.read().option("header", true).csv(out.toString()).count());
        assertEquals(
                2,
                run("sample", "--model", model.toString(), "-n", "-4", "--output", out.toString())
                        .code());
    }

    @Test
    void trainCheckpointsAndResumesToTheUninterruptedModel() throws Exception {
        Path data = dir.resolve("moons.parquet");
        java.util.List<Row> rows = new java.util.ArrayList<>();
        double[] v = org.cnf4j.data.ToyDataset.byName("moons")
                .sample(800, new java.util.SplittableRandom(1))
                .data()
                .asDouble();
        for (int i = 0; i < 800; i++) {
            rows.add(org.apache.spark.sql.RowFactory.create(v[2 * i], v[2 * i + 1], (long) i));
        }
        spark.createDataFrame(
                        rows,
                        new org.apache.spark.sql.types.StructType()
                                .add("x", "double")
                                .add("y", "double")
                                .add("id", "long"))
                .repartition(2)
                .write()
                .parquet(data.toString());
        String[] common = {
            "--data",
            data.toString(),
            "--columns",
            "x,y",
            "--hidden",
            "16,16",
            "--batch",
            "64",
            "--lr",
            "5e-3",
            "--validation-interval",
            "20",
            "--seed",
            "2",
            "--lr-schedule",
            "constant"
        };
        // a constant rate: a linear decay is defined over the run's iterations, so the 20-iteration half would decay
        // sooner than the whole 40-iteration run it is compared with
        Path whole = dir.resolve("whole.zip");
        Run r = run(concat(new String[] {"train", "--iterations", "40", "--out", whole.toString()}, common));
        assertEquals(0, r.code(), r.toString());
        assertTrue(
                r.out().contains("model written to " + whole) && r.err().contains("checkpoint written"), r.toString());
        Path parts = dir.resolve("parts.zip");
        assertEquals(
                0,
                run(concat(new String[] {"train", "--iterations", "20", "--out", parts.toString()}, common))
                        .code());
        Run resumed = run(
                concat(new String[] {"train", "--iterations", "40", "--resume", "--out", parts.toString()}, common));
        assertEquals(0, resumed.code(), resumed.toString());
        org.nd4j.linalg.api.ndarray.INDArray a =
                org.cnf4j.io.ModelFile.load(whole).flow().parameters();
        org.nd4j.linalg.api.ndarray.INDArray b =
                org.cnf4j.io.ModelFile.load(parts).flow().parameters();
        assertEquals(a, b, "resumed run ends where the uninterrupted one does");
        Run unknown = run(concat(
                new String[] {
                    "train", "--objective", "vae", "--out", dir.resolve("m.zip").toString()
                },
                common));
        assertEquals(2, unknown.code(), unknown.toString());
        assertTrue(unknown.err().contains("--objective must be flow-matching or mle"), unknown.err());
        Path mle = dir.resolve("mle.zip");
        Run likelihood = run(concat(
                new String[] {
                    "train",
                    "--objective",
                    "mle",
                    "--iterations",
                    "4",
                    "--trace",
                    "hutchinsonx2",
                    "--kinetic",
                    "0.01",
                    "--max-nfe",
                    "500",
                    "--out",
                    mle.toString()
                },
                common));
        assertEquals(0, likelihood.code(), likelihood.toString());
        org.cnf4j.io.LoadedModel trained = org.cnf4j.io.ModelFile.load(mle);
        assertTrue(Double.isFinite(trained.metadata().training().bestValidationNll()));
        assertEquals("hutchinson", trained.metadata().training().traceEstimator());
        assertEquals(
                2,
                run(concat(new String[] {"train", "--gradient", "backprop", "--out", mle.toString()}, common))
                        .code());
        // other rows under the same path: the checkpoint's content digest refuses them
        java.util.List<Row> shifted = new java.util.ArrayList<>();
        for (int i = 0; i < 800; i++) {
            shifted.add(org.apache.spark.sql.RowFactory.create(v[2 * i] + 0.5, v[2 * i + 1], (long) i));
        }
        spark.createDataFrame(
                        shifted,
                        new org.apache.spark.sql.types.StructType()
                                .add("x", "double")
                                .add("y", "double")
                                .add("id", "long"))
                .repartition(2)
                .write()
                .mode("overwrite")
                .parquet(data.toString());
        Run other = run(
                concat(new String[] {"train", "--iterations", "60", "--resume", "--out", parts.toString()}, common));
        assertEquals(1, other.code(), other.toString());
        assertTrue(other.err().contains("the checkpoint was trained on other rows"), other.toString());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void aCorruptModelAMissingColumnAndANaNRowEachFailWithOneMessage() throws Exception {
        Path corrupt = dir.resolve("corrupt.zip");
        Files.write(corrupt, new byte[] {'P', 'K', 3, 4, 0, 0});
        Run bad = run(
                "density",
                "--model",
                corrupt.toString(),
                "--input",
                points.toString(),
                "--output",
                dir.resolve("o1").toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().startsWith("cnf-spark density: error: " + corrupt), bad.err());
        Run missing = run(
                "density",
                "--model",
                model.toString(),
                "--input",
                points.toString(),
                "--columns",
                "x,z",
                "--output",
                dir.resolve("o2").toString());
        assertEquals(1, missing.code());
        assertEquals(
                "cnf-spark density: error: no column 'z'; the data have [label, x, y]",
                missing.err().trim());
        Path nan = dir.resolve("nan.csv");
        Files.writeString(nan, "x,y\n0.1,0.2\n0.3,NaN\n");
        Run nanRun = run(
                "density",
                "--model",
                model.toString(),
                "--input",
                nan.toString(),
                "--output",
                dir.resolve("o3").toString());
        assertEquals(1, nanRun.code());
        assertTrue(nanRun.err().startsWith("cnf-spark density: error: column 'y' holds NaN"), nanRun.err());
        assertTrue(!Files.exists(dir.resolve("o3")), "no output folder left behind");
    }
}
