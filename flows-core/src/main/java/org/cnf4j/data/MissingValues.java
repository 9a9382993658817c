package org.cnf4j.data;

import java.util.Locale;

/**
 * What reading a table does with a missing value in a kept column: an empty cell, {@code NA} or
 * {@code NaN} in a CSV/TSV file (as R, pandas and spreadsheets write them), NaN in a NumPy array.
 * {@link #FAIL} (the default) stops at the first one, naming its line and column;
 * {@link #DROP_ROWS} leaves every row that has one out and counts them.
 */
public enum MissingValues {
    /** The first missing value is a {@link DataException} naming its line and column. */
    FAIL("fail"),
    /** Rows with a missing value in a kept column are left out. */
    DROP_ROWS("drop-rows");

    private final String id;

    MissingValues(String id) {
        this.id = id;
    }

    /** The option value: fail or drop-rows. */
    public String id() {
        return id;
    }

    /** The policy of an option value (fail, drop-rows). */
    public static MissingValues byName(String name) {
        for (MissingValues m : values()) {
            if (m.id.equals(name.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown --missing '" + name + "'; expected fail or drop-rows");
    }

    /** Whether a CSV cell (stripped of spaces and quotes) marks a missing value: empty, NA or NaN. */
    static boolean isMissingCell(String cell) {
        return cell.isEmpty()
                || cell.equalsIgnoreCase("na")
                || cell.equalsIgnoreCase("nan")
                || cell.equalsIgnoreCase("+nan")
                || cell.equalsIgnoreCase("-nan");
    }

    @Override
    public String toString() {
        return id;
    }
}
