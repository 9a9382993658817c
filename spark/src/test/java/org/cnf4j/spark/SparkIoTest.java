package org.cnf4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cnf4j.data.DataException;
import org.cnf4j.io.ModelFileException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tables and model files on a Hadoop file system: formats, checks, and writes that never leave half an output. */
class SparkIoTest {

    static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void session() {
        spark = SparkTestSupport.spark();
    }

    @Test
    void theFormatFollowsTheNameUnlessGiven() {
        assertEquals("csv", SparkIo.format("rows.csv", null));
        assertEquals("csv", SparkIo.format("ROWS.TSV", null));
        assertEquals("parquet", SparkIo.format("hdfs:///data/rows", null));
        assertEquals("parquet", SparkIo.format("rows.csv", "Parquet"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> SparkIo.format("rows.csv", "json"));
        assertEquals("format must be csv or parquet, got json", e.getMessage());
    }

    @Test
    void csvAndTsvReadWithNaAsMissingAndMissingValuesAreNamed() throws Exception {
        Path csv = Files.writeString(dir.resolve("t.csv"), "x,y\n1.0,2.0\n3.0,NA\n");
        Path tsv = Files.writeString(dir.resolve("t.tsv"), "x\ty\n1.0\t2.0\n");
        Dataset<Row> a = SparkIo.read(spark, csv.toString(), "csv");
        Dataset<Row> b = SparkIo.read(spark, tsv.toString(), "csv");
        assertEquals(2, a.count());
        assertArrayEquals(new String[] {"x", "y"}, b.columns());
        DataException missing = assertThrows(
                DataException.class, () -> SparkIo.requireFinite(a, List.of("x", "y"), "t.csv", "; drop it"));
        assertEquals("t.csv: column 'y' is null (a missing value) in a row; drop it", missing.getMessage());
        SparkIo.requireFinite(b, List.of("x", "y"), "", "");
        Path nan = Files.writeString(dir.resolve("n.csv"), "x,y\n1.0,NaN\n");
        DataException notFinite = assertThrows(
                DataException.class,
                () -> SparkIo.requireFinite(SparkIo.read(spark, nan.toString(), "csv"), List.of("x", "y"), "", ""));
        assertEquals("column 'y' holds NaN, not a finite value in a row", notFinite.getMessage());
    }

    @Test
    void anExistingOutputNeedsOverwriteAndAnEmptyFolderIsReused() throws Exception {
        Dataset<Row> df = SparkIo.read(
                spark, Files.writeString(dir.resolve("in.csv"), "x\n1.0\n2.0\n").toString(), "csv");
        Path out = dir.resolve("out.parquet");
        SparkIo.write(df, out.toString(), "parquet", false);
        assertEquals(2, SparkIo.read(spark, out.toString(), "parquet").count());
        DataException exists =
                assertThrows(DataException.class, () -> SparkIo.write(df, out.toString(), "parquet", false));
        assertTrue(exists.getMessage().endsWith("already exists; give --overwrite to replace it"), exists.getMessage());
        SparkIo.write(df.limit(1), out.toString(), "parquet", true);
        assertEquals(1, SparkIo.read(spark, out.toString(), "parquet").count());
        Path empty = Files.createDirectory(dir.resolve("empty"));
        SparkIo.write(df, empty.toString(), "csv", false);
        assertEquals(2, SparkIo.read(spark, empty.toString(), "csv").count());
    }

    @Test
    void modelFilesAreReadCheckedAndWrittenWhole() throws Exception {
        byte[] model = SparkTestSupport.model(dir, false);
        Path local = Files.write(dir.resolve("local.zip"), model);
        Path target = dir.resolve("copy.zip");
        SparkIo.writeModel(spark, local, target.toString());
        assertArrayEquals(model, SparkIo.readModel(spark, target.toString()));
        SparkIo.writeModel(spark, local, target.toString());
        assertArrayEquals(model, Files.readAllBytes(target), "an existing model is replaced");
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
        ModelFileException none = assertThrows(
                ModelFileException.class,
                () -> SparkIo.readModel(spark, dir.resolve("absent.zip").toString()));
        assertTrue(none.getMessage().endsWith("absent.zip: no such file"), none.getMessage());
        Path junk = Files.writeString(dir.resolve("junk.zip"), "not a zip");
        assertThrows(ModelFileException.class, () -> SparkIo.readModel(spark, junk.toString()));
    }
}
