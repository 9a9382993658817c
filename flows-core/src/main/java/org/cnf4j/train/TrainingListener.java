package org.cnf4j.train;

/**
 * Receives progress from a {@link Trainer}: how the command line shows a progress bar and how the
 * report draws its curves. Every method has an empty default.
 */
public interface TrainingListener {

    /** Training starts (or resumes) at {@code firstIteration} of {@code totalIterations}. */
    default void onStart(long firstIteration, long totalIterations) {
    }

    /** An iteration finished. */
    default void onIteration(IterationStats stats) {
    }

    /** A validation finished. */
    default void onValidation(ValidationStats stats) {
    }

    /** Training finished. */
    default void onFinish(TrainingResult result) {
    }
}
