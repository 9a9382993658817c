package org.cnf4j.flow;

import org.cnf4j.ode.SolverStats;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The result of moving points through a flow (encode, decode, sample).
 *
 * @param value the moved points [n, dim]
 * @param stats solver work over all blocks
 */
public record FlowResult(INDArray value, SolverStats stats) {
}
