package org.cnf4j.flow;

import java.util.random.RandomGenerator;
import org.cnf4j.trace.Probes;
import org.cnf4j.trace.TraceEstimator;

/**
 * Where a density solve's trace probes come from, one draw per block: one stream for the whole
 * batch (training, where a batch is one sample of noise), or one stream per row (evaluation, so
 * that a row's probes do not depend on which rows share its solve).
 */
@FunctionalInterface
public interface ProbeSource {

    /** The probes of the next block's solve, for a batch of {@code batch} rows of {@code dim}. */
    Probes draw(TraceEstimator estimator, int batch, int dim);

    /** Every block's probes drawn in turn from one stream. */
    static ProbeSource sequential(RandomGenerator noise) {
        return (estimator, batch, dim) -> estimator.draw(batch, dim, noise);
    }

    /** Row b's probes of every block drawn in turn from {@code rows[b]}. */
    static ProbeSource perRow(RandomGenerator[] rows) {
        return (estimator, batch, dim) -> {
            if (batch != rows.length) {
                throw new IllegalArgumentException("probes for " + batch + " rows, streams for " + rows.length);
            }
            return estimator.draw(dim, rows);
        };
    }
}
