package org.cnf4j.data;

import java.util.SplittableRandom;
import org.cnf4j.flow.RandomStreams;
import org.cnf4j.linalg.NativeArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A finite table (CSV or NPY) as training data: split into train, validation and test, and
 * batched, by a {@link TableSplit}; optionally dequantised (integers plus uniform [0, 1) noise, fresh per batch,
 * fixed for the held-out sets) and standardised with mean and std fitted on the training rows.
 */
public final class TableTrainingData implements TrainingData {

    private final Dataset data;
    private final long seed;
    private final TableSplit split;
    private final double[] train;
    private final int trainRows;
    private final int dim;
    private final boolean dequantize;
    private final boolean standardize;
    private final int contextColumns;
    private final Standardizer standardizer;
    private INDArray validation;
    private INDArray test;
    private String digest;
    /** Where caller-given validation rows came from, or null for the validation split. */
    private String validationSource;
    /** Where caller-given test rows came from, or null for the test split. */
    private String testSource;

    /**
     * @param data the table
     * @param validationFraction share of rows held out for validation
     * @param testFraction share of rows held out for testing
     * @param seed the run seed (streams "split", "epoch-{e}", "dequantize-{i}")
     * @param dequantize add uniform noise to integer data
     * @param standardize fit a standardiser on the training rows
     */
    public TableTrainingData(
            Dataset data,
            double validationFraction,
            double testFraction,
            long seed,
            boolean dequantize,
            boolean standardize) {
        this(data, 0, validationFraction, testFraction, seed, dequantize, standardize);
    }

    /**
     * Training data of a conditional flow: joint rows whose last {@code contextColumns} columns are
     * the encoded context (standardised with the data, never dequantised).
     */
    public TableTrainingData(
            Dataset data,
            int contextColumns,
            double validationFraction,
            double testFraction,
            long seed,
            boolean dequantize,
            boolean standardize) {
        this(
                data,
                contextColumns,
                new TableSplit(data.rows(), validationFraction, testFraction, seed, data.source()),
                seed,
                dequantize,
                standardize);
    }

    private TableTrainingData(
            Dataset data, int contextColumns, TableSplit split, long seed, boolean dequantize, boolean standardize) {
        this.data = data;
        this.contextColumns = contextColumns;
        this.seed = seed;
        this.dim = data.dim();
        this.dequantize = dequantize;
        this.standardize = standardize;
        if (dequantize) {
            int x = dim - contextColumns;
            ColumnChecks.requireIntegers(
                    data.values()
                            .get(NDArrayIndex.all(), NDArrayIndex.interval(0, x))
                            .dup('c'),
                    data.columns().subList(0, x),
                    data.source());
        }
        this.split = split;
        Dataset trainSet = data.rows(split.train());
        Dataset valSet = data.rows(split.validation());
        Dataset testSet = data.rows(split.test());
        this.trainRows = split.trainingRows();
        this.train = NativeArrays.toArray(trainSet.values());
        INDArray trainValues =
                dequantize ? dequantized(trainSet.values(), RandomStreams.stream(seed, "fit")) : trainSet.values();
        int x = dim - contextColumns;
        ColumnChecks.requireVaried(
                contextColumns == 0 ? trainValues : trainValues.get(NDArrayIndex.all(), NDArrayIndex.interval(0, x)),
                data.columns().subList(0, x),
                data.source());
        this.standardizer = standardize ? Standardizer.fit(trainValues) : Standardizer.identity(dim);
        this.validation = prepare(valSet.values(), RandomStreams.stream(seed, "dequantize-validation"));
        this.test = prepare(testSet.values(), RandomStreams.stream(seed, "dequantize-test"));
    }

    /**
     * The folds of {@link TableSplit#fold}: this data's training and validation rows cut into
     * {@code k} parts, each validating once while the others train; no test rows. Each fold is
     * prepared as this data is (dequantised, standardised on its own training rows).
     */
    @Override
    public java.util.List<TrainingData> folds(int k) {
        java.util.List<TrainingData> out = new java.util.ArrayList<>(k);
        for (int f = 0; f < k; f++) {
            out.add(new TableTrainingData(data, contextColumns, split.fold(f, k), seed, dequantize, standardize));
        }
        return out;
    }

