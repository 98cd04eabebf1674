package io.eager4j.internal;

import java.util.Arrays;

/** Shape arithmetic shared by the tensor front end and the backends. */
public final class Shapes {
    private Shapes() {}

    public static int size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape " + format(shape) + " has more than 2^31-1 elements");
        }
        return (int) n;
    }

    public static String format(int[] shape) {
        return Arrays.toString(shape);
    }

    public static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /** NumPy broadcasting of two shapes, or null when they are incompatible. */
    public static int[] broadcast(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                return null;
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Strides of {@code shape} read as if broadcast to {@code out}: 0 along broadcast axes. */
    public static int[] broadcastStrides(int[] shape, int[] out) {
        int[] own = strides(shape);
        int[] s = new int[out.length];
        int lead = out.length - shape.length;
        for (int i = lead; i < out.length; i++) {
            s[i] = shape[i - lead] == 1 ? 0 : own[i - lead];
        }
        return s;
    }

    /** Linear index into a buffer with {@code strides} for the element at linear index {@code j} of {@code out}. */
    public static int offset(int j, int[] out, int[] strides) {
        int off = 0;
        for (int d = out.length - 1; d >= 0 && j > 0; d--) {
            int dim = out[d];
            off += (j % dim) * strides[d];
            j /= dim;
        }
        return off;
    }
}
