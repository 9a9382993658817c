/**
 * Low-level access for the hot paths: views of ND4J's native memory, owned native buffers,
 * row-major BLAS on pointers, the native thread settings and the Java workers, and the
 * elementwise kernels (exponentials, tanh, tangent products) in Vector API and scalar forms.
 */
package org.cnf4j.linalg;
