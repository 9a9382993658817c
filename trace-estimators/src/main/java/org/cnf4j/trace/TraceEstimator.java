package org.cnf4j.trace;

import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * Draws {@link Probes} for a batch so that {@code sum_k w_k e_k^T J u_k} estimates tr(J): the
 * exact trace (D basis probes) or Hutchinson's stochastic estimate (one noise probe per sample;
 * Hutchinson 1989, "A stochastic estimator of the trace of the influence matrix"). Knows nothing
 * of networks: anything that can form e^T J u (a {@link ProbeForm}) can use it.
 */
public interface TraceEstimator {

    /** Short name: {@code exact}, {@code hutchinson} (Gaussian noise) or {@code rademacher}. */
    String name();

    /** True when the estimate equals the trace for every matrix. */
    boolean isExact();

    /**
     * Probe vectors for a batch; draw once per solve.
     *
     * @param batch number of samples
     * @param dim dimension of J
     * @param random the run's seeded stream (unused by exact estimators)
     */
    Probes draw(int batch, int dim, RandomGenerator random);

    /**
     * Probes for a batch whose row b draws its noise from its own generator {@code rows[b]} (in
     * the same layout as {@link #draw(int, int, RandomGenerator)}), so a row's probes do not depend
     * on the other rows of the batch. Exact estimators draw nothing.
     */
    default Probes draw(int dim, RandomGenerator[] rows) {
        if (isExact()) {
            return draw(rows.length, dim, null);
        }
        throw new UnsupportedOperationException(name() + " does not draw probes row by row");
    }

    /** The exact trace from D basis probes. */
    static TraceEstimator exact() {
        return ExactTrace.INSTANCE;
    }

    /** Hutchinson's estimator with standard Gaussian noise. */
    static TraceEstimator hutchinson() {
        return new HutchinsonEstimator(HutchinsonEstimator.Noise.GAUSSIAN, 1);
    }

    /** Hutchinson's estimator with Rademacher (+-1) noise. */
    static TraceEstimator rademacher() {
        return new HutchinsonEstimator(HutchinsonEstimator.Noise.RADEMACHER, 1);
    }

    /**
     * The estimator of that name ({@code exact}, {@code hutchinson}/{@code gaussian},
     * {@code rademacher}), with an optional {@code xM} suffix for M noise vectors per sample
     * ({@code hutchinsonx4}): the form {@link Object#toString()} gives, which model files store.
     */
    static TraceEstimator byName(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        int samples = 1;
        int x = key.lastIndexOf('x');
        if (x > 0
                && x < key.length() - 1
                && key.substring(x + 1).chars().allMatch(Character::isDigit)
                && !key.equals("exact")) {
            try {
                samples = Integer.parseInt(key.substring(x + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("trace estimator '" + name + "': the probe count is too large");
            }
            key = key.substring(0, x);
        }
        switch (key) {
            case "exact":
                if (samples != 1) {
                    break;
                }
                return exact();
            case "hutchinson":
            case "gaussian":
                return new HutchinsonEstimator(HutchinsonEstimator.Noise.GAUSSIAN, samples);
            case "rademacher":
                return new HutchinsonEstimator(HutchinsonEstimator.Noise.RADEMACHER, samples);
            default:
                break;
        }
        throw new IllegalArgumentException("unknown trace estimator '" + name
                + "'; expected exact, hutchinson or rademacher (optionally with xM, M probes per sample)");
    }
}
