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

    static float[] random(int size, SplittableRandom rnd) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return x;
    }
}
