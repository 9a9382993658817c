/**
 * Low-level access for the hot paths: views of ND4J's native memory, owned native buffers,
 * row-major BLAS on pointers, and the native thread settings.
 */
package org.cnf4j.linalg;
