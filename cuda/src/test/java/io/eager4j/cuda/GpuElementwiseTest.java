package io.eager4j.cuda;

import static io.eager4j.cuda.GpuCompare.REF;
import static io.eager4j.cuda.GpuCompare.SIZES;
import static io.eager4j.cuda.GpuCompare.tol;

import io.eager4j.DType;
import io.eager4j.internal.Backend.Binary;
import io.eager4j.internal.Backend.Unary;
import io.eager4j.internal.Buffer;
import org.junit.jupiter.api.Test;

/** Elementwise primitives on gpu:0 against the reference at awkward sizes; skips without a GPU. */
class GpuElementwiseTest {
    static final DType[] FLOATS = {DType.FLOAT32, DType.FLOAT64};
    static final double[] SPECIAL = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e-300, -3.5};

    @Test
    void roundTripAndFull() {
        GpuCompare c = new GpuCompare(1);
        for (DType t : GpuCompare.ALL) {
            for (int n : new int[] {0, 1, 7, 13, 129, 1031}) {
                Buffer[] x = c.both(t, n, -100, 100);
                c.same("round trip " + t + " n=" + n, t, x[0], x[1], 0);
                c.same("full " + t + " n=" + n, t, REF.full(t, n, 3.75), c.gpu.full(t, n, 3.75), 0);
            }
        }
    }

    @Test
    void unaryOpsIncludingSpecialValues() {
        GpuCompare c = new GpuCompare(2);
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT32}) {
            for (Unary op : Unary.values()) {
                for (int n : SIZES) {
                    boolean positive = op == Unary.LOG || op == Unary.SQRT;
                    double[] d = c.values(t, n, positive ? 0.01 : -5, 5);
                    if (t.isFloating() && !positive) System.arraycopy(SPECIAL, 0, d, 0, Math.min(n, SPECIAL.length));
                    Buffer[] x = c.both(t, d);
                    c.same(op + " " + t + " n=" + n, t, REF.unary(op, t, x[0]), c.gpu.unary(op, t, x[1]), tol(t));
                }
            }
        }
    }

    @Test
    void binaryOpsWithBroadcasting() {
        GpuCompare c = new GpuCompare(3);
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT32}) {
            for (int n : SIZES) {
                int cols = n == 1 ? 1 : 7, rows = Math.max(1, n / cols);
                int[][][] cases = {
                        {{n}, {n}}, {{rows, cols}, {cols}}, {{rows, 1}, {1, cols}}, {{}, {n}}, {{n}, {}}, {{2, rows, cols}, {rows, 1}}};
                for (int[][] shapes : cases) {
                    int[] out = io.eager4j.internal.Shapes.broadcast(shapes[0], shapes[1]);
                    for (Binary op : Binary.values()) {
                        double lo = op == Binary.POW ? 0.1 : -9, hi = op == Binary.POW ? 3 : 9;
                        Buffer[] a = c.both(t, c.values(t, io.eager4j.internal.Shapes.size(shapes[0]), lo, hi));
                        double[] bv = c.values(t, io.eager4j.internal.Shapes.size(shapes[1]), op == Binary.POW ? -2 : lo, hi);
                        for (int i = 0; i < bv.length; i++) if (bv[i] == 0) bv[i] = 1;   // int division by zero throws on the CPU
                        Buffer[] b = c.both(t, bv);
                        DType rt = op.isComparison() ? DType.BOOL : t;
                        String what = op + " " + t + " " + java.util.Arrays.deepToString(shapes);
                        c.same(what, rt, REF.binary(op, t, a[0], shapes[0], b[0], shapes[1], out),
                                c.gpu.binary(op, t, a[1], shapes[0], b[1], shapes[1], out), tol(t));
                    }
                }
            }
        }
    }

    @Test
    void maximumMinimumAndComparisonsFollowJavaOnNanAndSignedZero() {
        GpuCompare c = new GpuCompare(4);
        int n = SPECIAL.length;
        double[] rotated = new double[n];
        for (int i = 0; i < n; i++) rotated[i] = SPECIAL[(i + 1) % n];
        for (DType t : FLOATS) {
            Buffer[] a = c.both(t, SPECIAL), b = c.both(t, rotated);
            for (Binary op : Binary.values()) {
                if (op == Binary.POW) continue;
                DType rt = op.isComparison() ? DType.BOOL : t;
                c.same(op + " " + t + " specials", rt, REF.binary(op, t, a[0], new int[] {n}, b[0], new int[] {n}, new int[] {n}),
                        c.gpu.binary(op, t, a[1], new int[] {n}, b[1], new int[] {n}, new int[] {n}), tol(t));
            }
        }
    }

    @Test
    void clipWhereAndAdam() {
        GpuCompare c = new GpuCompare(5);
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT32}) {
            for (int n : SIZES) {
                Buffer[] x = c.both(t, n, -3, 3);
                c.same("clip " + t, t, REF.clip(t, x[0], -0.25, 2), c.gpu.clip(t, x[1], -0.25, 2), tol(t));
                int cols = n == 1 ? 1 : 13, rows = Math.max(1, n / cols);
                int[] out = {rows, cols}, cs = {rows, 1}, as = {cols}, bs = {rows, cols};
                Buffer[] cond = c.both(DType.BOOL, rows, 0, 1);
                Buffer[] a = c.both(t, cols, -5, 5), b = c.both(t, rows * cols, -5, 5);
                c.same("where " + t + " n=" + n, t, REF.where(t, cond[0], cs, a[0], as, b[0], bs, out),
                        c.gpu.where(t, cond[1], cs, a[1], as, b[1], bs, out), tol(t));
            }
        }
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT32}) {
            for (int n : SIZES) {
                int cols = n == 1 ? 1 : 13, rows = Math.max(1, n / cols);
                int[] shape = {rows, cols};
                Buffer[] x = c.both(t, rows * cols, -3, 3), bias = c.both(t, cols, -1, 1), g = c.both(t, rows * cols, -2, 2);
                // the one-pass kernels against the reference's definitions: the compositions they replace
                c.same("biasRelu " + t + " n=" + n, t, REF.biasRelu(t, x[0], shape, bias[0]), c.gpu.biasRelu(t, x[1], shape, bias[1]), 0);
                Buffer[] out = {REF.unary(io.eager4j.internal.Backend.Unary.RELU, t, x[0]), c.gpu.unary(io.eager4j.internal.Backend.Unary.RELU, t, x[1])};
                c.same("reluGrad " + t + " n=" + n, t, REF.reluGrad(t, g[0], out[0]), c.gpu.reluGrad(t, g[1], out[1]), 0);
            }
        }
        for (DType t : FLOATS) {
            for (int n : SIZES) {
                Buffer[] w = c.both(t, n, -1, 1), m = c.both(t, n, -1, 1), v = c.both(t, n, 0, 1), g = c.both(t, n, -1, 1);
                Buffer[] r = REF.adam(t, w[0], m[0], v[0], g[0], 1e-3, 0.9, 0.999, 1e-8);
                Buffer[] q = c.gpu.adam(t, w[1], m[1], v[1], g[1], 1e-3, 0.9, 0.999, 1e-8);
                for (int k = 0; k < 3; k++) c.same("adam " + t + " output " + k, t, r[k], q[k], tol(t));
            }
        }
    }

    @Test
    void castsBetweenEveryPairOfTypes() {
        GpuCompare c = new GpuCompare(6);
        for (DType from : GpuCompare.ALL) {
            for (DType to : GpuCompare.ALL) {
                double[] d = c.values(from, 129, -1e10, 1e10);
                if (from.isFloating()) System.arraycopy(new double[] {Double.NaN, 0.5, -0.5, 3e9, -3e9, 0, -0.0}, 0, d, 0, 7);
                Buffer[] x = c.both(from, d);
                c.same("cast " + from + " -> " + to, to, REF.cast(from, x[0], to), c.gpu.cast(from, x[1], to), 0);
            }
        }
    }

    @Test
    void randomStreamsAreTheSameOnBothDevices() {
        GpuCompare c = new GpuCompare(7);
        long[] seeds = {0, 42, -7, 0x1234_5678_9ABC_DEF0L};
        long[] offsets = {0, 5, (1L << 32) + 3};
        for (DType t : FLOATS) {
            for (long seed : seeds) {
                for (long offset : offsets) {
                    for (int n : SIZES) {
                        String what = t + " seed " + seed + " offset " + offset + " n=" + n;
                        c.same("uniform " + what, t, REF.random(t, n, false, seed, offset, -2, 3), c.gpu.random(t, n, false, seed, offset, -2, 3), 0);
                        c.same("normal " + what, t, REF.random(t, n, true, seed, offset, 1, 2), c.gpu.random(t, n, true, seed, offset, 1, 2), tol(t));
                    }
                }
            }
        }
    }
}
