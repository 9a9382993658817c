package org.cnf4j.spark.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cnf4j.cli.CnfCommand;
import org.cnf4j.nn.MatrixPrecision;
import org.cnf4j.spark.BadRowPolicy;
import org.cnf4j.spark.FlowScoring;
import org.cnf4j.spark.SparkTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark scoring against the `cnf density` command on the same 10,000 rows, CSV and Parquet: with
 * the default trace estimator (exact in 2-D, whatever the model was trained with) and with
 * Hutchinson's asked for by name.
 */
class CnfDensityParityTest {

    @TempDir
    Path dir;

    @Test
    void sparkScoringEqualsCnfDensityOnTheSameFile() throws Exception {
        SparkSession spark = SparkTestSupport.spark();
        SplittableRandom r = new SplittableRandom(21);
        StringBuilder csv = new StringBuilder("y,x\n");
        for (int i = 0; i < 10_000; i++) {
            csv.append(r.nextDouble(-3, 4))
                    .append(',')
                    .append(r.nextDouble(-3, 4))
                    .append('\n');
        }
        Path points = dir.resolve("points.csv");
        Files.writeString(points, csv.toString());
        for (boolean hutchinson : new boolean[] {false, true}) {
            Path model = dir.resolve("m-" + hutchinson + ".zip");
            Files.write(model, SparkTestSupport.model(dir, hutchinson));
            Path cnfOut = dir.resolve("cnf-" + hutchinson + ".csv");
            String trace = hutchinson ? "rademacher" : null;
            List<String> args = new ArrayList<>(List.of(
                    "density",
                    "--model",
                    model.toString(),
                    "--input",
                    points.toString(),
                    "--output",
                    cnfOut.toString(),
                    "--seed",
                    "7"));
            if (trace != null) {
                args.addAll(List.of("--trace", trace));
            }
            assertEquals(0, CnfCommand.commandLine().execute(args.toArray(String[]::new)));
            List<String> expected = Files.readAllLines(cnfOut).subList(1, 10_001);
            Dataset<Row> fromCsv = spark.read()
                    .option("header", true)
                    .option("inferSchema", true)
                    .csv(points.toString());
            Path parquet = dir.resolve("points-" + hutchinson + ".parquet");
            fromCsv.coalesce(1).write().parquet(parquet.toString());
            for (Dataset<Row> df : List.of(fromCsv, spark.read().parquet(parquet.toString()))) {
                assertEquals(1, df.rdd().getNumPartitions());
                List<Row> scored = FlowScoring.withLogProb(
                                df,
                                Files.readAllBytes(model),
                                null,
                                new FlowScoring.Options(7, false, BadRowPolicy.FAIL, MatrixPrecision.DOUBLE, trace))
                        .collectAsList();
                for (int i = 0; i < expected.size(); i++) {
                    assertEquals(
                            Double.parseDouble(expected.get(i)), scored.get(i).getDouble(2), 1e-12, "row " + i);
                }
            }
        }
    }
}
