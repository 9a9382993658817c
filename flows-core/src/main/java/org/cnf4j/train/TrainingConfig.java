package org.cnf4j.train;

import org.cnf4j.adjoint.AdjointMethod;
import org.cnf4j.adjoint.GradientMethod;
import org.cnf4j.adjoint.Regularizers;
import org.cnf4j.trace.TraceEstimator;

/**
 * Training settings; defaults follow FFJORD's toy trainer (batch 100, Adam with learning rate
 * 1e-3 and weight decay 1e-5, validation every 100 iterations, adjoint gradients). The
 * {@code with} methods return modified copies. The gradient method is an object chosen once
 * ({@link AdjointMethod} with its backward tolerances and norm, or
 * {@link org.cnf4j.adjoint.DirectBackprop}); it keeps solver caches, so a config's method serves
 * one training at a time.
 *
 * @param iterations iterations to run (in total, counting those before a resume)
 * @param batchSize samples per iteration, or {@link #AUTOMATIC_BATCH} for {@link #DEFAULT_BATCH} or the
 *     training rows when fewer (the trainer decides it from the data)
 * @param learningRate Adam's learning rate
 * @param weightDecay L2 weight decay added to the gradient (as PyTorch's Adam)
 * @param validationInterval iterations between validations (0: never)
 * @param gradientMethod how maximum likelihood gets its gradients
 * @param traceEstimator training trace estimator, or null for the default (exact for dim {@literal <=} 2,
 *     Hutchinson above)
 * @param regularizers RNODE regulariser weights of maximum likelihood (off by default)
 * @param seed the run seed: batches, noise and initialisation streams derive from it
 * @param evaluateTest whether to compute the test NLL at the end
 * @param flowMatching the flow-matching objective, or null to train by maximum likelihood
 * @param schedule how the learning rate changes over the run (constant by default)
 * @param emaDecay decay of the exponential moving average of the parameters that is validated
 *     and kept as the model, in [0, 1) (0: none, the raw parameters are kept)
 * @param timeBudgetSeconds wall time after which training stops early (then validates once
 *     more); 0 for none
 * @param mixtureBase whether an unconditional flow's base becomes the Gaussian mixture fitted to
 *     the training rows before the first iteration, its field starting at zero
 *     ({@link Trainer#prepareBase}); false: N(0, I), as FFJORD
 */
