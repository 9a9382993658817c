package org.cnf4j.data;

import org.cnf4j.flow.RandomStreams;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A toy generator as training data, as in FFJORD: a fresh batch every iteration (stream
 * "data-{iteration}" of the seed), and fixed validation and test sets drawn from their own streams.
 */
public final class ToyTrainingData implements TrainingData {

    private final ToyDataset toy;
    private final long seed;
    private final INDArray validation;
    private final INDArray test;

    /**
     * @param toy the distribution
     * @param seed the run seed
     * @param validationSize rows of the validation set
     * @param testSize rows of the test set
     */
    public ToyTrainingData(ToyDataset toy, long seed, int validationSize, int testSize) {
        this.toy = toy;
        this.seed = seed;
        this.validation = toy.sample(validationSize, RandomStreams.stream(seed, "validation"));
        this.test = toy.sample(testSize, RandomStreams.stream(seed, "test"));
    }

    /** The generator. */
    public ToyDataset toy() {
        return toy;
    }

    @Override
    public int dim() {
        return 2;
    }

    @Override
    public INDArray batch(long iteration, int size) {
        return toy.sample(size, RandomStreams.stream(seed, "data-" + iteration));
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
        return Standardizer.identity(2);
    }

    @Override
    public long trainingRows() {
        return -1;
    }

    @Override
    public boolean dequantized() {
        return false;
    }

    @Override
    public String describe() {
        return toy.id() + " (toy generator, fresh samples every iteration)";
    }
}
