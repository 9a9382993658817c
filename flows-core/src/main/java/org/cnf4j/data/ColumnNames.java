package org.cnf4j.data;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The rule for a table's column names, wherever a table comes from: each named, none twice. */
public final class ColumnNames {

    private ColumnNames() {}

    /**
     * Checks the names of a table's columns.
     *
     * @param source what the names belong to, in messages ("the table", a file name)
     * @throws DataException for a null or blank name, or a name given twice
     */
    public static void requireNamed(List<String> names, String source) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            if (n == null || n.isBlank()) {
                throw new DataException(source + ": column " + (i + 1) + " has no name; every column needs one");
            }
            if (!seen.add(n)) {
                throw new DataException(source + ": the column '" + n + "' is named twice");
            }
        }
    }
}
