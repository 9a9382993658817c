package org.cnf4j.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.random.RandomGenerator;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What training minimises, and its gradient for one batch: {@link MaximumLikelihood} (solves the
 * density ODE, gradients by the adjoint method or direct backpropagation) or {@link FlowMatching}
 * (regresses the vector field on a known probability path, no solve). Either way the trained
 * object is the same {@link ContinuousNormalizingFlow}, so log-densities, sampling and model files
 * work unchanged.
 */
public interface Objective {

    /** Short name: {@code mle} or {@code flow-matching}. */
    String name();

    /** The name with the settings, e.g. {@code flow-matching(sigma_min=0, ot=true, time=uniform)}. */
    String describe();

    /**
     * The loss of a batch and its gradient.
     *
     * @param flow the flow
     * @param x the batch [batch, dim] in the flow's (standardised) space, finite
     * @param noise this iteration's stream (trace probes, base draws, times)
     */
    ObjectiveResult evaluate(ContinuousNormalizingFlow flow, INDArray x, RandomGenerator noise);

    /** Whether the objective fits the end times T (flow matching fixes its path's time span). */
    boolean fitsEndTime();

    /** The settings as JSON for model files ({@code name} plus the objective's own fields). */
    ObjectNode toJson();
}
