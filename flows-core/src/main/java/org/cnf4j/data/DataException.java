package org.cnf4j.data;

/**
 * Bad input data: a missing or unreadable file, a ragged line, a value that is not a number, NaN
 * or infinity, too few rows. The message names the file and, where there is one, the line and
 * column.
 */
public class DataException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what is wrong and where */
    public DataException(String message) {
        super(message);
    }

    /** @param message what is wrong and where @param cause the underlying error */
    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
