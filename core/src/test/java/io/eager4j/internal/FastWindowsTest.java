package io.eager4j.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eager4j.DType;
import io.eager4j.internal.cpu.Gemms;
import io.eager4j.internal.cpu.Workers;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fast backend's im2col convolutions (tiled over two workers) and pooling against the
 * reference at awkward geometries: batch 1, odd sizes, stride 2 with SAME, 1x1 and 5x5 filters,
 * windows larger than the stride, and a batch big enough for several tiles.
 */
class FastWindowsTest {
    static final DType F32 = DType.FLOAT32;
    static final Backend REF = new ReferenceBackend(), FAST = new FastCpuBackend(Gemms.get(), new Workers(2, "test-gemm"));

    /** {n, h, w, c, kh, kw, sh, sw, same, co} */
    static final int[][] CASES = {
            {1, 5, 7, 2, 3, 3, 1, 1, 1, 3}, {2, 5, 7, 3, 2, 3, 2, 2, 1, 4}, {3, 6, 5, 1, 5, 5, 1, 1, 0, 2},
            {2, 4, 4, 5, 1, 1, 1, 1, 0, 7}, {1, 9, 9, 2, 3, 3, 2, 2, 0, 1}, {37, 14, 14, 8, 5, 5, 1, 1, 1, 16},
            {5, 28, 28, 1, 5, 5, 1, 1, 1, 32}, {3, 28, 28, 32, 2, 2, 2, 2, 1, 1}, {2, 7, 9, 3, 2, 2, 2, 2, 1, 1},
            {2, 7, 9, 3, 2, 2, 3, 3, 0, 1}, {1, 8, 8, 2, 2, 2, 2, 2, 0, 1},
            // short patches with 32 or 64 output channels: straight from the input, no im2col (DirectConv)
            {1, 9, 7, 1, 5, 5, 2, 2, 1, 32}, {3, 6, 5, 3, 3, 3, 1, 1, 0, 64}, {2, 5, 5, 2, 4, 4, 2, 2, 1, 32},
            {1, 1, 1, 1, 1, 1, 1, 1, 1, 32}, {2, 3, 8, 1, 5, 5, 1, 1, 1, 32}, {1, 3, 2, 1, 5, 5, 2, 2, 1, 32},
            // channels a multiple of the vector length: im2col, col2im and max pooling a vector at a time (VectorPatches)
            {2, 7, 5, 32, 3, 3, 2, 2, 1, 3}, {1, 5, 5, 64, 2, 2, 1, 1, 0, 2},
            // 5x5 SAME stride 1 on even sizes, channels a multiple of the vector length: Winograd's F(2x2, 5x5)
            // (9 images: two tiles, blocks in chunks of 98 and one of 49; 9 of 10x12: chunks that start
            // inside a row of blocks, where the transforms cannot share columns with the block before)
            // an odd height stays on im2col
            {3, 6, 10, 32, 5, 5, 1, 1, 1, 64}, {2, 8, 4, 16, 5, 5, 1, 1, 1, 16}, {1, 2, 2, 16, 5, 5, 1, 1, 1, 32},
            {9, 14, 14, 16, 5, 5, 1, 1, 1, 32}, {2, 7, 6, 16, 5, 5, 1, 1, 1, 16}, {9, 10, 12, 16, 5, 5, 1, 1, 1, 16}};

    static float[] values(int n, long seed) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    static final io.eager4j.internal.cpu.FastWindows PROBE = new io.eager4j.internal.cpu.FastWindows(Gemms.get(), new Workers(1, "test-probe"));

    /** im2col's sums round like the reference's; Winograd's F(2x2, 5x5) a few times more (its class comment has the measurements). */
    static double tolerance(Window g, int co) {
        return 2e-6 * Math.sqrt(g.patch() + g.positions()) * (PROBE.throughWinograd(g, co) ? 8 : 1);
    }

    static Window window(int[] c) {
        return Window.of("test", new int[] {c[0], c[1], c[2], c[3]}, c[4], c[5], c[6], c[7], c[8] == 1);
    }

    static void near(String what, Buffer expected, Buffer actual, double tol) {
        float[] e = ((CpuBuffer) expected).floats(), a = ((CpuBuffer) actual).floats();
        assertTrue(e.length == a.length, what + ": sizes " + e.length + " and " + a.length);
        for (int i = 0; i < e.length; i++) {
            assertTrue(Math.abs(e[i] - a[i]) <= tol * (1 + Math.abs(e[i])), what + " element " + i + ": reference " + e[i] + ", fast " + a[i]);
        }
    }

