package org.cnf4j.io;

import org.cnf4j.ode.RungeKuttaMethod;

/**
 * Where a reflowed model came from and how it samples best: rectified flow's reflow (Liu et al.
 * 2023) trained it on (noise, sample) pairs of another model, so its paths are nearly straight and
 * a few fixed steps sample it.
 *
 * @param source the model it was reflowed from (its file name, as given)
 * @param sourceDigest the SHA-256 digest of that model's parameters ({@code sha256:...})
 * @param rounds reflow rounds (each trains on pairs of the previous round's model)
 * @param pairs (noise, sample) pairs per round
 * @param method the recommended fixed-step method for sampling
 * @param steps the recommended steps per block: the fewest evaluations whose samples stay within
 *     {@code maxDeviation} of the adaptive solver's from the same noise
 * @param maxDeviation the root-mean-square distance per dimension, in the flow's standardised
 *     units, between the recommended sampler's samples and dopri5's at the default tolerance
 */
public record ReflowInfo(
        String source,
        String sourceDigest,
        int rounds,
        int pairs,
        RungeKuttaMethod method,
        int steps,
        double maxDeviation) {

    /** Validates. */
    public ReflowInfo {
        if (method == null || method.isAdaptive() || steps < 1 || rounds < 1 || pairs < 1) {
            throw new IllegalArgumentException(
                    "a reflow record needs a fixed-step method, steps, rounds and pairs of " + "at least 1");
        }
    }

    /** Function evaluations of the recommended sampler, per block. */
    public int evaluations() {
        return steps * method.tableau().stages();
    }

    /** In words, e.g. {@code midpoint, 4 steps (8 evaluations)}. */
    public String describeSampler() {
        return method.id() + ", " + steps + (steps == 1 ? " step" : " steps") + " (" + evaluations()
                + (evaluations() == 1 ? " evaluation)" : " evaluations)");
    }
}
