package org.cnf4j.adjoint;

import java.util.random.RandomGenerator;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.trace.TraceEstimator;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How the gradient of the training loss is computed: {@link AdjointMethod} (memory independent
 * of the number of solver steps) or {@link DirectBackprop} (backpropagation through the stored
 * steps of the solver, the reference).
 */
public interface GradientMethod {

    /** Short name: {@code adjoint} or {@code direct}. */
    String name();

    /**
     * The loss of a batch and its gradients.
     *
     * @param flow the flow (its solver settings drive the forward solve)
     * @param x the batch [batch, dim], finite
     * @param objective the loss
     * @param estimator the trace estimator; its probes are drawn once per block and reused
     *     backwards
     * @param noise the stream the probes are drawn from
     */
    GradientResult gradient(
            ContinuousNormalizingFlow flow,
            INDArray x,
            Regularizers objective,
            TraceEstimator estimator,
            RandomGenerator noise);
}
