package org.cnf4j.train;

/** Training that cannot go on, e.g. a loss that stopped being finite. */
public class TrainingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what happened and what to try */
    public TrainingException(String message) {
        super(message);
    }
}
