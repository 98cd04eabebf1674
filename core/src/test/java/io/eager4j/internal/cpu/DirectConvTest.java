package io.eager4j.internal.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eager4j.internal.Window;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The direct convolution's pooled forward, which sums 2x4 pixels from a padded copy of the image and
 * pools them in registers, against its own forward followed by max pooling, bit for bit, argmax
 * included: SAME padding on every side and uneven, VALID with rows and columns left over, strides,
 * several input channels, two groups of output channels; inputs with NaN and negative zeros (the
 * ReLU makes them +0), and a zero filter, where all four pixels of every window tie and the first wins.
 */
class DirectConvTest {
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
            assertTrue(DirectConv.poolsInRegisters(g, pool), Arrays.toString(c));
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
        assertFalse(DirectConv.poolsInRegisters(g, Window.of("test", g.outputShape(32), 3, 3, 3, 3, false)), "3x3 windows");
        assertFalse(DirectConv.poolsInRegisters(g, Window.of("test", g.outputShape(32), 2, 2, 1, 1, false)), "overlapping windows");
        assertFalse(DirectConv.poolsInRegisters(odd, Window.of("test", odd.outputShape(32), 2, 2, 2, 2, true)), "a padded last row");
        assertFalse(DirectConv.poolsInRegisters(narrow, Window.of("test", narrow.outputShape(32), 2, 2, 2, 2, true)), "3 windows a row");
    }

    private static void check(float[] x, float[] f, float[] bias, Window g, Window pool, int co, String what) {
        int per = g.oh() * g.ow() * co, pooled = pool.oh() * pool.ow();
        float[] y = new float[per], expected = new float[pool.positions() * co], actual = new float[expected.length];
        float[] scratch = new float[DirectConv.pooledScratch(g)];
        Arrays.fill(scratch, Float.NaN);   // nothing may be read before it is written
        int[] expectedArg = new int[expected.length], actualArg = new int[expected.length];
        for (int b = 0; b < g.n(); b++) {
            DirectConv.forward(x, f, bias, g, co, y, b * per, b, 1);
            for (int p = b * pooled; p < (b + 1) * pooled; p++) VectorPatches.maxPoolAt(y, b * per, pool, p, expected, expectedArg);
            DirectConv.forwardPooled(x, f, bias, g, co, actual, actualArg, b, scratch);
        }
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError(what + ": pooled value " + i + " is " + actual[i] + ", expected " + expected[i]);
            }
        }
        assertArrayEquals(expectedArg, actualArg, what + ": argmax");
    }
}
