package org.cnf4j.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.cnf4j.data.Standardizer;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.io.ModelFile;
import org.cnf4j.io.ModelMetadata;
import org.cnf4j.trace.HutchinsonEstimator;

/** One local[2] Spark session for the module's tests, and a small model file. */
public final class SparkTestSupport {

    private static SparkSession spark;

    private SparkTestSupport() {}

    public static synchronized SparkSession spark() {
        if (spark == null) {
            spark = SparkSession.builder()
                    .master("local[2]")
                    .appName("cnf4j-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    .config("spark.driver.host", "127.0.0.1")
                    .getOrCreate();
        }
        return spark;
    }

    /**
     * A 2-D model of columns x, y (two blocks of 2-16-16-2, random weights of seed 5, end time
     * 0.5, standardiser (x - 0.5) / 2) with an exact trace or Hutchinson's, as file bytes.
     */
    public static byte[] model(Path dir, boolean hutchinson) throws Exception {
        ContinuousNormalizingFlow.Builder b = ContinuousNormalizingFlow.builder(2)
                .hiddenDims(16, 16)
                .blocks(2)
                .seed(5);
        if (hutchinson) {
            b.traceEstimator(new HutchinsonEstimator(HutchinsonEstimator.Noise.RADEMACHER, 1));
        }
        Path file = dir.resolve(hutchinson ? "model-hutchinson.zip" : "model-exact.zip");
        ModelFile.save(
                file,
                b.build(),
                new ModelMetadata(
                        new Standardizer(new double[] {0.5, 0.5}, new double[] {2, 2}),
                        false,
                        "test",
                        List.of("x", "y"),
                        null));
        return Files.readAllBytes(file);
    }
}
