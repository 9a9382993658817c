package org.cnf4j.data;

import java.util.SplittableRandom;
import org.cnf4j.flow.RandomStreams;
import org.cnf4j.linalg.NativeArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A finite table (CSV or NPY) as training data: split into train, validation and test by a
 * seeded shuffle; optionally dequantised (integers plus uniform [0, 1) noise, fresh per batch,
 * fixed for the held-out sets) and standardised with mean and std fitted on the training rows.
 * Batches walk through seeded per-epoch permutations without replacement.
 */
public final class TableTrainingData implements TrainingData {

    private final Dataset data;
    private final long seed;
    private final double[] train;
    private final int trainRows;
    private final int dim;
    private final boolean dequantize;
    private final Standardizer standardizer;
    private final INDArray validation;
    private final INDArray test;

    /**
     * @param data the table
     * @param validationFraction share of rows held out for validation
     * @param testFraction share of rows held out for testing
     * @param seed the run seed (streams "split", "epoch-{e}", "dequantize-{i}")
     * @param dequantize add uniform noise to integer data
     * @param standardize fit a standardiser on the training rows
     */
    public TableTrainingData(Dataset data, double validationFraction, double testFraction, long seed,
            boolean dequantize, boolean standardize) {
        if (validationFraction < 0 || testFraction < 0 || validationFraction + testFraction >= 1) {
            throw new IllegalArgumentException("validation and test fractions must be >= 0 and sum below 1");
        }
        this.data = data;
        this.seed = seed;
        this.dim = data.dim();
        this.dequantize = dequantize;
        int n = data.rows();
        int[] perm = permutation(n, RandomStreams.stream(seed, "split"));
        int nVal = (int) Math.round(n * validationFraction);
        int nTest = (int) Math.round(n * testFraction);
        int nTrain = n - nVal - nTest;
        if (nTrain < 1 || (validationFraction > 0 && nVal < 1) || (testFraction > 0 && nTest < 1)) {
            throw new DataException(data.source() + ": " + n + " rows are too few to split into train, validation "
                    + "and test sets");
        }
        Dataset trainSet = data.rows(java.util.Arrays.copyOfRange(perm, 0, nTrain));
        Dataset valSet = data.rows(java.util.Arrays.copyOfRange(perm, nTrain, nTrain + nVal));
        Dataset testSet = data.rows(java.util.Arrays.copyOfRange(perm, nTrain + nVal, n));
        this.trainRows = nTrain;
        this.train = NativeArrays.toArray(trainSet.values());
        INDArray trainValues = dequantize ? dequantized(trainSet.values(), RandomStreams.stream(seed, "fit"))
                : trainSet.values();
        this.standardizer = standardize ? Standardizer.fit(trainValues) : Standardizer.identity(dim);
        this.validation = prepare(valSet.values(), RandomStreams.stream(seed, "dequantize-validation"));
        this.test = prepare(testSet.values(), RandomStreams.stream(seed, "dequantize-test"));
    }

    private INDArray prepare(INDArray x, SplittableRandom noise) {
        if (x.rows() == 0) {
            return x;
        }
        return standardizer.transform(dequantize ? dequantized(x, noise) : x);
    }

    private static INDArray dequantized(INDArray x, SplittableRandom noise) {
        double[] v = NativeArrays.toArray(x.dup('c'));
        for (int i = 0; i < v.length; i++) {
            v[i] += noise.nextDouble();
        }
        return Nd4j.create(v, x.shape(), DataType.DOUBLE);
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

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public INDArray batch(long iteration, int size) {
        if (size > trainRows) {
            throw new DataException(data.source() + ": a batch of " + size + " needs at least that many training rows; "
                    + "the training split has " + trainRows);
        }
        long start = iteration * size;
        double[] out = new double[size * dim];
        long epoch = -1;
        int[] perm = null;
        for (int i = 0; i < size; i++) {
            long pos = start + i;
            long e = pos / trainRows;
            if (e != epoch) {
                epoch = e;
                perm = permutation(trainRows, RandomStreams.stream(seed, "epoch-" + e));
            }
            int row = perm[(int) (pos % trainRows)];
            System.arraycopy(train, row * dim, out, i * dim, dim);
        }
        INDArray x = Nd4j.create(out, new long[] {size, dim}, DataType.DOUBLE);
        if (dequantize) {
            x = dequantized(x, RandomStreams.stream(seed, "dequantize-" + iteration));
        }
        return standardizer.transform(x);
    }

    @Override
    public INDArray validation() {
        return validation;
    }

    @Override
    public INDArray test() {
        return test;
    }

    @Override
    public Standardizer standardizer() {
        return standardizer;
    }

    @Override
    public long trainingRows() {
        return trainRows;
    }

    @Override
    public boolean dequantized() {
        return dequantize;
    }

    @Override
    public String describe() {
        return data.source() + " (" + data.rows() + " rows x " + dim + " columns: " + trainRows + " train, "
                + validation.rows() + " validation, " + test.rows() + " test" + (dequantize ? ", dequantised" : "")
                + ")";
    }
}
