package org.cnf4j.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.cnf4j.data.DataException;
import org.cnf4j.io.LoadedModel;
import org.cnf4j.io.ModelFile;

/**
 * A fitted {@link CnfFlow}: a Spark ML {@link Model} whose {@link #transform} adds each row's
 * log-density in nats (column {@code outputCol}, default {@code logp}), scored as
 * {@link FlowScoring} scores (in chunks on the executors, the model file broadcast once). It is
 * {@link MLWritable}: {@code model.write().save(path)} stores Spark's params metadata and the cnf4j
 * model file ({@code path/model.zip}, which {@code cnf} reads too), so it saves and loads inside a
 * {@code PipelineModel}.
 */
public final class CnfFlowModel extends Model<CnfFlowModel> implements MLWritable {

    private static final long serialVersionUID = 1L;

    /** The entry of the cnf4j model file in a saved model's folder. */
    public static final String MODEL_FILE = "model.zip";

    private final String uid;
    private final byte[] modelFile;
    private final StringArrayParam inputCols;
    private final Param<String> featuresCol;
    private final StringArrayParam contextCols;
    private final Param<String> outputCol;

    /**
     * A model of the given cnf4j model file.
     *
     * @throws org.cnf4j.io.ModelFileException for a corrupt file
     */
    public CnfFlowModel(String uid, byte[] modelFile) {
        this.uid = uid;
        this.modelFile = modelFile.clone();
        ModelFile.load(modelFile, "the model file");
        inputCols = new StringArrayParam(this, "inputCols", "numeric input columns (instead of featuresCol)");
        featuresCol = new Param<>(this, "featuresCol", "vector input column (when inputCols is not set)");
        contextCols = new StringArrayParam(
                this,
                "contextCols",
                "the context columns the model was fitted with (the "
                        + "model file names them; scoring reads them by name)");
        outputCol = new Param<>(this, "outputCol", "column of log p, nats");
        setDefault(inputCols, new String[0]);
        setDefault(featuresCol, "features");
        setDefault(contextCols, new String[0]);
        setDefault(outputCol, "logp");
    }

    @Override
    public String uid() {
        return uid;
    }

    /** The cnf4j model file (a copy): {@code cnf density}, {@code cnf sample} and {@code Flow.load} read it. */
    public byte[] modelFile() {
        return modelFile.clone();
    }

    /** The flow and its metadata, loaded from the model file. */
    public LoadedModel model() {
        return ModelFile.load(modelFile, "the model file");
    }

    /** @return the numeric input columns param */
    public StringArrayParam inputCols() {
        return inputCols;
    }

    /** @return the vector input column param */
    public Param<String> featuresCol() {
        return featuresCol;
    }

    /** @return the context columns param (as fitted) */
    public StringArrayParam contextCols() {
        return contextCols;
    }

    /** @return the output column param */
    public Param<String> outputCol() {
        return outputCol;
    }

    /** Numeric input columns. */
    public CnfFlowModel setInputCols(String[] v) {
        set(inputCols, v);
        return this;
    }

    /** Vector input column. */
    public CnfFlowModel setFeaturesCol(String v) {
        set(featuresCol, v);
        return this;
    }

    /** Output column. */
    public CnfFlowModel setOutputCol(String v) {
        set(outputCol, v);
        return this;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        FlowColumns.Input input = FlowColumns.of(
                dataset, $(inputCols), $(featuresCol), model().flow().dim());
        Dataset<Row> scored = FlowScoring.withLogProb(input.frame(), modelFile, input.columns());
        scored = input.dropTemporary(scored);
        return $(outputCol).equals(FlowScoring.LOGP)
                ? scored
                : scored.withColumnRenamed(FlowScoring.LOGP, $(outputCol));
    }

    @Override
    public StructType transformSchema(StructType schema) {
        FlowScoring.contextIndex(schema, model().metadata().context());
        return outputSchema(schema, $(inputCols), $(featuresCol), $(outputCol));
    }

    /** The schema with the output column added, after checking the input columns. */
    static StructType outputSchema(StructType schema, String[] inputCols, String featuresCol, String outputCol) {
        FlowColumns.check(schema, inputCols, featuresCol);
        List<String> have = List.of(schema.fieldNames());
        if (have.contains(outputCol) || have.contains(FlowScoring.LOGP)) {
            throw new DataException("the data already have a column '"
                    + (have.contains(outputCol) ? outputCol : FlowScoring.LOGP) + "'");
        }
        return schema.add(outputCol, DataTypes.DoubleType, true);
    }

    @Override
    public CnfFlowModel copy(ParamMap extra) {
        CnfFlowModel m = new CnfFlowModel(uid, modelFile);
        copyValues(m, extra);
        return m.setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    /** The reader of a saved model ({@code CnfFlowModel.load(path)}, or as a stage of a saved PipelineModel). */
    public static MLReader<CnfFlowModel> read() {
        return new Reader();
    }

    /** Loads a saved model. */
    public static CnfFlowModel load(String path) {
        return read().load(path);
    }

    /** Saves Spark's params metadata and the model file. */
    private static final class Writer extends MLWriter {
        private final CnfFlowModel instance;

        Writer(CnfFlowModel instance) {
            this.instance = instance;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter$.MODULE$.saveMetadata(instance, path, sc(), scala.Option.empty(), scala.Option.empty());
            Path file = new Path(path, MODEL_FILE);
            try (OutputStream out =
                    file.getFileSystem(sc().hadoopConfiguration()).create(file, true)) {
                out.write(instance.modelFile);
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": " + e.getMessage(), e);
            }
        }
    }

    /** Reads what {@link Writer} saved. */
    private static final class Reader extends MLReader<CnfFlowModel> {
        @Override
        public CnfFlowModel load(String path) {
            DefaultParamsReader.Metadata metadata =
                    DefaultParamsReader$.MODULE$.loadMetadata(path, sc(), CnfFlowModel.class.getName());
            Path file = new Path(path, MODEL_FILE);
            byte[] bytes;
            try {
                FileSystem fs = file.getFileSystem(sc().hadoopConfiguration());
                try (InputStream in = fs.open(file)) {
                    bytes = in.readAllBytes();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": " + e.getMessage(), e);
            }
            CnfFlowModel model = new CnfFlowModel(metadata.uid(), bytes);
            metadata.getAndSetParams(model, scala.Option.empty());
            return model;
        }
    }
}
