package org.cnf4j.nn;

/**
 * One named tensor inside a flat parameter array: where it starts and its shape (row-major).
 *
 * @param name e.g. {@code layers.0.weight}
 * @param offset first element in the flat array
 * @param shape e.g. [in, out] for a weight
 */
public record ParameterTensor(String name, long offset, long[] shape) {

    /** Number of elements. */
    public long length() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
