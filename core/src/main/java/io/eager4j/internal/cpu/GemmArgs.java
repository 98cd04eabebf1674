package io.eager4j.internal.cpu;

import java.util.Arrays;

/** Argument checks shared by every {@link Gemm}: a native GEMM must never run past an array's end. */
final class GemmArgs {
    private GemmArgs() {}

    /** Returns false when there is nothing to multiply (m, n or k is 0); C is then already final. */
    static boolean check(int m, int n, int k, float[] a, int aOff, float[] b, int bOff,
                         float[] c, int cOff, boolean accumulate) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("sgemm: negative size m=" + m + ", n=" + n + ", k=" + k);
        }
        fits("A", a, aOff, (long) m * k, m + "x" + k);
        fits("B", b, bOff, (long) k * n, k + "x" + n);
        fits("C", c, cOff, (long) m * n, m + "x" + n);
        if (m == 0 || n == 0) {
            return false;
        }
        if (k == 0) {
            if (!accumulate) {
                Arrays.fill(c, cOff, cOff + m * n, 0f); // an empty sum is zero
            }
            return false;
        }
        return true;
    }

    private static void fits(String what, float[] x, int off, long need, String shape) {
        if (x == null) {
            throw new IllegalArgumentException("sgemm: " + what + " is null");
        }
        if (off < 0 || off + need > x.length) {
            throw new IllegalArgumentException("sgemm: " + what + " [" + shape + "] needs " + need
                    + " floats from offset " + off + " but its array has " + x.length);
        }
    }
}
