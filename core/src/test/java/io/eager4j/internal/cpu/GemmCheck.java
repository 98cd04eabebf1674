package io.eager4j.internal.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Compares a GEMM with {@link ReferenceGemm} over awkward sizes, every transpose, both modes, offsets. */
final class GemmCheck {
    private static final int[] SIZES = {1, 7, 13, 129};
    /** One dimension past 1000, and shapes that cross VectorGemm's k panels and column blocks. */
    private static final int[][] LARGE = {{1037, 13, 7}, {7, 1037, 13}, {13, 7, 1037}, {33, 1037, 500}, {129, 150, 784}};
    private static final int A_OFF = 3, B_OFF = 5, C_OFF = 7, GUARD = 11;

    private GemmCheck() {}

    static List<int[]> shapes() {
        List<int[]> shapes = new ArrayList<>();
        for (int m : SIZES) {
            for (int n : SIZES) {
                for (int k : SIZES) {
                    shapes.add(new int[] {m, n, k});
                }
            }
        }
        shapes.addAll(List.of(LARGE));
        return shapes;
    }

    /** Runs every shape x transA x transB x accumulate; returns the number of cases checked. */
    static int againstReference(Gemm gemm) {
        int cases = 0;
        SplittableRandom rnd = new SplittableRandom(42);
        for (int[] s : shapes()) {
            for (int t = 0; t < 4; t++) {
                for (boolean acc : new boolean[] {false, true}) {
                    one(gemm, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], acc, rnd);
                    cases++;
                }
            }
        }
        return cases;
    }

    static void one(Gemm gemm, boolean ta, boolean tb, int m, int n, int k, boolean acc, SplittableRandom rnd) {
        float[] a = random(A_OFF + m * k + GUARD, rnd);
        float[] b = random(B_OFF + k * n + GUARD, rnd);
        float[] c = random(C_OFF + m * n + GUARD, rnd);
        if (!acc) {
            // overwrite mode must ignore C's old values entirely, NaN included
            java.util.Arrays.fill(c, C_OFF, C_OFF + m * n, Float.NaN);
        }
        float[] want = c.clone();
        ReferenceGemm.INSTANCE.sgemm(ta, tb, m, n, k, a, A_OFF, b, B_OFF, want, C_OFF, acc);
        gemm.sgemm(ta, tb, m, n, k, a, A_OFF, b, B_OFF, c, C_OFF, acc);
        // operands in [-1, 1]: float32 sums of k products stay within ~k ulps of 1
        double tol = 1e-5 * (k + 1);
        String what = gemm.name() + " m=" + m + " n=" + n + " k=" + k + " transA=" + ta + " transB=" + tb
                + " accumulate=" + acc;
        for (int i = 0; i < c.length; i++) {
            boolean inside = i >= C_OFF && i < C_OFF + m * n;
            if (!inside) {
                assertEquals(want[i], c[i], 0f, what + ": wrote outside C at " + i);
            } else if (!(Math.abs(want[i] - c[i]) <= tol)) {
                int e = i - C_OFF;
                fail(what + ": C[" + e / n + "][" + e % n + "] = " + c[i] + ", reference " + want[i]);
            }
        }
    }

    /** Every small shape x transpose x mode with each operand a block of a wider matrix; returns the cases. */
    static int stridedAgainstReference(Gemm gemm) {
        int cases = 0;
        SplittableRandom rnd = new SplittableRandom(43);
        for (int m : new int[] {1, 7, 13}) {
            for (int n : new int[] {1, 7, 13}) {
                for (int k : new int[] {1, 13, 129}) {
                    for (int t = 0; t < 4; t++) {
                        for (boolean acc : new boolean[] {false, true}) {
                            strided(gemm, (t & 1) != 0, (t & 2) != 0, m, n, k, acc, 1 + cases % 5, rnd);
                            cases++;
                        }
                    }
                }
            }
        }
        return cases;
    }

    /**
     * Like {@link #one}, but A, B and C are blocks of matrices {@code pad} columns wider (leading
     * dimension = columns + pad). The expected values come from the contiguous reference on copies of the
     * blocks, so the reference's own stride handling is under test too; the padding must stay untouched.
     */
    static void strided(Gemm gemm, boolean ta, boolean tb, int m, int n, int k, boolean acc, int pad,
                        SplittableRandom rnd) {
        int aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
        int lda = aCols + pad, ldb = bCols + pad, ldc = n + pad;
        float[] a = random(A_OFF + aRows * lda + GUARD, rnd);
        float[] b = random(B_OFF + bRows * ldb + GUARD, rnd);
        float[] c = random(C_OFF + m * ldc + GUARD, rnd);
        float[] cBlock = block(c, C_OFF, m, n, ldc);
        if (!acc) {
            for (int i = 0; i < m; i++) java.util.Arrays.fill(c, C_OFF + i * ldc, C_OFF + i * ldc + n, Float.NaN);
        }
        float[] want = c.clone();
        ReferenceGemm.INSTANCE.sgemm(ta, tb, m, n, k, block(a, A_OFF, aRows, aCols, lda), 0,
                block(b, B_OFF, bRows, bCols, ldb), 0, cBlock, 0, acc);
        for (int i = 0; i < m; i++) System.arraycopy(cBlock, i * n, want, C_OFF + i * ldc, n);
        gemm.sgemm(ta, tb, m, n, k, a, A_OFF, lda, b, B_OFF, ldb, c, C_OFF, ldc, acc);
        double tol = 1e-5 * (k + 1);
        String what = gemm.name() + " m=" + m + " n=" + n + " k=" + k + " transA=" + ta + " transB=" + tb
                + " accumulate=" + acc + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc;
        for (int i = 0; i < c.length; i++) {
            int e = i - C_OFF;
            boolean inside = e >= 0 && e < m * ldc && e % ldc < n;
            if (!inside) {
                assertEquals(want[i], c[i], 0f, what + ": wrote outside the C block at " + i);
            } else if (!(Math.abs(want[i] - c[i]) <= tol)) {
                fail(what + ": C[" + e / ldc + "][" + e % ldc + "] = " + c[i] + ", reference " + want[i]);
            }
        }
    }

    private static float[] block(float[] x, int off, int rows, int cols, int ld) {
        float[] r = new float[rows * cols];
        for (int i = 0; i < rows; i++) System.arraycopy(x, off + i * ld, r, i * cols, cols);
        return r;
    }

    static float[] random(int size, SplittableRandom rnd) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return x;
    }
}
