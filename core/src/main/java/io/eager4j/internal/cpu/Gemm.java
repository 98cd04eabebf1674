package io.eager4j.internal.cpu;

/**
 * Single-precision matrix multiply over row-major operands: {@code C[m x n] (=|+=) op(A) * op(B)}.
 *
 * <p>op(A) is m x k; A is stored m x k, or k x m when {@code transA}. op(B) is k x n; B is stored
 * k x n, or n x k when {@code transB}. C is stored m x n. Each stored matrix may be a block of a wider
 * one: its rows start {@code lda}, {@code ldb}, {@code ldc} floats apart (BLAS leading dimensions), which
 * is how {@link ParallelGemm} hands each thread a slice without copying. With {@code accumulate} the
 * product is added to C, otherwise C is overwritten (its old values, even NaN, are ignored).
 *
 * <pre>{@code
 * Gemm gemm = Gemms.get();
 * gemm.sgemm(false, false, 128, 150, 784, x, 0, w, 0, h, 0, false); // h = x . w
 * }</pre>
 */
public interface Gemm {

    void sgemm(boolean transA, boolean transB, int m, int n, int k,
               float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
               boolean accumulate);

    /** Contiguous operands: the leading dimensions are the stored row lengths. */
    default void sgemm(boolean transA, boolean transB, int m, int n, int k,
                       float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
        sgemm(transA, transB, m, n, k, a, aOff, transA ? m : k, b, bOff, transB ? k : n, c, cOff, n, accumulate);
    }

    /** "openblas", "java" or "reference". */
    String name();
}
