package org.cnf4j.train;

/**
 * One training iteration.
 *
 * @param iteration 0-based iteration number
 * @param loss the objective in the flow's space (nll plus regularisers)
 * @param nll the batch's mean negative log-likelihood in nats, original units
 * @param kinetic mean kinetic-energy integral (0 unless regularised)
 * @param jacobian mean Jacobian-norm integral (0 unless regularised)
 * @param forwardEvaluations function evaluations of the forward solves
 * @param backwardEvaluations function evaluations of the backward pass
 * @param seconds wall time of this iteration
 * @param elapsedSeconds wall time since training started (this session)
 * @param endTimes T_k of every block after the update
 */
public record IterationStats(
        long iteration,
        double loss,
        double nll,
        double kinetic,
        double jacobian,
        int forwardEvaluations,
        int backwardEvaluations,
        double seconds,
        double elapsedSeconds,
        double[] endTimes) {}
