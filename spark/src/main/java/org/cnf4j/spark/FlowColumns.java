package org.cnf4j.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.cnf4j.data.DataException;

/**
 * The input columns of {@link CnfFlow} and {@link CnfFlowModel}: numeric columns named by
 * {@code inputCols}, or the elements of a vector column {@code featuresCol} (as a
 * {@code VectorAssembler} and a {@code StandardScaler} leave them), laid out as numeric columns for
 * the trainer and the scorer.
 */
final class FlowColumns {

    /** Prefix of the temporary columns a vector's elements are spread into. */
    static final String PREFIX = "__cnf4j_x";

    private FlowColumns() {}

    /**
     * The frame with its input as numeric columns, and their names: {@code inputCols} as they are,
     * or the {@code dim} elements of {@code featuresCol} appended as temporary columns.
     *
     * @param dim the vector's length, or -1 to read it from the first row
     * @throws DataException for a missing column, one of the wrong type, or neither setting given
     */
    static Input of(Dataset<?> dataset, String[] inputCols, String featuresCol, int dim) {
        Dataset<Row> df = dataset.toDF();
        check(df.schema(), inputCols, featuresCol);
        if (inputCols != null && inputCols.length > 0) {
            return new Input(df, List.of(inputCols));
        }
        Column array = org.apache.spark.ml.functions.vector_to_array(functions.col(featuresCol), "float64");
        int d = dim;
        if (d < 0) {
            Row first = df.select(functions.size(array)).head();
            d = first.getInt(0);
        }
        List<String> names = new ArrayList<>();
        for (int j = 0; j < d; j++) {
            names.add(PREFIX + j);
            df = df.withColumn(PREFIX + j, array.getItem(j));
        }
        return new Input(df, names);
    }

    /**
     * Checks the input columns of a schema: the numeric {@code inputCols} when given, else the
     * vector column {@code featuresCol}.
     *
     * @throws DataException naming a missing column or one of the wrong type
     */
    static void check(StructType schema, String[] inputCols, String featuresCol) {
        List<String> have = List.of(schema.fieldNames());
        if (inputCols != null && inputCols.length > 0) {
            for (String c : inputCols) {
                if (!have.contains(c)) {
                    throw new DataException("no input column '" + c + "'; the data have " + have);
                }
                StructField f = schema.fields()[schema.fieldIndex(c)];
                if (!(f.dataType() instanceof NumericType)) {
                    throw new DataException(
                            "input column '" + c + "' has type " + f.dataType().simpleString() + ", not a number");
                }
            }
        } else if (!have.contains(featuresCol)
                || !schema.fields()[schema.fieldIndex(featuresCol)].dataType().equals(SQLDataTypes.VectorType())) {
            throw new DataException("no vector column '" + featuresCol + "' (set inputCols or featuresCol); the data "
                    + "have " + have);
        }
    }

    /**
     * A frame with its input laid out as numeric columns.
     *
     * @param frame the frame (with temporary columns when the input was a vector)
     * @param columns the numeric input columns, in order
     */
    record Input(Dataset<Row> frame, List<String> columns) {
        /** The frame without the temporary columns. */
        Dataset<Row> dropTemporary(Dataset<Row> df) {
            for (String c : columns) {
                if (c.startsWith(PREFIX)) {
                    df = df.drop(c);
                }
            }
            return df;
        }
    }
}
