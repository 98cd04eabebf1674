package io.eager4j.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eager4j.DType;
import io.eager4j.internal.Backend.Binary;
import io.eager4j.internal.Backend.Unary;
import io.eager4j.internal.cpu.Gemms;
import io.eager4j.internal.cpu.Workers;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fast backend's float32 kernels against the reference backend at awkward sizes, with NaN, ±0,
 * ±inf, huge and tiny values among the inputs. Results must be bit-identical.
 */
class FastKernelsTest {
    static final DType F32 = DType.FLOAT32;
    static final Backend REF = new ReferenceBackend(), FAST = new FastCpuBackend(Gemms.get());
    static final int[] SIZES = {1, 7, 13, 129, 1031, 4099};
    static final float[] SPECIAL = {Float.NaN, 0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 1e-30f, -1e-30f,
            88.72f, 89f, -87.3f, -103f, -104f, 1f, -1f, 0.5f};

    /** Random values over many magnitudes, every third one special; the specials land in vector lanes and tails. */
    static float[] values(int n, long seed) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = i % 3 == 1 ? SPECIAL[(int) ((i / 3 + seed) % SPECIAL.length)]
                    : (float) ((r.nextBoolean() ? 1 : -1) * Math.exp(r.nextDouble() * 12 - 6));
        }
        return a;
    }

    static CpuBuffer buf(float[] a) {
        return new CpuBuffer(a.clone());
    }

    @Test
    void unaryOpsMatchTheReference() {
        for (int n : SIZES) {
            float[] a = values(n, n);
            for (Unary op : Unary.values()) {
                float[] e = floats(REF.unary(op, F32, buf(a))), r = floats(FAST.unary(op, F32, buf(a)));
                for (int i = 0; i < n; i++) near(op.label + " of " + a[i] + " at " + i + "/" + n, e[i], r[i], 0);
            }
        }
    }

    @Test
    void arithmeticInEveryLayoutMatchesTheReference() {
        for (int cols : new int[] {1, 3, 10, 16, 17, 150}) {
            for (int rows : new int[] {1, 7, 13}) {
                int[] full = {rows, cols}, row = {cols}, col = {rows, 1}, one = {1};
                float[] a = values(rows * cols, cols + 7L * rows), b = values(rows * cols, cols * 3L + rows);
                float[] rw = values(cols, rows), cl = values(rows, cols + 1L), sc = {SPECIAL[(rows + cols) % SPECIAL.length]};
                for (Binary op : Binary.values()) {
                    if (op.isComparison()) continue;
                    String at = op.label + " at [" + rows + ", " + cols + "] ";
                    binary(at + "full", op, a, full, b, full, full);
                    binary(at + "scalar", op, a, full, sc, one, full);
                    binary(at + "scalar left", op, sc, one, a, full, full);
                    binary(at + "row", op, a, full, rw, row, full);
                    binary(at + "row left", op, rw, row, a, full, full);
                    binary(at + "column", op, a, full, cl, col, full);
                }
            }
        }
    }

    @Test
    void comparisonsMatchTheReferenceIncludingNaNAndSignedZero() {
        for (int n : SIZES) {
            int[] s = {n}, one = {};
            float[] a = values(n, 3 * n), b = values(n, 3 * n + 1);
            for (int i = 0; i < n; i += 5) b[i] = a[i];   // equal pairs, NaN with NaN among them
            for (Binary op : Binary.values()) {
                if (!op.isComparison()) continue;
                for (float c : new float[] {0f, -0f, 0.5f, Float.NaN, Float.NEGATIVE_INFINITY}) {
                    binary(op.label + " vs " + c + " at " + n, op, a, s, new float[] {c}, one, s);
                    binary(op.label + " vs " + c + " (left) at " + n, op, new float[] {c}, one, a, s, s);
                }
                binary(op.label + " full at " + n, op, a, s, b, s, s);
            }
        }
    }

    @Test
    void boolToFloatAndBroadcastsMatchTheReference() {
        for (int n : SIZES) {
            byte[] m = new byte[n];
            for (int i = 0; i < n; i++) m[i] = (byte) (i % 3 == 0 || i % 7 == 0 ? 1 : 0);
            same("cast at " + n, REF.cast(DType.BOOL, new CpuBuffer(m), F32), FAST.cast(DType.BOOL, new CpuBuffer(m), F32));
        }
        for (int[] out : new int[][] {{7, 13}, {1, 1}, {129, 3}, {2, 3, 5}}) {
            int rows = out.length == 3 ? out[0] * out[1] : out[0], cols = out[out.length - 1];
            int[] row = {cols}, col = out.length == 3 ? new int[] {out[0], out[1], 1} : new int[] {rows, 1}, one = {1};
            float[] rw = values(cols, 1), cl = values(rows, 2), sc = {7f};
            same("broadcast row", REF.broadcastTo(F32, buf(rw), row, out), FAST.broadcastTo(F32, buf(rw), row, out));
            same("broadcast column", REF.broadcastTo(F32, buf(cl), col, out), FAST.broadcastTo(F32, buf(cl), col, out));
            same("broadcast scalar", REF.broadcastTo(F32, buf(sc), one, out), FAST.broadcastTo(F32, buf(sc), one, out));
        }
        same("broadcast rank 0", REF.broadcastTo(F32, buf(new float[] {3}), new int[0], new int[0]),
                FAST.broadcastTo(F32, buf(new float[] {3}), new int[0], new int[0]));
    }

    @Test
    void adamMatchesTheReferenceAndOnlyItsMomentsChangeInPlace() {
        // vectors, a scalar tail, and from 65,536 (FastCpuBackend.SPLIT_ADAM) ranges on every thread of
        // 2 and 3: the seed's W0 size, odd, and ranges of uneven length; from 2^20 through VectorAdam
        Backend two = new FastCpuBackend(Gemms.get(), new Workers(2, "test-adam2"));
        Backend three = new FastCpuBackend(Gemms.get(), new Workers(3, "test-adam3"));
        for (Backend fast : new Backend[] {FAST, two, three}) {
            for (int n : new int[] {1, 7, 13, 129, 1031, 4099, 65536, 117607, (1 << 20) + 13}) {
                Random r = new Random(n);
                float[] w = new float[n], m = new float[n], v = new float[n], g = new float[n];
                for (int i = 0; i < n; i++) {
                    w[i] = r.nextFloat() * 2 - 1;
                    m[i] = (r.nextFloat() - 0.5f) * 1e-2f;
                    v[i] = r.nextFloat() * 1e-4f;
                    g[i] = (float) ((r.nextFloat() - 0.5) * Math.exp(r.nextGaussian() * 3));
                }
                Buffer[] e = REF.adam(F32, buf(w), buf(m), buf(v), buf(g), 3e-3, 0.9, 0.999, 1e-8);
                CpuBuffer wb = buf(w), mb = buf(m), vb = buf(v), gb = buf(g);
                Buffer[] a = fast.adam(F32, wb, mb, vb, gb, 3e-3, 0.9, 0.999, 1e-8);
                assertArrayEquals(w, wb.floats(), 0f, "the variable is never modified");
                assertArrayEquals(g, gb.floats(), 0f);
                assertNotSame(wb, a[0]);
                assertSame(mb, a[1], "distinct moments are updated in place");
                assertSame(vb, a[2]);
                float[][] want = scalarAdam(w, m, v, g, 3e-3, 0.9, 0.999, 1e-8);
                for (int k = 0; k < 3; k++) assertArrayEquals(want[k], floats(a[k]), 0f, "output " + k + ": the scalar float32 formula at " + n + " on " + fast);
                near("adam", w, m, v, g, e, a);
                CpuBuffer over = buf(w);
                Buffer[] inPlace = fast.adamInPlace(F32, over, buf(m), buf(v), buf(g), 3e-3, 0.9, 0.999, 1e-8);
                assertSame(over, inPlace[0], "adamInPlace writes over the variable");
                assertArrayEquals(want[0], over.floats(), 0f, "in place, the same values at " + n);
                // the first step passes one zero buffer as both moments: it must come back untouched
                CpuBuffer zeros = new CpuBuffer(new float[n]);
                Buffer[] first = fast.adam(F32, buf(w), zeros, zeros, buf(g), 3e-3, 0.9, 0.999, 1e-8);
                assertArrayEquals(new float[n], zeros.floats(), 0f);
                Buffer[] firstRef = REF.adam(F32, buf(w), buf(new float[n]), buf(new float[n]), buf(g), 3e-3, 0.9, 0.999, 1e-8);
                near("first adam step", w, new float[n], new float[n], g, firstRef, first);
            }
        }
    }

    @Test
    void adamStoresSubnormalMomentsAsZerosOfTheirSign() {
        float tiny = 4 * Float.MIN_VALUE;
        assertEquals(tiny, 0.9f * tiny, "why: a decaying first moment sticks in the subnormal range");
        int n = 53;   // three vectors and a tail at 16 lanes
        float[] w = new float[n], m = new float[n], v = new float[n], g = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (i % 2 == 0 ? 1 : -1) * (0.05f + i * 1e-3f);
            m[i] = switch (i % 4) {
                case 0 -> i % 8 == 0 ? tiny : -tiny;          // stuck: flushed
                case 1 -> -Float.MIN_NORMAL * 1.05f;          // decays below the smallest normal: flushed
                case 2 -> Float.MIN_NORMAL * 1.2f;            // stays normal (0.9 * 1.2 > 1)
                default -> 1e-3f * i;
            };
            v[i] = i % 3 == 0 ? Float.MIN_VALUE * 7 : 1e-6f * i;
            g[i] = i % 4 == 3 ? 1e-4f : 0;
        }
        float[] w2 = new float[n], m2 = m.clone(), v2 = v.clone();
        Kernels.adam(w, m, v, g, w2, m2, v2, 1e-3, 0.9, 0.999, 1e-8);
        for (int i = 0; i < n; i++) {
            float mi = 0.9f * m[i] + 0.1f * g[i], vi = 0.999f * v[i] + 0.001f * g[i] * g[i];
            float m0 = Math.copySign(0f, m[i]), v0 = 0f;
            assertEquals(Float.floatToRawIntBits(i % 4 < 2 ? m0 : mi), Float.floatToRawIntBits(m2[i]), "first moment " + i + ", " + mi);
            assertEquals(Float.floatToRawIntBits(vi < Float.MIN_NORMAL ? v0 : vi), Float.floatToRawIntBits(v2[i]), "second moment " + i);
            assertEquals(w[i] - 1e-3f * mi / ((float) Math.sqrt(vi) + 1e-8f), w2[i], 0f, "the variable " + i + ", from the unflushed moments");
        }
        float[][] want = scalarAdam(w, m, v, g, 1e-3, 0.9, 0.999, 1e-8), scalar = {w2, m2, v2};
        float[][] ranges = {new float[n], m.clone(), v.clone()};   // in place, in two ranges that split a vector
        Kernels.adamInPlace(w, ranges[1], ranges[2], g, ranges[0], 0, 21, 1e-3, 0.9, 0.999, 1e-8);
        Kernels.adamInPlace(w, ranges[1], ranges[2], g, ranges[0], 21, n, 1e-3, 0.9, 0.999, 1e-8);
        Buffer[] fast = FAST.adam(F32, buf(w), buf(m), buf(v), buf(g), 1e-3, 0.9, 0.999, 1e-8);
        float[][] vector = {new float[n], m.clone(), v.clone()};   // the Vector API's pass, then the plain loop's tail
        int cut = n - n % io.eager4j.internal.cpu.VectorAdam.VL;
        io.eager4j.internal.cpu.VectorAdam.adamInPlace(w, vector[1], vector[2], g, vector[0], 0, cut, 1e-3, 0.9, 0.999, 1e-8);
        Kernels.adamInPlace(w, vector[1], vector[2], g, vector[0], cut, n, 1e-3, 0.9, 0.999, 1e-8);
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < n; i++) {
                int bits = Float.floatToRawIntBits(want[k][i]);
                assertEquals(bits, Float.floatToRawIntBits(scalar[k][i]), "scalar loop, output " + k + " at " + i);
                assertEquals(bits, Float.floatToRawIntBits(ranges[k][i]), "in place over ranges, output " + k + " at " + i);
                assertEquals(bits, Float.floatToRawIntBits(vector[k][i]), "VectorAdam, output " + k + " at " + i);
                assertEquals(bits, Float.floatToRawIntBits(floats(fast[k])[i]), "the fast backend, output " + k + " at " + i);
            }
        }
    }

    /**
     * Float32 against float64 within 4 ulps of each sum's largest term: w - update cancels when
     * they are close, so the result alone is no measure of the rounding.
     */
    static void near(String what, float[] w, float[] m, float[] v, float[] g, Buffer[] expected, Buffer[] actual) {
        for (int k = 0; k < 3; k++) {
            float[] x = floats(expected[k]), y = floats(actual[k]);
            for (int i = 0; i < x.length; i++) {
                double scale = switch (k) {
                    case 0 -> Math.abs(w[i]) + Math.abs(x[i] - w[i]);
                    case 1 -> Math.abs(m[i]) + 0.1 * Math.abs(g[i]);
                    default -> Math.abs(v[i]) + 0.001 * g[i] * g[i];
                };
                assertEquals(x[i], y[i], 4 * Math.ulp((float) scale), what + " output " + k + " at " + i + "/" + x.length);
            }
        }
    }

    /** The fused update in float32, one element at a time. */
    static float[][] scalarAdam(float[] w, float[] m, float[] v, float[] g, double lrT, double b1, double b2, double eps) {
        float[][] r = new float[3][w.length];
        for (int i = 0; i < w.length; i++) {
            float mi = (float) b1 * m[i] + (float) (1 - b1) * g[i];
            float vi = (float) b2 * v[i] + (float) (1 - b2) * g[i] * g[i];
            r[0][i] = w[i] - (float) lrT * mi / ((float) Math.sqrt(vi) + (float) eps);
            r[1][i] = Math.abs(mi) < Float.MIN_NORMAL ? Math.copySign(0f, mi) : mi;   // stored with subnormals flushed
            r[2][i] = Math.abs(vi) < Float.MIN_NORMAL ? Math.copySign(0f, vi) : vi;
        }
        return r;
    }

    /** x op y on both backends: floats bit-identical, or the same bools. */
    static void binary(String what, Binary op, float[] x, int[] xShape, float[] y, int[] yShape, int[] out) {
        Buffer e = REF.binary(op, F32, buf(x), xShape, buf(y), yShape, out), a = FAST.binary(op, F32, buf(x), xShape, buf(y), yShape, out);
        if (op.isComparison()) {
            assertArrayEquals(((CpuBuffer) e).bytes(), ((CpuBuffer) a).bytes(), what);
        } else {
            same(what, e, a);
        }
    }

    static float[] floats(Buffer b) {
        return ((CpuBuffer) b).floats();
    }

    static void same(String what, Buffer expected, Buffer actual) {
        float[] e = floats(expected), a = floats(actual);
        assertEquals(e.length, a.length, what);
        for (int i = 0; i < e.length; i++) near(what + " element " + i, e[i], a[i], 0);
    }

    /** Bit-identical (any NaN matches any NaN), or within {@code ulps} ulps of a finite expected value. */
    static void near(String what, float e, float a, int ulps) {
        if (Float.floatToIntBits(e) == Float.floatToIntBits(a)) return;
        boolean ok = ulps > 0 && Float.isFinite(e) && Float.isFinite(a) && Math.abs((double) e - a) <= ulps * (double) Math.ulp(e);
        assertTrue(ok, what + ": reference " + e + ", fast " + a);
    }
}
