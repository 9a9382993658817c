package org.cnf4j.train;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The loss of one training batch under an {@link Objective} and its gradient.
 *
 * @param loss the objective in the flow's space: NLL plus regularisers for maximum likelihood, the
 *     mean squared field residual for flow matching
 * @param nll the batch's mean negative log-likelihood in nats in the flow's space (NaN when the
 *     objective does not compute it, as flow matching, which solves no ODE)
 * @param kinetic mean kinetic-energy integral (0 unless regularised)
 * @param jacobian mean Jacobian-norm integral (0 unless regularised)
 * @param parameterGradient dLoss/dparameters, laid out as the flow's parameters
 * @param forwardEvaluations function evaluations of the forward solves (0 without a solve)
 * @param backwardEvaluations function evaluations of the backward pass (0 without a solve)
 */
public record ObjectiveResult(
        double loss,
        double nll,
        double kinetic,
        double jacobian,
        INDArray parameterGradient,
        int forwardEvaluations,
        int backwardEvaluations) {}
