package org.cnf4j.flow;

import org.cnf4j.ode.SolverStats;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Log-densities of a batch under a flow.
 *
 * @param logProb log p(x) per row, in nats [n]
 * @param latent the rows mapped to the base space, z(T) [n, dim]
 * @param stats solver work over all blocks
 */
public record LogProbResult(INDArray logProb, INDArray latent, SolverStats stats) {

    /** Mean negative log-likelihood in nats. */
    public double meanNll() {
        return -logProb.meanNumber().doubleValue();
    }
}
