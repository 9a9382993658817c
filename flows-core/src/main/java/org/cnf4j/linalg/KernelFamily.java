package org.cnf4j.linalg;

/**
 * A family of hot kernels that has a Vector API path and a plain path (scalar loops or BLAS),
 * chosen per JVM by {@link KernelSelection}.
 */
public enum KernelFamily {
    /** Forward matrix products in double: heap Vector API tiles against BLAS on native copies. */
    PRODUCTS_DOUBLE("products, double"),
    /** Forward matrix products in float: heap Vector API tiles against BLAS on native copies. */
    PRODUCTS_FLOAT("products, float"),
    /** exp and tanh with derivatives in double ({@link Transcendentals}): vector lanes against scalar loops. */
    TANH_DOUBLE("exp/tanh, double"),
    /** tanh with derivative in float ({@link SingleTanh}): vector lanes against scalar loops. */
    TANH_FLOAT("tanh, float"),
    /** Elementwise tangent and backward kernels in double ({@link Elementwise}). */
    ELEMENTWISE_DOUBLE("elementwise, double"),
    /** Elementwise tangent kernels in float ({@link Elementwise}). */
    ELEMENTWISE_FLOAT("elementwise, float");

    private final String label;

    KernelFamily(String label) {
        this.label = label;
    }

    /** A short name for reports, e.g. "products, double". */
    public String label() {
        return label;
    }
}
