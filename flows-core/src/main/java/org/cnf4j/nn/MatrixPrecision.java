package org.cnf4j.nn;

/**
 * The precision of a network's matrix products. Elementwise work (activations, their
 * derivatives, the trace) is always double; FLOAT rounds the operands of the products to float
 * and runs them as sgemm (itself about twice as fast as dgemm here), at about 1e-7 relative error in f.
 */
public enum MatrixPrecision {
    /** Products in double: the default, used by every accuracy test. */
    DOUBLE,
    /** Products in float (float32), elementwise work in double. */
    FLOAT
}
