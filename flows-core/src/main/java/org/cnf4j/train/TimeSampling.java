package org.cnf4j.train;

import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * How flow matching draws the path time tau in (0, 1) per row (tau = 0 noise, tau = 1 data).
 */
public enum TimeSampling {

    /** tau ~ U[0, 1] (Lipman et al. 2023). */
    UNIFORM,
    /**
     * tau = sigmoid(n), n ~ N(0, 1): more weight on the middle of the path, where the field is
     * hardest to learn (Esser et al. 2024, "Scaling rectified flow transformers").
     */
    LOGIT_NORMAL;

    /** One draw of tau. */
    public double draw(RandomGenerator random) {
        if (this == UNIFORM) {
            return random.nextDouble();
        }
        return 1.0 / (1.0 + Math.exp(-random.nextGaussian()));
    }

    /** The command-line name: {@code uniform} or {@code logit-normal}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The sampling of that name (uniform, logit-normal), case-insensitive. */
    public static TimeSampling byName(String name) {
        for (TimeSampling s : values()) {
            if (s.id().equalsIgnoreCase(name.replace('_', '-'))) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown time sampling '" + name + "'; expected uniform or logit-normal");
    }
}
