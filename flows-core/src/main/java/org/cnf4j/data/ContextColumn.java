package org.cnf4j.data;

import java.util.List;
import java.util.Locale;

/**
 * One source column of a conditional flow's context: a numeric column (one context value, the
 * column's number) or a categorical one (text, or integers with few levels), one-hot encoded over
 * its {@code levels}, one context value per level. A model file keeps its context columns, so
 * scoring and sampling encode contexts as training did; a level it does not know is an error
 * naming it.
 *
 * @param name the column's name in the table
 * @param levels the levels of a categorical column, in code order; empty for a numeric column
 * @param counts training rows of each level (the class priors of {@code cnf classify}); empty when
 *     not known
 */
public record ContextColumn(String name, List<String> levels, List<Long> counts) implements java.io.Serializable {

    /**
     * @throws IllegalArgumentException for a categorical column with fewer than two levels or a
     *     repeated level, or counts that are not one per level
     */
    public ContextColumn {
        levels = List.copyOf(levels);
        counts = List.copyOf(counts);
        if (!counts.isEmpty() && counts.size() != levels.size()) {
            throw new IllegalArgumentException("the context column '" + name + "' has " + levels.size() + " levels but "
                    + counts.size() + " counts");
        }
        if (levels.size() == 1) {
            throw new IllegalArgumentException("the context column '" + name + "' has one level (" + levels.get(0)
                    + "): it tells the flow nothing");
        }
        if (new java.util.HashSet<>(levels).size() != levels.size()) {
            throw new IllegalArgumentException("the context column '" + name + "' repeats a level: " + levels);
        }
    }

    /** A categorical column without counts. */
    public ContextColumn(String name, List<String> levels) {
        this(name, levels, List.of());
    }

    /** A numeric context column. */
    public static ContextColumn numeric(String name) {
        return new ContextColumn(name, List.of());
    }

    /** The same column with the training rows of each level. */
    public ContextColumn withCounts(List<Long> levelCounts) {
        return new ContextColumn(name, levels, levelCounts);
    }

    /** Whether the column is one-hot encoded. */
    public boolean categorical() {
        return !levels.isEmpty();
    }

    /** Context values it contributes: its number of levels, or 1. */
    public int width() {
        return categorical() ? levels.size() : 1;
    }

    /** The names of its context values: the column's name, or {@code name=level} per level. */
    public List<String> valueNames() {
        if (!categorical()) {
            return List.of(name);
        }
        return levels.stream().map(l -> name + "=" + l).toList();
    }

    /**
     * The code of a cell of a categorical column: its level's index. An integer written as a
     * number ({@code 3}, {@code 3.0}) matches the level {@code 3}.
     *
     * @throws IllegalArgumentException for a level the column does not have, naming it and the known ones
     */
    public int code(String cell) {
        String key = canonical(cell);
        int i = levels.indexOf(key);
        if (i < 0) {
            throw new IllegalArgumentException("'" + cell + "' is not a level of the context column '" + name
                    + "' (its levels are " + levels + ")");
        }
        requireTrained(i);
        return i;
    }

    /**
     * Refuses a level that had no training rows (a model file written before such levels were
     * refused in training): the flow knows nothing of it.
     *
     * @throws IllegalArgumentException naming the level
     */
    public void requireTrained(int level) {
        if (!counts.isEmpty() && counts.get(level) == 0) {
            throw new IllegalArgumentException("the level '" + levels.get(level) + "' of the context column '" + name
                    + "' had no training rows: the model knows nothing of it");
        }
    }

    /** A cell as a level: an integral number in its plain integer spelling, any other text trimmed. */
    public static String canonical(String cell) {
        String s = cell.strip();
        if (CsvRows.isNumber(s)) {
            double v = Double.parseDouble(s);
            if (v == Math.rint(v) && Math.abs(v) < 1e15) {
                return String.format(Locale.ROOT, "%d", (long) v);
            }
        }
        return s;
    }

    /**
     * Writes the context values of one source value into {@code out} from {@code at}: the number
     * itself for a numeric column, the one-hot vector of the level with code {@code (int) value}
     * for a categorical one.
     */
    public void encode(double value, double[] out, int at) {
        if (!categorical()) {
            out[at] = value;
            return;
        }
        for (int i = 0; i < levels.size(); i++) {
            out[at + i] = i == (int) value ? 1.0 : 0.0;
        }
    }
}
