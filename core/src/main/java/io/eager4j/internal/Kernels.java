package io.eager4j.internal;

import io.eager4j.internal.Backend.Binary;
import io.eager4j.internal.FastCpuBackend.Layout;

/** Float32 loops of the CPU backend, written so C2 can vectorize the common layouts. */
final class Kernels {
    private Kernels() {}

    static void exp(float[] a, float[] r) {
        for (int i = 0; i < a.length; i++) r[i] = (float) Math.exp(a[i]);
    }

    static void binary(Binary op, float[] x, Layout lx, float[] y, Layout ly, float[] r, int cols) {
        if (lx == Layout.FULL && ly == Layout.FULL) {
            same(op, x, y, r);
        } else if (lx == Layout.FULL && ly == Layout.SCALAR) {
            scalarRight(op, x, y[0], r);
        } else if (lx == Layout.FULL && ly == Layout.ROW) {
            for (int base = 0; base < r.length; base += cols) rowRight(op, x, base, y, r, cols);
        } else {
            for (int i = 0; i < r.length; i++) r[i] = apply(op, x[lx.index(i, cols)], y[ly.index(i, cols)]);
        }
    }

    private static void same(Binary op, float[] x, float[] y, float[] r) {
        switch (op) {
            case ADD -> { for (int i = 0; i < r.length; i++) r[i] = x[i] + y[i]; }
            case SUB -> { for (int i = 0; i < r.length; i++) r[i] = x[i] - y[i]; }
            case MUL -> { for (int i = 0; i < r.length; i++) r[i] = x[i] * y[i]; }
            case DIV -> { for (int i = 0; i < r.length; i++) r[i] = x[i] / y[i]; }
            default -> { for (int i = 0; i < r.length; i++) r[i] = apply(op, x[i], y[i]); }
        }
    }

    private static void scalarRight(Binary op, float[] x, float c, float[] r) {
        switch (op) {
            case ADD -> { for (int i = 0; i < r.length; i++) r[i] = x[i] + c; }
            case SUB -> { for (int i = 0; i < r.length; i++) r[i] = x[i] - c; }
            case MUL -> { for (int i = 0; i < r.length; i++) r[i] = x[i] * c; }
            case DIV -> { for (int i = 0; i < r.length; i++) r[i] = x[i] / c; }
            default -> { for (int i = 0; i < r.length; i++) r[i] = apply(op, x[i], c); }
        }
    }

    private static void rowRight(Binary op, float[] x, int base, float[] y, float[] r, int cols) {
        switch (op) {
            case ADD -> { for (int j = 0; j < cols; j++) r[base + j] = x[base + j] + y[j]; }
            case MUL -> { for (int j = 0; j < cols; j++) r[base + j] = x[base + j] * y[j]; }
            default -> { for (int j = 0; j < cols; j++) r[base + j] = apply(op, x[base + j], y[j]); }
        }
    }

    /** Same rounding as the reference: computed in double, stored as float. */
    static float apply(Binary op, float u, float v) {
        return switch (op) {
            case ADD -> u + v;
            case SUB -> u - v;
            case MUL -> u * v;
            case DIV -> u / v;
            case POW -> (float) Math.pow(u, v);
            case MAXIMUM -> Math.max(u, v);
            case MINIMUM -> Math.min(u, v);
            default -> throw new IllegalArgumentException(op + " is a comparison");
        };
    }

    static void compare(Binary op, float[] x, Layout lx, float[] y, Layout ly, byte[] r, int cols) {
        if (lx == Layout.FULL && ly == Layout.SCALAR) {   // relu's mask, dropout's keep test
            float c = y[0];
            switch (op) {
                case LESS -> { for (int i = 0; i < r.length; i++) r[i] = (byte) (x[i] < c ? 1 : 0); return; }
                case GREATER -> { for (int i = 0; i < r.length; i++) r[i] = (byte) (x[i] > c ? 1 : 0); return; }
                default -> { }
            }
        }
        for (int i = 0; i < r.length; i++) {
            float u = x[lx.index(i, cols)], v = y[ly.index(i, cols)];
            boolean t = switch (op) {
                case EQUAL -> u == v;
                case NOT_EQUAL -> u != v;
                case LESS -> u < v;
                case LESS_EQUAL -> u <= v;
                case GREATER -> u > v;
                case GREATER_EQUAL -> u >= v;
                default -> throw new IllegalArgumentException(op + " is not a comparison");
            };
            r[i] = (byte) (t ? 1 : 0);
        }
    }

    /** Reduces [outer, mid, inner] over mid; sums accumulate in double like the reference. */
    static void reduce(boolean sum, float[] a, float[] r, int outer, int mid, int inner) {
        if (inner == 1) {
            for (int o = 0; o < outer; o++) {
                int base = o * mid;
                if (sum) {
                    double s = 0;
                    for (int k = 0; k < mid; k++) s += a[base + k];
                    r[o] = (float) s;
                } else {
                    float m = Float.NEGATIVE_INFINITY;
                    for (int k = 0; k < mid; k++) m = a[base + k] > m || Float.isNaN(a[base + k]) ? a[base + k] : m;
                    r[o] = m;
                }
            }
            return;
        }
        double[] acc = new double[inner];
        for (int o = 0; o < outer; o++) {
            java.util.Arrays.fill(acc, sum ? 0 : Double.NEGATIVE_INFINITY);
            for (int k = 0; k < mid; k++) {
                int base = (o * mid + k) * inner;
                if (sum) {
                    for (int i = 0; i < inner; i++) acc[i] += a[base + i];
                } else {
                    for (int i = 0; i < inner; i++) acc[i] = a[base + i] > acc[i] || Float.isNaN(a[base + i]) ? a[base + i] : acc[i];
                }
            }
            for (int i = 0; i < inner; i++) r[o * inner + i] = (float) acc[i];
        }
    }

    /** Uniform floats, element i = word i % 4 of Philox block offset + i / 4: the reference stream. */
    static void uniform(float[] r, long seed, long offset, double lo, double hi) {
        int[] w = new int[4];
        int k0 = (int) seed, k1 = (int) (seed >>> 32);
        for (int base = 0; base < r.length; base += 4) {
            long ctr = offset + base / 4;
            Philox.block((int) ctr, (int) (ctr >>> 32), 0, 0, k0, k1, w);
            int lanes = Math.min(4, r.length - base);
            for (int j = 0; j < lanes; j++) r[base + j] = (float) (lo + (hi - lo) * Philox.unit(w[j]));
        }
    }
}
