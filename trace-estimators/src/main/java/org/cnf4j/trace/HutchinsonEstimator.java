package org.cnf4j.trace;

import java.util.random.RandomGenerator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Hutchinson's unbiased estimate {@code tr(J) ~ (1/M) sum_m e_m^T J e_m} with noise of zero mean
 * and identity covariance: standard Gaussian (variance {@code 2 ||J||_F^2} for symmetric J) or
 * Rademacher +-1 (variance {@code 2 sum_{i != j} J_ij^2}, never more). One product per sample
 * and noise draw instead of D: the estimator FFJORD trains high-dimensional models with.
 */
public final class HutchinsonEstimator implements TraceEstimator {

    /** The noise distribution. */
    public enum Noise {
        /** Standard normal entries. */
        GAUSSIAN,
        /** Entries +1 or -1 with equal probability. */
        RADEMACHER
    }

    private final Noise noise;
    private final int samples;

    /**
     * @param noise the distribution of the probe entries
     * @param samples noise vectors M per sample (weights 1/M)
     */
    public HutchinsonEstimator(Noise noise, int samples) {
        if (samples < 1) {
            throw new IllegalArgumentException("need at least one noise sample, got " + samples);
        }
        this.noise = noise;
        this.samples = samples;
    }

    /** The noise distribution. */
    public Noise noise() {
        return noise;
    }

    /** Noise vectors per sample. */
    public int samples() {
        return samples;
    }

    @Override
    public String name() {
        return noise == Noise.GAUSSIAN ? "hutchinson" : "rademacher";
    }

    @Override
    public boolean isExact() {
        return false;
    }

    @Override
    public Probes draw(int batch, int dim, RandomGenerator random) {
        double[] data = new double[samples * batch * dim];
        for (int i = 0; i < data.length; i++) {
            data[i] = entry(random);
        }
        return probes(batch, dim, data);
    }

    /** Row b's M probes from {@code rows[b]}: probe m of row b is row m * batch + b of the vectors. */
    @Override
    public Probes draw(int dim, RandomGenerator[] rows) {
        int batch = rows.length;
        double[] data = new double[samples * batch * dim];
        for (int b = 0; b < batch; b++) {
            for (int m = 0; m < samples; m++) {
                for (int j = 0; j < dim; j++) {
                    data[(m * batch + b) * dim + j] = entry(rows[b]);
                }
            }
        }
        return probes(batch, dim, data);
    }

    private double entry(RandomGenerator random) {
        return noise == Noise.GAUSSIAN ? random.nextGaussian() : (random.nextBoolean() ? 1.0 : -1.0);
    }

    private Probes probes(int batch, int dim, double[] data) {
        var vectors = Nd4j.create(data, new long[] {(long) samples * batch, dim}, DataType.DOUBLE);
        double[] weights = new double[samples];
        java.util.Arrays.fill(weights, 1.0 / samples);
        return new Probes(batch, dim, vectors, vectors, weights, false);
    }

    @Override
    public String toString() {
        return samples == 1 ? name() : name() + "x" + samples;
    }
}
