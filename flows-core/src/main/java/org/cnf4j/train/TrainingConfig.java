package org.cnf4j.train;

import org.cnf4j.adjoint.AdjointMethod;
import org.cnf4j.adjoint.DirectBackprop;
import org.cnf4j.adjoint.GradientMethod;
import org.cnf4j.adjoint.TrainingObjective;
import org.cnf4j.trace.TraceEstimator;

/**
 * Training settings; defaults follow FFJORD's toy trainer (batch 100, Adam with learning rate
 * 1e-3 and weight decay 1e-5, validation every 100 iterations, adjoint gradients). The
 * {@code with} methods return modified copies.
 *
 * @param iterations iterations to run (in total, counting those before a resume)
 * @param batchSize samples per iteration
 * @param learningRate Adam's learning rate
 * @param weightDecay L2 weight decay added to the gradient (as PyTorch's Adam)
 * @param validationInterval iterations between validations (0: never)
 * @param gradientMethod {@code adjoint} or {@code direct}
 * @param seminorm whether the adjoint's backward error norm leaves the parameter adjoints out
 * @param backwardRtol relative tolerance of the backward solve (NaN: the forward one)
 * @param backwardAtol absolute tolerance of the backward solve (NaN: the forward one)
 * @param traceEstimator training trace estimator, or null for the default (exact for dim <= 2,
 *     Hutchinson above)
 * @param objective the loss (RNODE regularisers off by default)
 * @param seed the run seed: batches, noise and initialisation streams derive from it
 * @param evaluateTest whether to compute the test NLL at the end
 * @param flowMatching the flow-matching objective, or null to train by maximum likelihood
 */
