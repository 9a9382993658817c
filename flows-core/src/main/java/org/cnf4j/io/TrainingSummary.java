package org.cnf4j.io;

/**
 * What training produced a model, stored in its file.
 *
 * @param iterations iterations run in total
 * @param bestIteration iteration of the kept parameters' validation (-1 without validation)
 * @param bestValidationNll validation NLL of the kept parameters in nats, original units (NaN
 *     without validation); see {@code selection} for how they were chosen
 * @param testNll test NLL in nats, original units (NaN when not measured)
 * @param wallSeconds training time (NaN when read from a model file, which records no timings)
 * @param gradientMethod adjoint or direct
 * @param traceEstimator the training trace estimator
 * @param batchSize batch size
 * @param learningRate Adam's learning rate
 * @param objective the training objective with its settings, e.g. {@code mle(adjoint, trace=exact)}
 *     or {@code flow-matching(sigma_min=0.0, ot=true, time=uniform)} (null in files from before
 *     objectives: maximum likelihood)
 * @param objectiveSettings the objective as JSON (its {@code name} and fields), how a resume
 *     restores it; null in older files
 * @param baselines test NLL of the Gaussian and mixture baselines, or null when not fitted
 * @param selection how the stored parameters were chosen, in words (null in older files)
 */
public record TrainingSummary(
        long iterations,
        long bestIteration,
        double bestValidationNll,
        double testNll,
        double wallSeconds,
        String gradientMethod,
        String traceEstimator,
        int batchSize,
        double learningRate,
        String objective,
        com.fasterxml.jackson.databind.JsonNode objectiveSettings,
        BaselineSummary baselines,
        String selection) {

    /**
     * The summary in words, one fact a line: {@code "2000 iterations in 12.3 s (flow-matching, batch 100, lr
     * 0.001); kept iteration 1800, validation NLL 4.6012 nats; test NLL 4.6621 nats; baselines: ..."}.
     */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(String.format(
                java.util.Locale.ROOT,
                "%d iterations%s (%s, batch " + "%d, learning rate %g)",
                iterations,
                Double.isNaN(wallSeconds) ? "" : String.format(java.util.Locale.ROOT, " in %.1f s", wallSeconds),
                objectiveName(),
                batchSize,
                learningRate));
        if (!Double.isNaN(bestValidationNll)) {
            b.append(String.format(
                    java.util.Locale.ROOT,
                    "; kept iteration %d, validation NLL %.4f nats",
                    bestIteration,
                    bestValidationNll));
        }
        if (!Double.isNaN(testNll)) {
            b.append(String.format(java.util.Locale.ROOT, "; test NLL %.4f nats", testNll));
        }
        if (baselines != null) {
            b.append(String.format(
                    java.util.Locale.ROOT,
                    "; baselines' test NLL: Gaussian %.4f, Gaussian mixture " + "(%d component%s) %.4f nats",
                    baselines.gaussianTestNll(),
                    baselines.mixtureComponents(),
                    baselines.mixtureComponents() == 1 ? "" : "s",
                    baselines.mixtureTestNll()));
        }
        return b.toString();
    }

    /** The objective's short name: {@code mle} or {@code flow-matching}. */
    public String objectiveName() {
        return objectiveSettings != null && objectiveSettings.hasNonNull("name")
                ? objectiveSettings.get("name").asText()
                : "mle";
    }

    /**
     * The same summary without the run's wall time (NaN), as a model file records it: a file holds
     * what the run computed, never how long it took, so the same run gives the same bytes on an idle
     * or a busy machine.
     */
    public TrainingSummary withoutTimings() {
        return new TrainingSummary(
                iterations,
                bestIteration,
                bestValidationNll,
                testNll,
                Double.NaN,
                gradientMethod,
                traceEstimator,
                batchSize,
                learningRate,
                objective,
                objectiveSettings,
                baselines,
                selection);
    }

    /** The same summary with these baselines. */
    public TrainingSummary withBaselines(BaselineSummary b) {
        return new TrainingSummary(
                iterations,
                bestIteration,
                bestValidationNll,
                testNll,
                wallSeconds,
                gradientMethod,
                traceEstimator,
                batchSize,
                learningRate,
                objective,
                objectiveSettings,
                b,
                selection);
    }
}
