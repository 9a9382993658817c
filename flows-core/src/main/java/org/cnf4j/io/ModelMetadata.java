package org.cnf4j.io;

import java.util.List;
import org.cnf4j.data.ConditionalTable;
import org.cnf4j.data.ContextColumn;
import org.cnf4j.data.Standardizer;

/**
 * Everything a model file holds besides the flow itself.
 *
 * @param standardizer the data standardiser (identity for toy data)
 * @param dequantized whether training dequantised integer data (bits/dim then apply)
 * @param dataDescription where the training data came from
 * @param columns the data's column names
 * @param training the training summary, or null for an untrained or imported model
 * @param context the context columns of a conditional model (empty for an unconditional one); the
 *     standardiser then covers the joint rows [x | encoded context]
 * @param reflow where a reflowed model came from and its recommended sampler, or null
 * @param image how the rows are images and their grey scale, or null when they are not
 * @param provenance where the model came from (software, JVM, time, command, data), or null for a
 *     file written before it was recorded
 */
public record ModelMetadata(
        Standardizer standardizer,
        boolean dequantized,
        String dataDescription,
        List<String> columns,
        TrainingSummary training,
        List<ContextColumn> context,
        ReflowInfo reflow,
        ImageLayout image,
        Provenance provenance) {

    /** Metadata without a provenance record. */
    public ModelMetadata(
            Standardizer standardizer,
            boolean dequantized,
            String dataDescription,
            List<String> columns,
            TrainingSummary training,
            List<ContextColumn> context,
            ReflowInfo reflow,
            ImageLayout image) {
        this(standardizer, dequantized, dataDescription, columns, training, context, reflow, image, null);
    }

    /** Checks and copies the context list. */
    public ModelMetadata {
        context = context == null ? List.of() : List.copyOf(context);
    }

    /** Metadata of a model whose rows are not images. */
    public ModelMetadata(
            Standardizer standardizer,
            boolean dequantized,
            String dataDescription,
            List<String> columns,
            TrainingSummary training,
            List<ContextColumn> context,
            ReflowInfo reflow) {
        this(standardizer, dequantized, dataDescription, columns, training, context, reflow, null);
    }

    /** Metadata of a model that was not reflowed. */
    public ModelMetadata(
            Standardizer standardizer,
            boolean dequantized,
            String dataDescription,
            List<String> columns,
            TrainingSummary training,
            List<ContextColumn> context) {
        this(standardizer, dequantized, dataDescription, columns, training, context, null);
    }

    /** Metadata of an unconditional model. */
    public ModelMetadata(
            Standardizer standardizer,
            boolean dequantized,
            String dataDescription,
            List<String> columns,
            TrainingSummary training) {
        this(standardizer, dequantized, dataDescription, columns, training, List.of());
    }

    /** Context values per row: the sum of the context columns' widths. */
    public int contextDim() {
        return ConditionalTable.contextDim(context);
    }

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
        return new ModelMetadata(
                standardizer, dequantized, dataDescription, columns, summary, context, reflow, image, provenance);
    }

    /** The same with a reflow record. */
    public ModelMetadata withReflow(ReflowInfo info) {
        return new ModelMetadata(
                standardizer, dequantized, dataDescription, columns, training, context, info, image, provenance);
    }

    /** The same with an image layout. */
    public ModelMetadata withImage(ImageLayout layout) {
        return new ModelMetadata(
                standardizer, dequantized, dataDescription, columns, training, context, reflow, layout, provenance);
    }

    /** The same with a provenance record. */
    public ModelMetadata withProvenance(Provenance p) {
        return new ModelMetadata(
                standardizer, dequantized, dataDescription, columns, training, context, reflow, image, p);
    }
}
