package org.cnf4j.io;

/** A model file that cannot be read or written: missing, corrupt, or inconsistent (the message says what and where). */
public class ModelFileException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what is wrong */
    public ModelFileException(String message) {
        super(message);
    }

    /** @param message what is wrong @param cause the underlying error */
    public ModelFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
