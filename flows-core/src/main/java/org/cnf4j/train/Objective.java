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

    /**
     * {@link #evaluate} with the gradient written into {@code gradient} (DOUBLE, laid out as the
     * flow's parameters, overwritten), which the caller allocates once and reuses every iteration:
     * native arrays of the parameters' size cost far more to allocate than flow matching's whole
     * batch on this project's machines. The result's gradient is {@code gradient}. This default
     * evaluates and copies; {@link FlowMatching} writes in place.
     */
    default ObjectiveResult evaluateInto(
            ContinuousNormalizingFlow flow, INDArray x, RandomGenerator noise, INDArray gradient) {
        ObjectiveResult r = evaluate(flow, x, noise);
        gradient.assign(r.parameterGradient());
        return new ObjectiveResult(
                r.loss(),
                r.nll(),
                r.kinetic(),
                r.jacobian(),
                gradient,
                r.forwardEvaluations(),
                r.backwardEvaluations());
    }

    /**
     * A share of a batch, for data-parallel training: the rows of {@code x} are the rows at
     * {@code positions} (ascending) of a batch of {@code batchSize} rows, and the result holds their
     * terms of the batch's means (loss, NLL, regularisers, gradient), so the shares of a batch add
     * up to {@link #evaluate} of the whole batch. By default each share is evaluated on its own and
     * weighted by its size (for maximum likelihood: its own solve and probes, so the sum agrees
     * with the whole batch to the solver tolerance); flow matching overrides it to be exact.
     */
    default ObjectiveResult evaluateRows(
            ContinuousNormalizingFlow flow, INDArray x, int[] positions, int batchSize, RandomGenerator noise) {
        ObjectiveResult r = evaluate(flow, x, noise);
        double w = (double) x.rows() / batchSize;
        return new ObjectiveResult(
                r.loss() * w,
                r.nll() * w,
                r.kinetic() * w,
                r.jacobian() * w,
                r.parameterGradient().muli(w),
                r.forwardEvaluations(),
                r.backwardEvaluations());
    }

    /** Whether the objective fits the end times T (flow matching fixes its path's time span). */
    boolean fitsEndTime();

    /** The settings as JSON for model files ({@code name} plus the objective's own fields). */
    ObjectNode toJson();
}
