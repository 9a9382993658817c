package org.cnf4j.adjoint;

import org.cnf4j.ode.SolverStats;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The loss of one batch and its gradients.
 *
 * @param loss the objective: nll plus weighted regularisers
 * @param nll mean negative log-likelihood in nats
 * @param kinetic mean kinetic-energy integral (summed over blocks; 0 when not regularised)
 * @param jacobian mean Jacobian Frobenius-norm integral (summed over blocks; 0 when off)
 * @param parameterGradient dLoss/dparameters, laid out as the flow's {@link
 *     org.cnf4j.flow.ContinuousNormalizingFlow#parameters()} (the end-time entries hold the
 *     derivative with respect to sqrt(T_k); 0 when T is not trained)
 * @param endTimeGradient dLoss/dT_k per block (0 when T is not trained)
 * @param inputGradient dLoss/dx, [batch, dim]
 * @param forward forward solve work, all blocks
 * @param backward backward work (adjoint solves, or the replayed stages of direct backprop)
 * @param storedBytes solver states the method kept at its peak, in bytes
 */
public record GradientResult(
        double loss,
        double nll,
        double kinetic,
        double jacobian,
        INDArray parameterGradient,
        double[] endTimeGradient,
        INDArray inputGradient,
        SolverStats forward,
        SolverStats backward,
        long storedBytes) {}
