package org.cnf4j.data;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.cnf4j.flow.RandomStreams;

/**
 * Which rows of a table of n rows train, validate and test, and which training rows make the
 * batch of each iteration: a seeded shuffle (stream "split") cut into train, validation and test,
 * and batches walking seeded per-epoch permutations of the training rows (streams "epoch-{e}")
 * without replacement. Pure functions of the seed, so that a table held in one JVM
 * ({@link TableTrainingData}) and one spread over a cluster make the same batches.
 */
public final class TableSplit {

    private final long seed;
    private final int[] train;
    private final int[] validation;
    private final int[] test;
    private long cachedEpoch = -1;
    private int[] cachedPermutation;

    /**
     * @throws IllegalArgumentException for fractions below 0 or adding up to 1 or more
     * @throws DataException when the rows are too few for the fractions ({@code source} names them)
     */
    public TableSplit(int n, double validationFraction, double testFraction, long seed, String source) {
        if (validationFraction < 0 || testFraction < 0 || validationFraction + testFraction >= 1) {
            throw new IllegalArgumentException("validation and test fractions must be >= 0 and sum below 1");
        }
        this.seed = seed;
        int[] perm = permutation(n, RandomStreams.stream(seed, "split"));
        int nVal = (int) Math.round(n * validationFraction);
        int nTest = (int) Math.round(n * testFraction);
        int nTrain = n - nVal - nTest;
        if (nTrain < 1 || (validationFraction > 0 && nVal < 1) || (testFraction > 0 && nTest < 1)) {
            throw new DataException(
                    source + ": " + n + " rows are too few to split into train, validation and test sets");
        }
        this.train = Arrays.copyOfRange(perm, 0, nTrain);
        this.validation = Arrays.copyOfRange(perm, nTrain, nTrain + nVal);
        this.test = Arrays.copyOfRange(perm, nTrain + nVal, n);
    }

    private TableSplit(long seed, int[] train, int[] validation, int[] test) {
        this.seed = seed;
        this.train = train;
        this.validation = validation;
        this.test = test;
    }

    /**
     * Fold {@code fold} of {@code folds} for cross-validation: this split's training and validation
     * rows (its test rows left out) in a seeded order (stream "folds"), cut into {@code folds}
     * parts of equal size (to one row); part {@code fold} validates, the others train, in that
     * order, batched with this split's seed. Every such row validates in exactly one fold.
     *
     * @throws IllegalArgumentException unless 0 &lt;= fold &lt; folds and every part gets a row
     */
    public TableSplit fold(int fold, int folds) {
        int n = train.length + validation.length;
        if (folds < 2 || fold < 0 || fold >= folds || n < folds) {
            throw new IllegalArgumentException("fold " + fold + " of " + folds + " over " + n + " rows");
        }
        int[] pool = new int[n];
        System.arraycopy(train, 0, pool, 0, train.length);
        System.arraycopy(validation, 0, pool, train.length, validation.length);
        int[] order = permutation(n, RandomStreams.stream(seed, "folds"));
        int from = (int) ((long) fold * n / folds);
        int to = (int) ((long) (fold + 1) * n / folds);
        int[] held = new int[to - from];
        int[] kept = new int[n - held.length];
        for (int i = 0, k = 0; i < n; i++) {
            int row = pool[order[i]];
            if (i >= from && i < to) {
                held[i - from] = row;
            } else {
                kept[k++] = row;
            }
        }
        return new TableSplit(seed, kept, held, new int[0]);
    }

    /** Table rows of the training split, in split order (a training row's position is its index here). */
    public int[] train() {
        return train.clone();
    }

    /** Table rows of the validation set, in order. */
    public int[] validation() {
        return validation.clone();
    }

    /** Table rows of the test set, in order. */
    public int[] test() {
        return test.clone();
    }

    /** Number of training rows. */
    public int trainingRows() {
        return train.length;
    }

    /**
     * Positions in the training split of the rows of an iteration's batch, in batch order: batch i
     * takes places [i size, (i + 1) size) of the sequence of epoch permutations (a batch that
     * spans two epochs may hold a row twice).
     */
    public int[] batchPositions(long iteration, int size) {
        int rows = train.length;
        int[] out = new int[size];
        long start = iteration * size;
        for (int i = 0; i < size; i++) {
            long pos = start + i;
            out[i] = epochPermutation(pos / rows)[(int) (pos % rows)];
        }
        return out;
    }

    /** The permutation of an epoch, kept while batches walk through it (it is O(rows) to draw). */
    private synchronized int[] epochPermutation(long epoch) {
        if (epoch != cachedEpoch) {
            cachedPermutation = permutation(train.length, RandomStreams.stream(seed, "epoch-" + epoch));
            cachedEpoch = epoch;
        }
        return cachedPermutation;
    }

    private static int[] permutation(int n, SplittableRandom r) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