    @Test
    void convolutionsMatchTheReference() {
        for (int[] c : CASES) {
            Window g = window(c);
            int co = c[9];
            String what = "conv " + java.util.Arrays.toString(c);
            CpuBuffer x = new CpuBuffer(values(c[0] * c[1] * c[2] * c[3], 1)), f = new CpuBuffer(values(g.patch() * co, 2));
            CpuBuffer dy = new CpuBuffer(values(g.positions() * co, 3));
            double tol = tolerance(g, co);
            near(what + " forward", REF.conv2d(F32, x, f, g, co), FAST.conv2d(F32, x, f, g, co), tol);
            near(what + " input grad", REF.conv2dInputGrad(F32, dy, f, g, co), FAST.conv2dInputGrad(F32, dy, f, g, co), tol);
            near(what + " filter grad", REF.conv2dFilterGrad(F32, x, dy, g, co), FAST.conv2dFilterGrad(F32, x, dy, g, co), tol);
        }
    }

    /** The fused layer op against the reference's composition; the gradients from the same output y, so the masks agree. */
    @Test
    void convBiasReluMatchesTheComposition() {
        for (int[] c : CASES) {
            Window g = window(c);
            int co = c[9];
            String what = "conv+bias+relu " + java.util.Arrays.toString(c);
            CpuBuffer x = new CpuBuffer(values(c[0] * c[1] * c[2] * c[3], 1)), f = new CpuBuffer(values(g.patch() * co, 2));
            CpuBuffer b = new CpuBuffer(values(co, 6)), dy = new CpuBuffer(values(g.positions() * co, 3));
            double tol = tolerance(g, co);
            Buffer y = FAST.conv2dBiasRelu(F32, x, f, b, g, co);
            near(what + " forward", REF.conv2dBiasRelu(F32, x, f, b, g, co), y, tol);
            Buffer[] e = REF.conv2dBiasReluGrad(F32, x, dy, y, g, co, true), a = FAST.conv2dBiasReluGrad(F32, x, dy, y, g, co, true);
            near(what + " filter grad", e[0], a[0], tol);
            near(what + " bias grad", e[1], a[1], tol);
            near(what + " dz", e[2], a[2], 0);
            Buffer[] noDz = FAST.conv2dBiasReluGrad(F32, x, dy, y, g, co, false);
            near(what + " filter grad without dz", a[0], noDz[0], 0);
        }
    }

    /**
     * Convolution, bias, ReLU and a max pool as one op (the convolution's output never written) against
     * the fast composition, exactly, and the reference's, both ways; pools of 2x2 SAME and 3x3 VALID stride 3.
     */
    @Test
    void pooledConvolutionMatchesTheComposition() {
        for (int[] c : CASES) for (int[] q : new int[][] {{2, 2, 1}, {3, 3, 0}}) {
            Window g = window(c);
            int co = c[9];
            if (g.oh() < q[0] && q[2] == 0 || g.ow() < q[0] && q[2] == 0) continue;
            Window pool = Window.of("test", g.outputShape(co), q[0], q[1], q[0], q[1], q[2] == 1);
            String what = "conv+bias+relu+maxpool " + java.util.Arrays.toString(c) + " pool " + java.util.Arrays.toString(q);
            CpuBuffer x = new CpuBuffer(values(c[0] * c[1] * c[2] * c[3], 1)), f = new CpuBuffer(values(g.patch() * co, 2));
            CpuBuffer b = new CpuBuffer(values(co, 6)), dp = new CpuBuffer(values(pool.positions() * co, 3));
            double tol = tolerance(g, co);
            Buffer[] a = FAST.conv2dBiasReluMaxPool(F32, x, f, b, g, pool, co);
            Buffer[] composed = FAST.maxPool2d(F32, FAST.conv2dBiasRelu(F32, x, f, b, g, co), pool);
            near(what + " forward, fast composition", composed[0], a[0], 0);
            assertArrayEquals(((CpuBuffer) composed[1]).ints(), ((CpuBuffer) a[1]).ints(), what + " argmax");
            near(what + " forward, reference", REF.conv2dBiasReluMaxPool(F32, x, f, b, g, pool, co)[0], a[0], tol);
            boolean wantDx = !PROBE.direct(g, co);
            Buffer[] e = REF.conv2dBiasReluMaxPoolGrad(F32, x, f, dp, a[0], a[1], g, pool, co, true);
            Buffer[] d = FAST.conv2dBiasReluMaxPoolGrad(F32, x, f, dp, a[0], a[1], g, pool, co, wantDx);
            near(what + " filter grad", e[0], d[0], tol);
            near(what + " bias grad", e[1], d[1], tol);
            if (wantDx) near(what + " input grad", e[2], d[2], tol);
            near(what + " filter grad without dx", d[0], FAST.conv2dBiasReluMaxPoolGrad(F32, x, f, dp, a[0], a[1], g, pool, co, false)[0], 0);
        }
    }

