package org.cnf4j.data;

import java.util.List;
import java.util.Locale;

/**
 * Whether numeric context values lie far outside the training rows' range: a flow conditioned on
 * a number has seen only the values of its training rows, and far from them it extrapolates (a
 * context of 1e6 where training saw 0 to 10 gave log p of -5.8e14). Such values are not refused,
 * since a user may mean them, but the commands say so.
 */
public final class ContextRange {

    /** Training standard deviations from the training mean beyond which a value counts as far outside. */
    public static final double FAR = 10;

    private ContextRange() {}

    /**
     * The first numeric context value of the rows that lies more than {@link #FAR} training
     * standard deviations from the training mean, described in words; null when none does.
     *
     * @param context the model's context columns
     * @param standardizer the model's standardiser over data and encoded context ([dim + contextDim])
     * @param dim the data's dimensions (the context's encoded values follow them in the standardiser)
     * @param contexts encoded contexts, row-major [rows, contextDim]
     */
    public static String farOutside(
            List<ContextColumn> context, Standardizer standardizer, int dim, double[] contexts) {
        int cd = ConditionalTable.contextDim(context);
        if (cd == 0) {
            return null;
        }
        double[] mean = standardizer.mean();
        double[] std = standardizer.std();
        int at = 0;
        for (ContextColumn c : context) {
            if (!c.categorical()) {
                for (int r = 0; r < contexts.length / cd; r++) {
                    double v = contexts[r * cd + at];
                    double z = Math.abs(v - mean[dim + at]) / std[dim + at];
                    if (z > FAR) {
                        return String.format(
                                Locale.ROOT,
                                "the context '%s' = %s lies %.3g training standard "
                                        + "deviations from the training rows' mean (%.6g, standard deviation %.6g): the model "
                                        + "has seen no such value and extrapolates",
                                c.name(),
                                v,
                                z,
                                mean[dim + at],
                                std[dim + at]);
                    }
                }
            }
            at += c.width();
        }
        return null;
    }
}
