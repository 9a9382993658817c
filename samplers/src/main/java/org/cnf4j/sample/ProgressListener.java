package org.cnf4j.sample;

/**
 * Progress of long work (sampling, density grids): how much of how much is done. The command
 * line renders it as a progress bar, as it does training's {@code TrainingListener}.
 */
@FunctionalInterface
public interface ProgressListener {

    /** Ignores progress. */
    ProgressListener NONE = (done, total) -> {};

    /**
     * @param done units finished (samples, grid cells)
     * @param total units in all
     */
    void progress(long done, long total);
}
