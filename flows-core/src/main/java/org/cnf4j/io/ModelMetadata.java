package org.cnf4j.io;

import java.util.List;
import org.cnf4j.data.Standardizer;

/**
 * Everything a model file holds besides the flow itself.
 *
 * @param standardizer the data standardiser (identity for toy data)
 * @param dequantized whether training dequantised integer data (bits/dim then apply)
 * @param dataDescription where the training data came from
 * @param columns the data's column names
 * @param training the training summary, or null for an untrained or imported model
 */
public record ModelMetadata(Standardizer standardizer, boolean dequantized, String dataDescription,
        List<String> columns, TrainingSummary training) {

    /** Metadata for a model without data: identity standardiser, columns x0..x{dim-1}. */
    public static ModelMetadata none(int dim) {
        List<String> cols = new java.util.ArrayList<>();
        for (int i = 0; i < dim; i++) {
            cols.add("x" + i);
        }
        return new ModelMetadata(Standardizer.identity(dim), false, "none", cols, null);
    }

    /** The same with a training summary. */
    public ModelMetadata withTraining(TrainingSummary summary) {
        return new ModelMetadata(standardizer, dequantized, dataDescription, columns, summary);
    }
}
