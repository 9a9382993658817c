package org.cnf4j.data;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where training batches, the validation set and the test set come from. Batches are a pure
 * function of the run's seed and the iteration number, so a resumed run sees exactly the batches
 * an uninterrupted one would have. All arrays are in the flow's (standardised) space.
 */
public interface TrainingData {

    /** Data dimension. */
    int dim();

    /** The batch of the given iteration, [size, dim]. */
    INDArray batch(long iteration, int size);

    /** The held-out validation set, [n, dim]. */
    INDArray validation();

    /** The test set, [n, dim]. */
    INDArray test();

    /** Maps original units to the flow's space; its log-Jacobian converts densities back. */
    Standardizer standardizer();

    /** Number of training rows, or -1 for a generator (unlimited). */
    long trainingRows();

    /** True when the values are integers dequantised with uniform noise (bits/dim then apply). */
    boolean dequantized();

    /** A short description for reports, e.g. "8gaussians (toy generator)". */
    String describe();

    /**
     * A digest of the rows this data comes from (every value, context codes included, and the
     * column names), so that a checkpoint can tell the same rows from other rows under the same file
     * name; null where the content is not known here (a generator is known by its name and the
     * run's seed).
     */
    default String contentDigest() {
        return null;
    }

    /**
     * Training rows for fitting other models to the same data (the baselines): all of a table's
     * training split (dequantised once), or {@code max} draws of a generator; [n, dim] in the
     * flow's space.
     */
    default INDArray trainingSample(int max) {
        long rows = trainingRows();
        return batch(0, (int) (rows < 0 ? max : Math.min(max, rows)));
    }

    /**
     * The data cut into {@code k} folds for cross-validation, each a training data whose
     * validation set is one part of the training and validation rows; empty when the data cannot
     * be cut (a generator, which needs no folds).
     */
    default java.util.List<TrainingData> folds(int k) {
        return java.util.List.of();
    }
}