    @Test
    void shortPatchesTakeTheDirectPath() {
        var windows = new io.eager4j.internal.cpu.FastWindows(Gemms.get(), new Workers(2, "test-direct"));
        int direct = 0;
        for (int[] c : CASES) if (windows.direct(window(c), c[9])) direct++;
        assertTrue(direct >= 5, "the Vector API is on the tests' module path, so the short-patch cases must run direct: " + direct);
        assertTrue(!windows.direct(window(CASES[5]), 16), "a 5x5x8 patch (200 columns) goes through im2col and the GEMM");
    }

    @Test
    void fiveByFiveSameConvolutionsGoThroughWinograd() {
        int winograd = 0;
        for (int[] c : CASES) if (PROBE.throughWinograd(window(c), c[9])) winograd++;
        assertTrue(winograd >= 4, "the Vector API is on the tests' module path: the four 5x5 SAME cases of even size take it: " + winograd);
        assertTrue(!PROBE.throughWinograd(window(new int[] {2, 7, 6, 16, 5, 5, 1, 1, 1, 16}), 16), "an odd height stays on im2col");
        assertTrue(!PROBE.throughWinograd(window(new int[] {2, 8, 8, 16, 5, 5, 1, 1, 0, 16}), 16), "VALID stays on im2col");
        assertTrue(!PROBE.throughWinograd(window(new int[] {2, 8, 8, 16, 5, 5, 1, 1, 1, 16}), 3), "3 output channels stay on im2col");
        System.setProperty("eager4j.conv.winograd", "false");
        try {
            var off = new io.eager4j.internal.cpu.FastWindows(Gemms.get(), new Workers(1, "test-off"));
            assertTrue(!off.throughWinograd(window(new int[] {3, 6, 10, 32, 5, 5, 1, 1, 1, 64}), 64), "-Deager4j.conv.winograd=false turns it off");
        } finally {
            System.clearProperty("eager4j.conv.winograd");
        }
    }

    @Test
    void poolingMatchesTheReferenceExactly() {
        for (int[] c : CASES) for (boolean ties : new boolean[] {false, true}) {
            Window g = window(c);
            float[] v = values(c[0] * c[1] * c[2] * c[3], 4);
            if (ties) for (int i = 0; i < v.length; i++) v[i] = Math.round(v[i]);   // equal maxima: the first must win
            CpuBuffer x = new CpuBuffer(v);
            Buffer[] e = REF.maxPool2d(F32, x, g), a = FAST.maxPool2d(F32, x, g);
            near("max pool " + java.util.Arrays.toString(c), e[0], a[0], 0);
            assertArrayEquals(((CpuBuffer) e[1]).ints(), ((CpuBuffer) a[1]).ints(), "argmax " + java.util.Arrays.toString(c));
            CpuBuffer dy = new CpuBuffer(values(g.positions() * g.c(), 5));
            near("max pool grad", REF.scatterAdd(F32, dy, 1, x.size(), 1, e[1]), FAST.scatterAdd(F32, dy, 1, x.size(), 1, a[1]), 0);
            near("max pool grad, one pass " + java.util.Arrays.toString(c), REF.maxPool2dGrad(F32, dy, e[1], g), FAST.maxPool2dGrad(F32, dy, a[1], g), 0);
            near("avg pool", REF.avgPool2d(F32, x, g), FAST.avgPool2d(F32, x, g), 0);
            near("avg pool grad", REF.avgPool2dGrad(F32, dy, g), FAST.avgPool2dGrad(F32, dy, g), 0);
        }
    }
}
