package io.eager4j.internal;

import io.eager4j.internal.Backend.Binary;
import io.eager4j.internal.Backend.Unary;
import io.eager4j.internal.FastCpuBackend.Layout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Float32 loops of the CPU backend, written so C2 can vectorize the common layouts. Plain loops on
 * purpose: Vector API kernels for these small per-step ops (exp/log on 128x10, relu, row adds and
 * comparisons on 128x150) were 2-4x faster once C2 had compiled them, but 10-100x slower until it had,
 * and a kernel called once a step reaches C2 only after hundreds of steps: measured per op, they cost
 * ~6 ms a step more over the first 50 steps, and saved ~50 us a step once compiled.
 */
public final class Kernels {   // public for relu(float), which the windows' fused passes in internal.cpu share
    private Kernels() {}

    static void exp(float[] a, float[] r) {
        for (int i = 0; i < a.length; i++) r[i] = (float) Math.exp(a[i]);
    }

    static void log(float[] a, float[] r) {
        for (int i = 0; i < a.length; i++) r[i] = (float) Math.log(a[i]);
    }

    /**
     * Positive values pass; NaN and -0 give +0, as the reference's {@code a > 0 ? a : 0}. Branch-free
     * on the bits: the branchy loop ran at 6 ns/element in training (C2 laid out a branch from an early,
     * skewed profile; then about half the signs flip at random), this one at 0.65. The mask is all ones
     * exactly when 0 < bits <= +inf's bits, i.e. for positive non-NaN values.
     */
    static void relu(float[] a, float[] r) {
        for (int i = 0; i < a.length; i++) r[i] = relu(a[i]);
    }

    /** One value's relu, the same branch-free form (fused passes use it too). */
    public static float relu(float v) {
        int b = Float.floatToRawIntBits(v);
        return Float.intBitsToFloat(b & (-b >> 31) & ((b - 0x7f800001) >> 31));
    }

    /** r = op(a) over whole arrays (r may be a): the CPU's float32 unary ops, here alone. */
    static void unary(Unary op, float[] a, float[] r) {
        switch (op) {
            case NEG -> { for (int i = 0; i < a.length; i++) r[i] = -a[i]; }
            case EXP -> exp(a, r);
            case LOG -> log(a, r);
            case RELU -> relu(a, r);
            case SQRT -> { for (int i = 0; i < a.length; i++) r[i] = (float) Math.sqrt(a[i]); }
            case ABS -> { for (int i = 0; i < a.length; i++) r[i] = Math.abs(a[i]); }
            case SIGN -> { for (int i = 0; i < a.length; i++) r[i] = Math.signum(a[i]); }
            case TANH -> { for (int i = 0; i < a.length; i++) r[i] = (float) Math.tanh(a[i]); }
            case SIGMOID -> { for (int i = 0; i < a.length; i++) r[i] = (float) (1 / (1 + Math.exp(-a[i]))); }
        }
    }

    /** TF clip_by_value over whole arrays (r may be a). */
    static void clip(float[] a, float[] r, float lo, float hi) {
        for (int i = 0; i < a.length; i++) r[i] = Math.min(Math.max(a[i], lo), hi);
    }

    static void binary(Binary op, float[] x, Layout lx, float[] y, Layout ly, float[] r, int cols) {
        if (lx == Layout.FULL && ly == Layout.FULL) {
            same(op, x, y, r);
        } else if (lx == Layout.FULL && ly == Layout.SCALAR) {
            scalarRight(op, x, 0, r.length, y[0], r);
        } else if (lx == Layout.FULL && ly == Layout.ROW) {
            for (int base = 0; base < r.length; base += cols) rowRight(op, x, base, y, r, cols);
        } else if (lx == Layout.FULL && ly == Layout.COLUMN) {   // softmax's x - max, e / sum
            for (int row = 0, base = 0; base < r.length; row++, base += cols) scalarRight(op, x, base, base + cols, y[row], r);
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

    /** r[i] = x[i] op c for i in [from, to). */
    private static void scalarRight(Binary op, float[] x, int from, int to, float c, float[] r) {
        switch (op) {
            case ADD -> { for (int i = from; i < to; i++) r[i] = x[i] + c; }
            case SUB -> { for (int i = from; i < to; i++) r[i] = x[i] - c; }
            case MUL -> { for (int i = from; i < to; i++) r[i] = x[i] * c; }
            case DIV -> { for (int i = from; i < to; i++) r[i] = x[i] / c; }
            default -> { for (int i = from; i < to; i++) r[i] = apply(op, x[i], c); }
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
        if (lx == Layout.FULL && ly == Layout.SCALAR) {   // dropout's keep test and the like
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

    /**
     * One Adam step into w2, m2 and v2, new arrays or m and v themselves: the moments are copied
     * over, then updated there by {@link #adamInPlace}.
     */
    static void adam(float[] w, float[] m, float[] v, float[] g, float[] w2, float[] m2, float[] v2,
            double lrT, double beta1, double beta2, double epsilon) {
        if (m2 != m) System.arraycopy(m, 0, m2, 0, m.length);
        if (v2 != v) System.arraycopy(v, 0, v2, 0, v.length);
        adamInPlace(w, m2, v2, g, w2, 0, w.length, lrT, beta1, beta2, epsilon);
    }

    /**
     * One Adam step of elements [from, to): the moments m and v updated in place, the variable into w2
     * (which may be w). C2 vectorizes this loop (0.37 ns/element in cache, ~0.8 after the step's GEMMs),
     * over any range; with two more arrays to store through (separate outputs for the moments) it ran a
     * range scalar, 2.6x slower, and vectorized only a loop over whole arrays.
     * <p>
     * The moments are stored with subnormals flushed to (signed) zero, as TF's CPU kernels, which run with
     * flush-to-zero, store them: a first moment that decays into the subnormal range sticks there (0.9
     * times 4 ulps rounds back to 4 ulps), and every later step pays a microcode assist for each vector
     * that holds one. By step 3000 the seed had 4% of its first moments stuck, and its update ran 1.9
     * ns/element. The variable is computed from the unflushed moments, so this step's is the same.
     */
    static void adamInPlace(float[] w, float[] m, float[] v, float[] g, float[] w2, int from, int to,
            double lrT, double beta1, double beta2, double epsilon) {
        float b1 = (float) beta1, b2 = (float) beta2, c1 = (float) (1 - beta1), c2 = (float) (1 - beta2);
        float lr = (float) lrT, eps = (float) epsilon;
        for (int i = from; i < to; i++) {
            float gi = g[i];
            float mi = b1 * m[i] + c1 * gi;
            float vi = b2 * v[i] + c2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            w2[i] = w[i] - lr * mi / ((float) Math.sqrt(vi) + eps);
        }
        flushSubnormals(m, from, to);
        flushSubnormals(v, from, to);
    }

    /**
     * Each subnormal in x replaced by a zero of its sign. On the bits, so that no float operation reads a
     * subnormal, and through a segment, so that C2 vectorizes it (a float comparison in the loop above
     * kept it scalar: 2.6x slower); ~0.07 ns/element.
     */
    static void flushSubnormals(float[] x, int from, int to) {
        MemorySegment s = MemorySegment.ofArray(x);
        for (int i = from; i < to; i++) {
            int b = s.getAtIndex(ValueLayout.JAVA_INT, i);
            int subnormal = ((b & 0x7f800000) - 1) >> 31;   // all ones when the exponent is zero
            s.setAtIndex(ValueLayout.JAVA_INT, i, b & ~(subnormal & 0x7fffffff));
        }
    }
}
