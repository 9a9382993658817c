package org.cnf4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.cnf4j.data.DataException;
import org.cnf4j.data.ToyDataset;
import org.cnf4j.io.ModelFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The flow in Spark ML: an Estimator in a Pipeline with VectorAssembler and StandardScaler, saved and loaded, tuned by CrossValidator. */
class SparkMlTest {

    @TempDir
    static Path dir;

    static SparkSession spark;
    static Dataset<Row> moons;

    @BeforeAll
    static void data() {
        spark = SparkTestSupport.spark();
        double[] v = ToyDataset.byName("moons")
                .sample(600, new SplittableRandom(3))
                .data()
                .asDouble();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            // columns in the units of a user's table: scaled and shifted
            rows.add(RowFactory.create((long) i, 10 + 3 * v[2 * i], -2 + 0.5 * v[2 * i + 1]));
        }
        moons = spark.createDataFrame(
                        rows,
                        new StructType()
                                .add("id", DataTypes.LongType)
                                .add("x", DataTypes.DoubleType)
                                .add("y", DataTypes.DoubleType))
                .repartition(2)
                .cache();
    }

    static Pipeline pipeline(CnfFlow flow) {
        return new Pipeline().setStages(new PipelineStage[] {
            new VectorAssembler().setInputCols(new String[] {"x", "y"}).setOutputCol("raw"),
            new StandardScaler().setInputCol("raw").setOutputCol("features").setWithMean(true),
            flow
        });
    }

    static double[] logp(Dataset<Row> scored) {
        return scored.orderBy("id").select("logp").collectAsList().stream()
                .mapToDouble(r -> r.getDouble(0))
                .toArray();
    }

    @Test
    void aPipelineFitsTransformsSavesAndLoads() throws Exception {
        PipelineModel model = pipeline(new CnfFlow()
                        .setHidden(new int[] {16, 16})
                        .setIterations(40)
                        .setSeed(2))
                .fit(moons);
        Dataset<Row> scored = model.transform(moons);
        assertEquals(
                List.of("id", "x", "y", "raw", "features", "logp"),
                List.of(scored.schema().fieldNames()));
        double[] first = logp(scored);
        assertEquals(600, first.length);
        double nll = new CnfNllEvaluator().evaluate(scored);
        assertTrue(Double.isFinite(nll), "NLL " + nll);
        String saved = dir.resolve("pipeline").toString();
        model.write().overwrite().save(saved);
        PipelineModel back = PipelineModel.load(saved);
        assertArrayEquals(first, logp(back.transform(moons)), 0.0);
        // the stage's model file is a cnf4j model file that cnf reads too
        CnfFlowModel flow = (CnfFlowModel) back.stages()[2];
        assertEquals(2, ModelFile.load(flow.modelFile(), "stage").flow().dim());
        java.io.File[] stages = Path.of(saved, "stages").toFile().listFiles((d, name) -> name.startsWith("2_"));
        assertEquals(1, stages.length);
        assertTrue(java.nio.file.Files.exists(stages[0].toPath().resolve(CnfFlowModel.MODEL_FILE)));
        // the unfitted pipeline saves and loads too
        pipeline(new CnfFlow().setIterations(5))
                .write()
                .overwrite()
                .save(dir.resolve("unfitted").toString());
        Pipeline again = Pipeline.load(dir.resolve("unfitted").toString());
        assertEquals(5, (int)
                (Integer) ((CnfFlow) again.getStages()[2]).getOrDefault(((CnfFlow) again.getStages()[2]).iterations()));
    }

    @Test
    void crossValidationChoosesTheBetterFit() {
        CnfFlow flow = new CnfFlow()
                .setInputCols(new String[] {"x", "y"})
                .setHidden(new int[] {16, 16})
                .setSeed(4);
        ParamMap[] grid = new ParamGridBuilder()
                .addGrid(flow.iterations(), new int[] {3, 100})
                .build();
        long t0 = System.nanoTime();
        CrossValidatorModel cv = new CrossValidator()
                .setEstimator(flow)
                .setEvaluator(new CnfNllEvaluator())
                .setEstimatorParamMaps(grid)
                .setNumFolds(2)
                .setSeed(5)
                .fit(moons);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double[] nll = cv.avgMetrics();
        System.out.printf(
                "CrossValidator, 2 folds, iterations 3 vs 100: mean NLL %.4f vs %.4f, %.1f s%n",
                nll[0], nll[1], seconds);
        assertTrue(nll[1] < nll[0], java.util.Arrays.toString(nll));
        CnfFlowModel best = (CnfFlowModel) cv.bestModel();
        assertEquals(
                100,
                ModelFile.load(best.modelFile(), "best").metadata().training().iterations());
    }

    @Test
    void missingColumnsAreNamed() {
        DataException e = assertThrows(
                DataException.class,
                () -> new CnfFlow().setInputCols(new String[] {"x", "z"}).fit(moons));
        assertTrue(e.getMessage().contains("no input column 'z'"), e.getMessage());
        DataException v = assertThrows(DataException.class, () -> new CnfFlow().fit(moons));
        assertTrue(v.getMessage().contains("no vector column 'features'"), v.getMessage());
    }
}
