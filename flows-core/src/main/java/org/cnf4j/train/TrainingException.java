package org.cnf4j.train;

/** Training that cannot go on, e.g. a loss that stopped being finite. */
public class TrainingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what happened and what to try */
    public TrainingException(String message) {
        super(message);
    }

    /** With the cause (a failed solve, or the failure a caller adds context to). */
    public TrainingException(String message, Throwable cause) {
        super(message, cause);
    }
}