public record TrainingConfig(
        int iterations,
        int batchSize,
        double learningRate,
        double weightDecay,
        int validationInterval,
        GradientMethod gradientMethod,
        TraceEstimator traceEstimator,
        Regularizers regularizers,
        long seed,
        boolean evaluateTest,
        FlowMatching flowMatching,
        LearningRateSchedule schedule,
        double emaDecay,
        double timeBudgetSeconds,
        boolean mixtureBase) {

    /** Settings with the N(0, I) base. */
    public TrainingConfig(
            int iterations,
            int batchSize,
            double learningRate,
            double weightDecay,
            int validationInterval,
            GradientMethod gradientMethod,
            TraceEstimator traceEstimator,
            Regularizers regularizers,
            long seed,
            boolean evaluateTest,
            FlowMatching flowMatching,
            LearningRateSchedule schedule,
            double emaDecay,
            double timeBudgetSeconds) {
        this(
                iterations,
                batchSize,
                learningRate,
                weightDecay,
                validationInterval,
                gradientMethod,
                traceEstimator,
                regularizers,
                seed,
                evaluateTest,
                flowMatching,
                schedule,
                emaDecay,
                timeBudgetSeconds,
                false);
    }

    /** Settings without a moving average and without a time budget. */
    public TrainingConfig(
            int iterations,
            int batchSize,
            double learningRate,
            double weightDecay,
            int validationInterval,
            GradientMethod gradientMethod,
            TraceEstimator traceEstimator,
            Regularizers regularizers,
            long seed,
            boolean evaluateTest,
            FlowMatching flowMatching,
            LearningRateSchedule schedule) {
        this(
                iterations,
                batchSize,
                learningRate,
                weightDecay,
                validationInterval,
                gradientMethod,
                traceEstimator,
                regularizers,
                seed,
                evaluateTest,
                flowMatching,
                schedule,
                0,
                0);
    }

    /** The batch size of a run not given one, when the data have at least as many training rows. */
    public static final int DEFAULT_BATCH = 100;

    /** A batch size that the trainer decides: {@link #DEFAULT_BATCH}, or every training row when fewer. */
    public static final int AUTOMATIC_BATCH = 0;

    /** Validates. */
    public TrainingConfig {
        if (iterations < 0 || batchSize < 0 || !(learningRate > 0) || !(weightDecay >= 0) || validationInterval < 0) {
            throw new IllegalArgumentException(
                    "need iterations >= 0, batch >= 0 (0: automatic), learning rate > 0, weight decay >= 0, "
                            + "validation interval >= 0");
        }
        if (!(emaDecay >= 0 && emaDecay < 1) || !(timeBudgetSeconds >= 0)) {
            throw new IllegalArgumentException("need an EMA decay in [0, 1) and a time budget >= 0, got " + emaDecay
                    + " and " + timeBudgetSeconds);
        }
        if (gradientMethod == null || regularizers == null || schedule == null) {
            throw new IllegalArgumentException("a gradient method, regulariser weights and a schedule must be given");
        }
        if (flowMatching != null && flowMatching.otCoupling() && batchSize > FlowMatching.MAX_OT_BATCH) {
            throw new IllegalArgumentException("the OT coupling takes batches of at most " + FlowMatching.MAX_OT_BATCH
                    + " rows, got " + batchSize);
        }
    }

    /** FFJORD's toy defaults, 1,000 iterations, seed 0. */
    public static TrainingConfig defaults() {
        return new TrainingConfig(
                1000,
                100,
                1e-3,
                1e-5,
                100,
                new AdjointMethod(),
                null,
                Regularizers.NONE,
                0,
                true,
                null,
                LearningRateSchedule.CONSTANT);
    }

    /** The default training estimator for a dimension: exact for dim {@literal <=} 2, Hutchinson above. */
    public static TraceEstimator defaultEstimator(int dim) {
        return dim <= 2 ? TraceEstimator.exact() : TraceEstimator.hutchinson();
    }

    /** The estimator to use for a dimension. */
    public TraceEstimator estimatorFor(int dim) {
        return traceEstimator != null ? traceEstimator : defaultEstimator(dim);
    }

    /** The training objective these settings describe, for data of dimension {@code dim}. */
    public Objective newObjective(int dim) {
        return flowMatching != null
                ? flowMatching
                : new MaximumLikelihood(gradientMethod, regularizers, estimatorFor(dim));
    }

    /** With another number of iterations. */
    public TrainingConfig withIterations(int n) {
        return new TrainingConfig(
                n,
                batchSize,
                learningRate,
                weightDecay,
                validationInterval,
                gradientMethod,
                traceEstimator,
                regularizers,
                seed,
                evaluateTest,
                flowMatching,
                schedule,
                emaDecay,
                timeBudgetSeconds,
                mixtureBase);
    }

    /** With another batch size. */
    public TrainingConfig withBatchSize(int n) {
        return new TrainingConfig(
                iterations,
                n,
                learningRate,
                weightDecay,
                validationInterval,
                gradientMethod,
                traceEstimator,
                regularizers,
                seed,
                evaluateTest,
                flowMatching,
                schedule,
                emaDecay,
                timeBudgetSeconds,
                mixtureBase);
    }

    /** With another learning rate and weight decay. */
    public TrainingConfig withOptimizer(double lr, double wd) {
        return new TrainingConfig(
                iterations,
                batchSize,
                lr,
                wd,
                validationInterval,
                gradientMethod,
                traceEstimator,
                regularizers,
                seed,
                evaluateTest,
                flowMatching,
                schedule,
                emaDecay,
                timeBudgetSeconds,
                mixtureBase);
    }

    /** With another validation interval (0: never). */
    public TrainingConfig withValidationInterval(int n) {
        return new TrainingConfig(
                iterations,
                batchSize,
                learningRate,
                weightDecay,
                n,
                gradientMethod,
                traceEstimator,
                regularizers,
                seed,
                evaluateTest,
                flowMatching,
                schedule,
                emaDecay,
                timeBudgetSeconds,
                mixtureBase);
    }

    /** With another gradient method. */
    public TrainingConfig withGradient(GradientMethod method) {
        return new TrainingConfig(
                iterations,
                batchSize,
                learningRate,
                weightDecay,
                validationInterval,
                method,
                traceEstimator,
                regularizers,
                seed,
                evaluateTest,
                flowMatching,
                schedule,
                emaDecay,
                timeBudgetSeconds,
                mixtureBase);
    }

    /** With a training trace estimator (null: the default). */
    public TrainingConfig withTraceEstimator(TraceEstimator est) {
        return new TrainingConfig(
                iterations,
                batchSize,
                learningRate,
                weightDecay,
                validationInterval,
                gradientMethod,
                est,
                regularizers,
                seed,
                evaluateTest,
                flowMatching,
                schedule,
                emaDecay,
                timeBudgetSeconds,
                mixtureBase);
    }

    /** With RNODE regulariser weights. */
    public TrainingConfig withRegularizers(Regularizers weights) {
        return new TrainingConfig(
                iterations,
                batchSize,
                learningRate,
                weightDecay,
                validationInterval,
                gradientMethod,
                traceEstimator,
                weights,
                seed,
                evaluateTest,
                flowMatching,
                schedule,
                emaDecay,
                timeBudgetSeconds,
                mixtureBase);
    }

    /** Trained by flow matching with these settings (null: maximum likelihood). */
    public TrainingConfig withFlowMatching(FlowMatching fm) {
        return new TrainingConfig(
                iterations,
                batchSize,
                learningRate,
                weightDecay,
                validationInterval,
                gradientMethod,
                traceEstimator,
                regularizers,
                seed,
                evaluateTest,
                fm,
                schedule,
                emaDecay,
                timeBudgetSeconds,
                mixtureBase);
    }

    /** With a learning-rate schedule. */
    public TrainingConfig withSchedule(LearningRateSchedule sched) {
        return new TrainingConfig(
                iterations,
                batchSize,
                learningRate,
                weightDecay,
                validationInterval,
                gradientMethod,
                traceEstimator,
                regularizers,
                seed,
                evaluateTest,
                flowMatching,
                sched,
                emaDecay,
                timeBudgetSeconds,
                mixtureBase);
    }

    /** With another seed. */
    public TrainingConfig withSeed(long s) {
        return new TrainingConfig(
                iterations,
                batchSize,
                learningRate,
                weightDecay,
                validationInterval,
                gradientMethod,
                traceEstimator,
                regularizers,
                s,
                evaluateTest,
                flowMatching,
                schedule,
                emaDecay,
                timeBudgetSeconds,
                mixtureBase);
    }

    /** With or without the final test evaluation. */
    public TrainingConfig withTestEvaluation(boolean evaluate) {
        return new TrainingConfig(
                iterations,
                batchSize,
                learningRate,
                weightDecay,
                validationInterval,
                gradientMethod,
                traceEstimator,
                regularizers,
                seed,
                evaluate,
                flowMatching,
                schedule,
                emaDecay,
                timeBudgetSeconds,
                mixtureBase);
    }

    /** With a moving average of the parameters of this decay (0: none). */
    public TrainingConfig withEmaDecay(double decay) {
        return new TrainingConfig(
                iterations,
                batchSize,
                learningRate,
                weightDecay,
                validationInterval,
                gradientMethod,
                traceEstimator,
                regularizers,
                seed,
                evaluateTest,
                flowMatching,
                schedule,
                decay,
                timeBudgetSeconds,
                mixtureBase);
    }

    /** With a wall-time budget in seconds after which training stops (0: none). */
    public TrainingConfig withTimeBudget(double seconds) {
        return new TrainingConfig(
                iterations,
                batchSize,
                learningRate,
                weightDecay,
                validationInterval,
                gradientMethod,
                traceEstimator,
                regularizers,
                seed,
                evaluateTest,
                flowMatching,
                schedule,
                emaDecay,
                seconds,
                mixtureBase);
    }

    /** With the base distribution fitted to the training rows (true) or N(0, I). */
    public TrainingConfig withMixtureBase(boolean mixture) {
        return new TrainingConfig(
                iterations,
                batchSize,
                learningRate,
                weightDecay,
                validationInterval,
                gradientMethod,
                traceEstimator,
                regularizers,
                seed,
                evaluateTest,
                flowMatching,
                schedule,
                emaDecay,
                timeBudgetSeconds,
                mixture);
    }
}