    /**
     * Tests on the rows of another table instead of a test split (made with a test fraction of
     * 0): they are dequantised (stream "dequantize-test") and standardised as the test split would
     * be, with the training rows' standardiser.
     *
     * @param rows the test table, with the same columns as the training table
     * @return this
     * @throws DataException for another column count, or when this data already has a test split
     */
    public TableTrainingData testOn(Dataset rows) {
        if (rows.dim() != dim) {
            throw new DataException(
                    rows.source() + ": the test rows have " + rows.dim() + " columns, the training rows " + dim);
        }
        if (split.test().length > 0) {
            throw new DataException("test rows from a file replace the test split: give a test fraction of 0");
        }
        requireIntegersToDequantise(rows);
        this.test = prepare(rows.values(), RandomStreams.stream(seed, "dequantize-test"));
        this.testSource = rows.source();
        return this;
    }

    /**
     * Validates on the rows of another table instead of a validation split (made with a
     * validation fraction of 0): they are dequantised (stream "dequantize-validation") and
     * standardised as the validation split would be, with the training rows' standardiser. Folds
     * ({@link #folds}) then cut the training rows only.
     *
     * @param rows the validation table, with the same columns as the training table
     * @return this
     * @throws DataException for another column count, no rows, or when this data already has a
     *     validation split
     */
    public TableTrainingData validateOn(Dataset rows) {
        if (rows.dim() != dim) {
            throw new DataException(rows.source() + ": the validation rows have " + rows.dim() + " columns, the "
                    + "training rows " + dim);
        }
        if (rows.rows() == 0) {
            throw new DataException(rows.source() + ": the validation table has no rows");
        }
        if (split.validation().length > 0) {
            throw new DataException(
                    "validation rows from a caller replace the validation split: give a validation " + "fraction of 0");
        }
        requireIntegersToDequantise(rows);
        this.validation = prepare(rows.values(), RandomStreams.stream(seed, "dequantize-validation"));
        this.validationSource = rows.source();
        return this;
    }

    /** With dequantisation, held-out rows' data columns must be integers as the training rows' are. */
    private void requireIntegersToDequantise(Dataset rows) {
        if (dequantize) {
            int x = dim - contextColumns;
            ColumnChecks.requireIntegers(
                    rows.values()
                            .get(NDArrayIndex.all(), NDArrayIndex.interval(0, x))
                            .dup('c'),
                    rows.columns().subList(0, x),
                    rows.source());
        }
    }

    private INDArray prepare(INDArray x, SplittableRandom noise) {
        if (x.rows() == 0) {
            return x;
        }
        return standardizer.transform(dequantize ? dequantized(x, noise) : x);
    }

    private INDArray dequantized(INDArray x, SplittableRandom noise) {
        double[] v = NativeArrays.toArray(x.dup('c'));
        int width = dim - contextColumns;
        for (int i = 0; i < v.length; i++) {
            if (i % dim < width) {
                v[i] += noise.nextDouble();
            }
        }
        return Nd4j.create(v, x.shape(), DataType.DOUBLE);
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
        int[] rows = split.batchPositions(iteration, size);
        double[] out = new double[size * dim];
        for (int i = 0; i < size; i++) {
            System.arraycopy(train, rows[i] * dim, out, i * dim, dim);
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
    public String contentDigest() {
        if (digest == null) {
            digest = ContentDigest.of(data.columns(), contextColumns, data.values());
        }
        return digest;
    }

    @Override
    public String describe() {
        return data.source() + " (" + data.rows() + " rows x " + dim + " columns: " + trainRows + " train, "
                + validation.rows() + " validation" + (validationSource == null ? "" : " from " + validationSource)
                + ", " + test.rows() + " test" + (testSource == null ? "" : " from " + testSource)
                + (dequantize ? ", dequantised" : "") + ")";
    }
}
