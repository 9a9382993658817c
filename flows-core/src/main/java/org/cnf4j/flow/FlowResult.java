package org.cnf4j.flow;

import org.cnf4j.ode.SolverStats;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The result of moving points through a flow (encode, decode, sample).
 *
 * @param value the moved points [n, dim]
 * @param logProb log p of the decoded points under the flow [n] (flow space, nats), when the
 *     log-density was integrated along; null otherwise
 * @param stats solver work over all blocks
 */
public record FlowResult(INDArray value, INDArray logProb, SolverStats stats) {

    /** A result without log-densities. */
    public FlowResult(INDArray value, SolverStats stats) {
        this(value, null, stats);
    }
}
