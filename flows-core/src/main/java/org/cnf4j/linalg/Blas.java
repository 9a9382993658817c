package org.cnf4j.linalg;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Row-major BLAS calls on native pointers: the OpenBLAS that ND4J ships, without ND4J's per-op
 * dispatch (a [100, 64] x [64, 64] product costs about 9 microseconds this way and 20 through
 * {@code Nd4j.gemm}).
 */
public final class Blas {

    private Blas() {}

    /**
     * {@code C = alpha op(A) op(B) + beta C}, all row-major; op(A) is [m, k], op(B) [k, n], C [m, n].
     *
     * @param transA use A^T (A stored [k, m])
     * @param transB use B^T (B stored [n, k])
     */
    public static void gemm(
            boolean transA,
            boolean transB,
            int m,
            int n,
            int k,
            double alpha,
            DoublePointer a,
            int lda,
            DoublePointer b,
            int ldb,
            double beta,
            DoublePointer c,
            int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        openblas_nolapack.cblas_dgemm(
                openblas_nolapack.CblasRowMajor,
                transA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                transB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                m,
                n,
                k,
                alpha,
                a,
                lda,
                b,
                ldb,
                beta,
                c,
                ldc);
    }

    /** {@code x = alpha x} over n elements of a pointer. */
    public static void scale(int n, double alpha, DoublePointer x) {
        openblas_nolapack.cblas_dscal(n, alpha, x, 1);
    }
}
