package org.cnf4j.spark;

/**
 * What scoring does with a row it cannot score (a null, NaN or infinite value in a model column):
 * fail the job with a message naming the column ({@link #FAIL}, the default), leave the row out
 * ({@link #SKIP}), or keep it with a null {@code logp} ({@link #NULL}).
 */
public enum BadRowPolicy {
    /** The job fails with one message naming the column and the value. */
    FAIL,
    /** The row is left out of the result. */
    SKIP,
    /** The row is kept, with null log-density columns. */
    NULL
}
