package org.cnf4j.train;

/**
 * Receives progress from a {@link Trainer}: how the command line shows a progress bar and how the
 * report draws its curves. Every method has an empty default.
 */
public interface TrainingListener {

    /** A listener that is told everything and does nothing: for a run that prints nothing. */
    TrainingListener NONE = new TrainingListener() {};

    /** Training starts (or resumes) at {@code firstIteration} of {@code totalIterations}. */
    default void onStart(long firstIteration, long totalIterations) {}

    /** An iteration finished. */
    default void onIteration(IterationStats stats) {}

    /** A validation finished. */
    default void onValidation(ValidationStats stats) {}

    /**
     * A fold of the cross-validation that chooses a budgeted run's length (see
     * {@link Trainer#plan}) finished: fold {@code fold} (from 0) of {@code folds}, with its
     * run's validations on its held-out rows. Comes before the run's {@link #onStart}.
     */
    default void onFold(int fold, int folds, TrainingResult result) {}

    /** Training finished. */
    default void onFinish(TrainingResult result) {}
}
