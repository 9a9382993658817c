package org.cnf4j.io;

/**
 * What training produced a model, stored in its file.
 *
 * @param iterations iterations run in total
 * @param bestIteration iteration of the best validation NLL (-1 without validation)
 * @param bestValidationNll best validation NLL in nats, original units (NaN without validation)
 * @param testNll test NLL in nats, original units (NaN when not measured)
 * @param wallSeconds training time
 * @param gradientMethod adjoint or direct
 * @param traceEstimator the training trace estimator
 * @param batchSize batch size
 * @param learningRate Adam's learning rate
 */
public record TrainingSummary(long iterations, long bestIteration, double bestValidationNll, double testNll,
        double wallSeconds, String gradientMethod, String traceEstimator, int batchSize, double learningRate) {
}
