package org.cnf4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQL function cnf_logp against FlowScoring on the same rows. */
class CnfSqlTest {

    @TempDir
    Path dir;

    @Test
    void cnfLogpInAQueryAgreesWithFlowScoring() throws Exception {
        SparkSession spark = SparkTestSupport.spark();
        byte[] model = SparkTestSupport.model(dir, false);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            rows.add(RowFactory.create((long) i, Math.sin(i), i == 7 ? Double.NaN : Math.cos(0.3 * i)));
        }
        Dataset<Row> df = spark.createDataFrame(
                rows,
                new StructType()
                        .add("id", DataTypes.LongType)
                        .add("x", DataTypes.DoubleType)
                        .add("y", DataTypes.DoubleType));
        df.createOrReplaceTempView("points");
        CnfSql.register(spark, "toy", model);
        List<Row> got = spark.sql("SELECT id, cnf_logp('toy', array(x, y)) AS lp FROM points ORDER BY id")
                .collectAsList();
        List<Row> want = FlowScoring.withLogProb(df.where("id != 7"), model, null)
                .orderBy("id")
                .collectAsList();
        assertTrue(got.get(7).isNullAt(1), "a NaN row gives null");
        for (int i = 0, k = 0; i < 40; i++) {
            if (i == 7) {
                continue;
            }
            // one solve per row against 39 rows solved together: equal to the solver's tolerance
            assertEquals(want.get(k++).getDouble(3), got.get(i).getDouble(1), 1e-6, "row " + i);
        }
        Exception unknown = assertThrows(
                Exception.class,
                () -> spark.sql("SELECT cnf_logp('nope', array(x, y)) FROM points")
                        .collectAsList());
        String message = String.valueOf(unknown.getMessage())
                + (unknown.getCause() == null ? "" : unknown.getCause().getMessage());
        assertTrue(message.contains("no model named 'nope'"), message);
    }
}
