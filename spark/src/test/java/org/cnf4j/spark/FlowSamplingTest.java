package org.cnf4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.cnf4j.io.ModelFile;
import org.cnf4j.linalg.NativeArrays;
import org.cnf4j.sample.DensityModel;
import org.cnf4j.sample.Sampler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlowSamplingTest {

    @TempDir
    Path dir;

    @Test
    void theSameRowsForAnyNumberOfPartitionsAndAsCnfSample() throws Exception {
        byte[] model = SparkTestSupport.model(dir, true);
        int n = 2_500;
        int chunk = 1_000;
        List<Row> one = FlowSampling.sample(
                        SparkTestSupport.spark(), model, n, 9, new FlowSampling.Options(0.9, true, chunk, 1))
                .collectAsList();
        assertEquals(n, one.size());
        for (int partitions : new int[] {3, 7}) {
            List<Row> other = FlowSampling.sample(
                            SparkTestSupport.spark(),
                            model,
                            n,
                            9,
                            new FlowSampling.Options(0.9, true, chunk, partitions))
                    .collectAsList();
            assertEquals(one, other, partitions + " partitions");
        }
        // cnf sample with the same seed and chunk: the same values bit for bit
        double[] x = new double[2 * n];
        double[] logp = new double[n];
        int[] at = {0};
        new Sampler(DensityModel.of(ModelFile.load(model, "model")))
                .sample(
                        n,
                        9,
                        0.9,
                        true,
                        chunk,
                        (s, l) -> {
                            double[] v = NativeArrays.toArray(s);
                            double[] lv = NativeArrays.toArray(l);
                            System.arraycopy(v, 0, x, 2 * at[0], v.length);
                            System.arraycopy(lv, 0, logp, at[0], lv.length);
                            at[0] += lv.length;
                        },
                        (done, total) -> {});
        for (int i = 0; i < n; i++) {
            assertEquals(x[2 * i], one.get(i).getDouble(0), 0.0);
            assertEquals(x[2 * i + 1], one.get(i).getDouble(1), 0.0);
            assertEquals(logp[i], one.get(i).getDouble(2), 0.0);
        }
    }
}
