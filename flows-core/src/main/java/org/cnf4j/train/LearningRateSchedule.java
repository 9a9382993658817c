package org.cnf4j.train;

import java.util.Locale;
import org.nd4j.linalg.learning.config.Adam;

/**
 * How Adam's learning rate changes over a run: constant (FFJORD's setting, the default) or
 * decaying linearly to 0 over the run's iterations (a {@link LinearDecaySchedule} in ND4J's
 * updater), which lets a noisy objective such as flow matching settle at the end. The decay is
 * defined over the run's configured iterations, so a resume continues it exactly only with the
 * same iteration count.
 */
public enum LearningRateSchedule {

    /** The same learning rate throughout. */
    CONSTANT,
    /** lr (1 - iteration / iterations). */
    LINEAR;

    /** Adam with this schedule from learning rate {@code lr} over {@code iterations} iterations. */
    public Adam adam(double lr, int iterations) {
        Adam adam = new Adam(lr, 0.9, 0.999, 1e-8);
        if (this == LINEAR) {
            adam.setLearningRateSchedule(new LinearDecaySchedule(lr, iterations));
        }
        return adam;
    }

    /** The command-line name: {@code constant} or {@code linear}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The schedule of that name (constant, linear), case-insensitive. */
    public static LearningRateSchedule byName(String name) {
        for (LearningRateSchedule s : values()) {
            if (s.id().equalsIgnoreCase(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException(
                "unknown learning-rate schedule '" + name + "'; expected constant or linear");
    }
}
