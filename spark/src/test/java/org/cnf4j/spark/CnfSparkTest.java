package org.cnf4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
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

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CnfSpark.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void files() throws Exception {
        spark = SparkTestSupport.spark();
        model = dir.resolve("m.zip");
        Files.write(model, SparkTestSupport.model(dir, false));
        StringBuilder csv = new StringBuilder("label,x,y\n");
        for (int i = 0; i < 300; i++) {
            csv.append(i % 3).append(',').append(Math.sin(i)).append(',').append(Math.cos(0.7 * i)).append('\n');
        }
        points = dir.resolve("points.csv");
        Files.writeString(points, csv.toString());
    }

    @Test
    void densityAppendsLogpAndPrintsTheMeanNll() {
        Path out = dir.resolve("scored.parquet");
        Run r = run("density", "--model", model.toString(), "--input", points.toString(), "--output", out.toString(),
                "--nll-bits");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("over 300 rows"), r.out());
        List<Row> rows = spark.read().parquet(out.toString()).collectAsList();
        assertEquals(300, rows.size());
        assertEquals(List.of("label", "x", "y", "logp", "nll_bits"), List.of(rows.get(0).schema().fieldNames()));
        Run again = run("density", "--model", model.toString(), "--input", points.toString(), "--output", out.toString());
        assertEquals(1, again.code());
        assertTrue(again.err().startsWith("cnf-spark density: error: ") && again.err().contains("already exists"),
                again.err());
    }

    @Test
    void sampleWritesNRows() {
        Path out = dir.resolve("samples.csv");
        Run r = run("sample", "--model", model.toString(), "-n", "1500", "--chunk", "400", "--partitions", "3",
                "--with-logp", "--output", out.toString());
        assertEquals(0, r.code(), r.toString());
        assertEquals(1500, spark.read().option("header", true).csv(out.toString()).count());
        assertEquals(2, run("sample", "--model", model.toString(), "-n", "-4", "--output", out.toString()).code());
    }

    @Test
    void aCorruptModelAMissingColumnAndANaNRowEachFailWithOneMessage() throws Exception {
        Path corrupt = dir.resolve("corrupt.zip");
        Files.write(corrupt, new byte[] {'P', 'K', 3, 4, 0, 0});
        Run bad = run("density", "--model", corrupt.toString(), "--input", points.toString(), "--output",
                dir.resolve("o1").toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().startsWith("cnf-spark density: error: " + corrupt), bad.err());
        Run missing = run("density", "--model", model.toString(), "--input", points.toString(), "--columns", "x,z",
                "--output", dir.resolve("o2").toString());
        assertEquals(1, missing.code());
        assertEquals("cnf-spark density: error: no column 'z'; the data have [label, x, y]", missing.err().trim());
        Path nan = dir.resolve("nan.csv");
        Files.writeString(nan, "x,y\n0.1,0.2\n0.3,NaN\n");
        Run nanRun = run("density", "--model", model.toString(), "--input", nan.toString(), "--output",
                dir.resolve("o3").toString());
        assertEquals(1, nanRun.code());
        assertTrue(nanRun.err().startsWith("cnf-spark density: error: column 'y' holds NaN"), nanRun.err());
        assertTrue(!Files.exists(dir.resolve("o3").resolve("_SUCCESS")), "no committed output");
    }
}
