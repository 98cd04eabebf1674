package io.eager4j.internal.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eager4j.internal.Window;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * PaddedConv's pooled forward, which sums 2x4 pixels from a padded copy of the image and pools them
 * in registers, against DirectConv's forward followed by max pooling, bit for bit, argmax
 * included: SAME padding on every side and uneven, VALID with rows and columns left over, strides,
 * several input channels, two groups of output channels; inputs with NaN and negative zeros (the
 * ReLU makes them +0), and a zero filter, where all four pixels of every window tie and the first wins.
 */
class PaddedConvTest {
    private static final int[][] CASES = {   // n, h, w, c, kh, kw, sh, sw, same, co
            {3, 28, 28, 1, 5, 5, 1, 1, 1, 32}, {2, 6, 8, 3, 3, 3, 1, 1, 1, 32}, {1, 11, 11, 2, 4, 4, 2, 2, 0, 64},
            {2, 2, 4, 1, 5, 5, 1, 1, 1, 64}, {1, 8, 12, 2, 2, 3, 2, 3, 1, 32}, {1, 7, 11, 2, 3, 3, 2, 3, 1, 32}};

    @Test
    void poolingInRegistersIsPoolingTheForward() {
        Random r = new Random(3);
        for (int[] c : CASES) {
            Window g = Window.of("test", new int[] {c[0], c[1], c[2], c[3]}, c[4], c[5], c[6], c[7], c[8] == 1);
            int co = c[9];
            Window pool = Window.of("test", g.outputShape(co), 2, 2, 2, 2, true);
            assertTrue(PaddedConv.poolsInRegisters(g, pool), Arrays.toString(c));
            float[] x = new float[c[0] * c[1] * c[2] * c[3]], f = new float[g.patch() * co], bias = new float[co];
            for (int i = 0; i < x.length; i++) x[i] = i % 17 == 5 ? Float.NaN : i % 13 == 0 ? -0f : (float) r.nextGaussian();
            for (int i = 0; i < co; i++) bias[i] = (float) r.nextGaussian() * 0.5f;
            check(x, new float[f.length], bias, g, pool, co, "zero filter " + Arrays.toString(c));
            for (int i = 0; i < f.length; i++) f[i] = (float) r.nextGaussian();
            check(x, f, bias, g, pool, co, Arrays.toString(c));
        }
    }

    @Test
    void onlyWholeTwoByTwoWindowsTwoAbreastPoolInRegisters() {
        Window g = Window.of("test", new int[] {1, 28, 28, 1}, 5, 5, 1, 1, true);
        Window odd = Window.of("test", new int[] {1, 7, 8, 1}, 5, 5, 1, 1, true), narrow = Window.of("test", new int[] {1, 8, 6, 1}, 5, 5, 1, 1, true);
        assertFalse(PaddedConv.poolsInRegisters(g, Window.of("test", g.outputShape(32), 3, 3, 3, 3, false)), "3x3 windows");
        assertFalse(PaddedConv.poolsInRegisters(g, Window.of("test", g.outputShape(32), 2, 2, 1, 1, false)), "overlapping windows");
        assertFalse(PaddedConv.poolsInRegisters(odd, Window.of("test", odd.outputShape(32), 2, 2, 2, 2, true)), "a padded last row");
        assertFalse(PaddedConv.poolsInRegisters(narrow, Window.of("test", narrow.outputShape(32), 2, 2, 2, 2, true)), "3 windows a row");
    }

    /**
     * The padded filter gradient against sums in double over the taps inside the image, with the bias
     * gradient after it, both added to what df held; geometries with and without pooling's constraints,
     * 25 taps (three passes of eight and one alone) and 27, 16 and 6.
     */
    @Test
    void thePaddedFilterGradientIsTheSumOverPixels() {
        Random r = new Random(4);
        int[][] cases = {CASES[0], CASES[1], CASES[2], CASES[5], {2, 9, 7, 1, 5, 5, 2, 2, 1, 32}, {1, 5, 6, 2, 1, 3, 1, 1, 0, 64}};
        for (int[] c : cases) {
            Window g = Window.of("test", new int[] {c[0], c[1], c[2], c[3]}, c[4], c[5], c[6], c[7], c[8] == 1);
            int co = c[9], filter = g.patch() * co, per = g.oh() * g.ow() * co;
            float[] x = new float[c[0] * c[1] * c[2] * c[3]], dz = new float[per], df = new float[filter + co];
            for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
            float[] image = new float[PaddedConv.paddedImage(g)];
            for (int b = 0; b < g.n(); b++) {
                for (int i = 0; i < per; i++) dz[i] = r.nextInt(4) == 0 ? (float) r.nextGaussian() : 0f;
                for (int i = 0; i < df.length; i++) df[i] = (float) r.nextGaussian();
                double[] expected = new double[df.length], scale = new double[df.length];
                for (int i = 0; i < df.length; i++) expected[i] = scale[i] = df[i];
                for (int oy = 0; oy < g.oh(); oy++) for (int ox = 0; ox < g.ow(); ox++) for (int o = 0; o < co; o++) {
                    double d = dz[(oy * g.ow() + ox) * co + o];
                    expected[filter + o] += d;
                    scale[filter + o] += Math.abs(d);
                    for (int ky = 0; ky < g.kh(); ky++) for (int kx = 0; kx < g.kw(); kx++) {
                        int iy = oy * g.sh() + ky - g.padTop(), ix = ox * g.sw() + kx - g.padLeft();
                        if (iy < 0 || iy >= g.h() || ix < 0 || ix >= g.w()) continue;
                        for (int ci = 0; ci < g.c(); ci++) {
                            int t = ((ky * g.kw() + kx) * g.c() + ci) * co + o;
                            double term = x[((b * g.h() + iy) * g.w() + ix) * g.c() + ci] * d;
                            expected[t] += term;
                            scale[t] += Math.abs(term);
                        }
                    }
                }
                PaddedConv.filterGradPadded(x, dz, g, co, df, filter, b, image);
                for (int i = 0; i < df.length; i++) {
                    double tol = 1e-6 * (Math.abs(scale[i]) + 1);
                    if (Math.abs(df[i] - expected[i]) > tol) {
                        throw new AssertionError(Arrays.toString(c) + " image " + b + (i < filter ? ": filter gradient " : ": bias gradient ")
                                + i + " is " + df[i] + ", expected " + expected[i]);
                    }
                }
            }
        }
    }

    private static void check(float[] x, float[] f, float[] bias, Window g, Window pool, int co, String what) {
        int per = g.oh() * g.ow() * co, pooled = pool.oh() * pool.ow();
        float[] y = new float[per], expected = new float[pool.positions() * co], actual = new float[expected.length];
        float[] scratch = new float[PaddedConv.pooledScratch(g)];
        Arrays.fill(scratch, Float.NaN);   // nothing may be read before it is written
        int[] expectedArg = new int[expected.length], actualArg = new int[expected.length];
        for (int b = 0; b < g.n(); b++) {
            DirectConv.forward(x, f, bias, g, co, y, b * per, b, 1);
            for (int p = b * pooled; p < (b + 1) * pooled; p++) VectorPatches.maxPoolAt(y, b * per, pool, p, expected, expectedArg);
            PaddedConv.forwardPooled(x, f, bias, g, co, actual, actualArg, b, scratch);
        }
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError(what + ": pooled value " + i + " is " + actual[i] + ", expected " + expected[i]);
            }
        }
        assertArrayEquals(expectedArg, actualArg, what + ": argmax");
    }
}