public record TrainingConfig(int iterations, int batchSize, double learningRate, double weightDecay,
        int validationInterval, String gradientMethod, boolean seminorm, double backwardRtol, double backwardAtol,
        TraceEstimator traceEstimator, TrainingObjective objective, long seed, boolean evaluateTest,
        FlowMatching flowMatching) {

    /** Validates. */
    public TrainingConfig {
        if (iterations < 0 || batchSize < 1 || !(learningRate > 0) || !(weightDecay >= 0) || validationInterval < 0) {
            throw new IllegalArgumentException("need iterations >= 0, batch >= 1, learning rate > 0, weight decay >= 0, "
                    + "validation interval >= 0");
        }
        if (flowMatching != null && flowMatching.otCoupling() && batchSize > FlowMatching.MAX_OT_BATCH) {
            throw new IllegalArgumentException("the OT coupling takes batches of at most " + FlowMatching.MAX_OT_BATCH
                    + " rows, got " + batchSize);
        }
        if (!gradientMethod.equals("adjoint") && !gradientMethod.equals("direct")) {
            throw new IllegalArgumentException("unknown gradient method '" + gradientMethod
                    + "'; expected adjoint or direct");
        }
    }

    /** FFJORD's toy defaults, 1,000 iterations, seed 0. */
    public static TrainingConfig defaults() {
        return new TrainingConfig(1000, 100, 1e-3, 1e-5, 100, "adjoint", false, Double.NaN, Double.NaN, null,
                TrainingObjective.MAXIMUM_LIKELIHOOD, 0, true, null);
    }

    /** The default training estimator for a dimension: exact for dim <= 2, Hutchinson above. */
    public static TraceEstimator defaultEstimator(int dim) {
        return dim <= 2 ? TraceEstimator.exact() : TraceEstimator.hutchinson();
    }

    /** The estimator to use for a dimension. */
    public TraceEstimator estimatorFor(int dim) {
        return traceEstimator != null ? traceEstimator : defaultEstimator(dim);
    }

    /** The gradient method these settings describe. */
    public GradientMethod newGradientMethod() {
        if (gradientMethod.equals("direct")) {
            return new DirectBackprop();
        }
        AdjointMethod.BackwardTolerances tol = Double.isNaN(backwardRtol) && Double.isNaN(backwardAtol) ? null
                : new AdjointMethod.BackwardTolerances(backwardRtol, backwardAtol);
        return new AdjointMethod(tol, seminorm);
    }

    /** With another number of iterations. */
    public TrainingConfig withIterations(int n) {
        return new TrainingConfig(n, batchSize, learningRate, weightDecay, validationInterval, gradientMethod,
                seminorm, backwardRtol, backwardAtol, traceEstimator, objective, seed, evaluateTest, flowMatching);
    }

    /** With another batch size. */
    public TrainingConfig withBatchSize(int n) {
        return new TrainingConfig(iterations, n, learningRate, weightDecay, validationInterval, gradientMethod,
                seminorm, backwardRtol, backwardAtol, traceEstimator, objective, seed, evaluateTest, flowMatching);
    }

    /** With another learning rate and weight decay. */
    public TrainingConfig withOptimizer(double lr, double wd) {
        return new TrainingConfig(iterations, batchSize, lr, wd, validationInterval, gradientMethod, seminorm,
                backwardRtol, backwardAtol, traceEstimator, objective, seed, evaluateTest, flowMatching);
    }

    /** With another validation interval (0: never). */
    public TrainingConfig withValidationInterval(int n) {
        return new TrainingConfig(iterations, batchSize, learningRate, weightDecay, n, gradientMethod, seminorm,
                backwardRtol, backwardAtol, traceEstimator, objective, seed, evaluateTest, flowMatching);
    }

    /** With another gradient method ({@code adjoint}, {@code direct}) and seminorm setting. */
    public TrainingConfig withGradient(String method, boolean useSeminorm) {
        return new TrainingConfig(iterations, batchSize, learningRate, weightDecay, validationInterval, method,
                useSeminorm, backwardRtol, backwardAtol, traceEstimator, objective, seed, evaluateTest, flowMatching);
    }

    /** With backward-solve tolerances (NaN: the forward ones). */
    public TrainingConfig withBackwardTolerances(double rtol, double atol) {
        return new TrainingConfig(iterations, batchSize, learningRate, weightDecay, validationInterval,
                gradientMethod, seminorm, rtol, atol, traceEstimator, objective, seed, evaluateTest, flowMatching);
    }

    /** With a training trace estimator (null: the default). */
    public TrainingConfig withTraceEstimator(TraceEstimator est) {
        return new TrainingConfig(iterations, batchSize, learningRate, weightDecay, validationInterval,
                gradientMethod, seminorm, backwardRtol, backwardAtol, est, objective, seed, evaluateTest, flowMatching);
    }

    /** With a loss (regularisers). */
    public TrainingConfig withObjective(TrainingObjective o) {
        return new TrainingConfig(iterations, batchSize, learningRate, weightDecay, validationInterval,
                gradientMethod, seminorm, backwardRtol, backwardAtol, traceEstimator, o, seed, evaluateTest, flowMatching);
    }

    /** Trained by flow matching with these settings (null: maximum likelihood). */
    public TrainingConfig withFlowMatching(FlowMatching fm) {
        return new TrainingConfig(iterations, batchSize, learningRate, weightDecay, validationInterval,
                gradientMethod, seminorm, backwardRtol, backwardAtol, traceEstimator, objective, seed, evaluateTest, fm);
    }

    /** The training objective these settings describe, for data of dimension {@code dim}. */
    public Objective newObjective(int dim) {
        return flowMatching != null ? flowMatching
                : new MaximumLikelihood(newGradientMethod(), objective, estimatorFor(dim));
    }

    /** With another seed. */
    public TrainingConfig withSeed(long s) {
        return new TrainingConfig(iterations, batchSize, learningRate, weightDecay, validationInterval,
                gradientMethod, seminorm, backwardRtol, backwardAtol, traceEstimator, objective, s, evaluateTest, flowMatching);
    }

    /** With or without the final test evaluation. */
    public TrainingConfig withTestEvaluation(boolean evaluate) {
        return new TrainingConfig(iterations, batchSize, learningRate, weightDecay, validationInterval,
                gradientMethod, seminorm, backwardRtol, backwardAtol, traceEstimator, objective, seed, evaluate, flowMatching);
    }
}
