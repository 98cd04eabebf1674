package io.eager4j.internal.cpu;

import java.util.Arrays;

/** Argument checks shared by every {@link Gemm}: a native GEMM must never run past an array's end. */
final class GemmArgs {
    private GemmArgs() {}

    /** Returns false when there is nothing to multiply (m, n or k is 0); C is then already final. */
    static boolean check(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
                         float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("sgemm: negative size m=" + m + ", n=" + n + ", k=" + k);
        }
        fits("A", a, aOff, transA ? k : m, transA ? m : k, lda);
        fits("B", b, bOff, transB ? n : k, transB ? k : n, ldb);
        fits("C", c, cOff, m, n, ldc);
        if (m == 0 || n == 0) {
            return false;
        }
        if (k == 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) {
                    Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f); // an empty sum is zero
                }
            }
            return false;
        }
        return true;
    }

    /** A stored rows x cols block whose rows start ld apart must lie inside x. */
    private static void fits(String what, float[] x, int off, int rows, int cols, int ld) {
        if (x == null) {
            throw new IllegalArgumentException("sgemm: " + what + " is null");
        }
        if (rows > 0 && cols > 0 && ld < cols) {   // an empty block reads nothing, whatever its ld
            throw new IllegalArgumentException("sgemm: " + what + " [" + rows + "x" + cols + "] has leading dimension "
                    + ld + ", less than its " + cols + " columns");
        }
        long need = rows == 0 || cols == 0 ? 0 : (long) (rows - 1) * ld + cols;
        if (off < 0 || off + need > x.length) {
            String ldNote = ld == cols ? "" : " with rows " + ld + " apart";
            throw new IllegalArgumentException("sgemm: " + what + " [" + rows + "x" + cols + "]" + ldNote + " needs "
                    + need + " floats from offset " + off + " but its array has " + x.length);
        }
    }
}
