package org.cnf4j.train;

/**
 * The length of a run planned from the table and the settings alone: never from a timing, so the
 * same command and seed give the same run on an idle or a busy machine, with any number of cores.
 * The iterations are the fewest of
 * <ul>
 * <li>the passes over a finite training set: {@link #MAX_VALIDATED_EPOCHS} with at least
 * {@link #VALIDATION_ROWS_TO_TELL} validation rows (the validations stop the overfitting),
 * {@link #MAX_EPOCHS} otherwise;</li>
 * <li>the work a run is sized for ({@link #workIterations}): about a minute on two cores of a
 * 2020s x86 server for flow matching with the default network and batch, fewer iterations for a
 * larger batch or network and for maximum likelihood;</li>
 * <li>the iterations the settings allow (the cap the caller gives, {@link #MAX_ITERATIONS} at
 * most).</li>
 * </ul>
 */
public final class RunLength {

    /** The most iterations a plan has. */
    public static final int MAX_ITERATIONS = 100_000;
    /**
     * The most passes over a finite training set when the run has fewer than
     * {@link #VALIDATION_ROWS_TO_TELL} validation rows: more overfit small tables (on a 239-row
     * table, 30,000 iterations of 100 rows scored 0.35 nats worse on the test rows than 3,000), and
     * a few dozen validation rows cannot tell when.
     */
    public static final int MAX_EPOCHS = 1000;
    /**
     * The most passes over a finite training set with at least {@link #VALIDATION_ROWS_TO_TELL}
     * validation rows, whose model choice stops the overfitting (the 8x8 digits, 180 validation
     * rows: 2.8296 bits/dim after 1,000 passes, 2.6146 after 2,780).
     */
    public static final int MAX_VALIDATED_EPOCHS = 5000;
    /** Validation rows from which the validations are trusted to tell when a run overfits. */
    public static final int VALIDATION_ROWS_TO_TELL = 100;
    /** How many validations a planned run has (fewer when it has fewer iterations). */
    public static final int PLANNED_VALIDATIONS = 20;
    /**
     * Flow-matching iterations a run is sized for with a batch of {@link #REFERENCE_BATCH} rows and
     * a network of at most {@link #REFERENCE_PARAMETERS} parameters (2 to 3 ms each on two cores
     * of an AMD EPYC with AVX2, 2026: one to one and a half minutes).
     */
    public static final int FLOW_MATCHING_ITERATIONS = 30_000;
    /**
     * Maximum-likelihood iterations a run is sized for on the same terms (with one trace probe; an
     * iteration solves forwards and backwards, about 10 ms early in a run and more later).
     */
    public static final int LIKELIHOOD_ITERATIONS = 6_000;
    /** The batch rows the iteration counts above are for; larger batches get proportionally fewer. */
    public static final int REFERENCE_BATCH = 100;
    /** The network size the iteration counts above are for; larger networks get proportionally fewer. */
    public static final long REFERENCE_PARAMETERS = 20_000;

    private RunLength() {}

    /**
     * The iterations the work allowance of a run buys: {@link #FLOW_MATCHING_ITERATIONS} or
     * {@link #LIKELIHOOD_ITERATIONS}, scaled down for batches above {@link #REFERENCE_BATCH} rows,
     * networks above {@link #REFERENCE_PARAMETERS} parameters and (maximum likelihood) more than one
     * trace probe; at least {@link #PLANNED_VALIDATIONS}.
     *
     * @param probes trace probes per row (the dimension for the exact trace); unused for flow matching
     */
    public static int workIterations(boolean flowMatching, int batch, long parameters, int probes) {
        double n = flowMatching ? FLOW_MATCHING_ITERATIONS : LIKELIHOOD_ITERATIONS * 2.0 / (1 + Math.max(1, probes));
        n *= Math.min(1.0, (double) REFERENCE_BATCH / batch);
        n *= Math.min(1.0, (double) REFERENCE_PARAMETERS / parameters);
        return (int) Math.max(PLANNED_VALIDATIONS, Math.round(n));
    }

    /**
     * The passes over the training rows a run may make: {@link #MAX_VALIDATED_EPOCHS} when it is
     * validated on at least {@link #VALIDATION_ROWS_TO_TELL} rows, {@link #MAX_EPOCHS} otherwise.
     */
    public static int maxEpochs(boolean validated, long validationRows) {
        return validated && validationRows >= VALIDATION_ROWS_TO_TELL ? MAX_VALIDATED_EPOCHS : MAX_EPOCHS;
    }

    /**
     * The planned iterations and what bounds them, in words.
     *
     * @param trainingRows rows of a finite training set, or a negative number for a generator
     * @param validationRows validation rows (0: none)
     * @param validated whether the run validates
     * @param batch rows per batch
     * @param workIterations {@link #workIterations}
     * @param cap the most the settings allow
     */
    static Length plan(
            long trainingRows, long validationRows, boolean validated, int batch, int workIterations, int cap) {
        int passes = maxEpochs(validated, validationRows);
        double byEpochs = trainingRows > 0 ? Math.ceil((double) passes * trainingRows / batch) : Double.MAX_VALUE;
        int limitCap = Math.min(cap, MAX_ITERATIONS);
        int planned = (int) Math.max(1, Math.min(Math.min(byEpochs, workIterations), limitCap));
        String limit = planned == (int) byEpochs
                ? passes + " passes over the " + trainingRows + " training rows"
                : planned == workIterations
                        ? String.format(
                                java.util.Locale.ROOT,
                                "the work a run is sized for "
                                        + "(%d iterations of %d rows for this objective and network)",
                                workIterations,
                                batch)
                        : "the cap of " + limitCap + " iterations";
        return new Length(planned, limit);
    }

    /** Planned iterations and, in words, what bounds them. */
    record Length(int iterations, String limit) {}
}
