package org.cnf4j.nn;

/**
 * The cotangent of f for a loss that depends on each row's own f, computed from f where the
 * network has it: flow matching's {@code v_b = dL/df_b} needs f_b, so the network evaluates f and
 * its parameter gradient in one forward pass instead of two. Called once per chunk of rows, maybe
 * from several worker threads for distinct rows.
 */
@FunctionalInterface
public interface RowCotangent {

    /**
     * Writes v for rows {@code first .. first + rows - 1} of the call.
     *
     * @param first the chunk's first row in the call
     * @param rows rows in the chunk
     * @param f the chunk's f, [rows, dim] row-major from index 0
     * @param v output: the chunk's cotangents, [rows, dim] from index 0
     */
    void compute(int first, int rows, double[] f, double[] v);
}
