package org.cnf4j.train;

import org.nd4j.linalg.schedule.ISchedule;

/**
 * A learning rate decaying linearly from {@code initial} at iteration 0 to 0 at iteration
 * {@code iterations}, as an ND4J {@link ISchedule} for its updaters. (ND4J 1.0.0-M2.1's own
 * {@code PolySchedule} computes {@code initial * (1 + i / maxIter)^power}, which grows instead of
 * decaying, so it cannot serve.)
 */
final class LinearDecaySchedule implements ISchedule {

    private static final long serialVersionUID = 1L;

    private final double initial;
    private final int iterations;

    LinearDecaySchedule(double initial, int iterations) {
        this.initial = initial;
        this.iterations = Math.max(1, iterations);
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        return iteration >= iterations ? 0 : initial * (1 - (double) iteration / iterations);
    }

    @Override
    public ISchedule clone() {
        return new LinearDecaySchedule(initial, iterations);
    }
}
