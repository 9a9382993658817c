package org.cnf4j.data;

import org.bytedeco.javacpp.Pointer;

/**
 * The memory a data set read whole may take: a quarter of the smaller of the JVM heap
 * ({@code -Xmx}) and ND4J's off-heap limit ({@code -Dorg.bytedeco.javacpp.maxbytes}), since a set
 * is parsed on the heap, copied off-heap and then standardised and split into further copies. The
 * system property {@code cnf4j.maxDataBytes} sets it explicitly. Readers that hold a whole set
 * refuse a larger one with a {@link DataException} before training or evaluation starts; the
 * streaming readers ({@link CsvRows}) have no such limit.
 */
public final class DataMemory {

    /** System property overriding the limit, in bytes. */
    public static final String PROPERTY = "cnf4j.maxDataBytes";

    private DataMemory() {}

    /** The limit in bytes. */
    public static long limitBytes() {
        String set = System.getProperty(PROPERTY);
        if (set != null && !set.isBlank()) {
            try {
                return Long.parseLong(set.trim());
            } catch (NumberFormatException e) {
                throw new DataException("-D" + PROPERTY + "=" + set + " is not a number of bytes");
            }
        }
        long offHeap = Pointer.maxBytes() > 0 ? Pointer.maxBytes() : Long.MAX_VALUE;
        return Math.min(Runtime.getRuntime().maxMemory(), offHeap) / 4;
    }

    /**
     * The working memory a computation may plan for (a chunk of samples or scores): half the
     * smaller of the JVM heap and ND4J's off-heap limit, or {@code cnf4j.maxDataBytes} when set.
     */
    public static long workingLimitBytes() {
        String set = System.getProperty(PROPERTY);
        if (set != null && !set.isBlank()) {
            return limitBytes();
        }
        long offHeap = Pointer.maxBytes() > 0 ? Pointer.maxBytes() : Long.MAX_VALUE;
        return Math.min(Runtime.getRuntime().maxMemory(), offHeap) / 2;
    }

    /**
     * Refuses a set whose values (as doubles) exceed the limit.
     *
     * @param values number of values the set has, or has so far
     * @param source the file, for the message
     * @param sofar a description of what was read, e.g. "1,000 rows so far" or "the declared shape"
     * @throws DataException when {@code 8 * values} exceeds {@code limitBytes}
     */
    public static void check(long values, long limitBytes, String source, String sofar) {
        long bytes = values > Long.MAX_VALUE / 8 ? Long.MAX_VALUE : values * 8;
        if (bytes > limitBytes) {
            throw new DataException(String.format(
                    java.util.Locale.ROOT,
                    "%s: too large to hold in memory: %s take %,d MB as doubles, over the %,d MB allowed for "
                            + "data read whole (a quarter of the smaller of the heap, -Xmx, and ND4J's off-heap "
                            + "limit, -Dorg.bytedeco.javacpp.maxbytes; or -D%s). Give the JVM more memory or use a "
                            + "sample of the rows; scoring and sampling stream CSV input instead.",
                    source,
                    sofar,
                    bytes >> 20,
                    limitBytes >> 20,
                    PROPERTY));
        }
    }
}
