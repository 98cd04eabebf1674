package io.eager4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The lane-wise Philox stream against the scalar definition ({@link Philox#block}, {@link Philox#fill}),
 * bit for bit, at sizes that are not multiples of 4 or of a chunk, and at counters whose low word
 * carries into the high one.
 */
class PhiloxVectorTest {
    static final int[] SIZES = {0, 1, 3, 4, 5, 7, 13, 31, 127, 128, 129, 1000, 1023, 1024, 1025, 4099};
    static final long[] OFFSETS = {0, 1, 5, (1L << 32) - 1, (1L << 32) - 3, (1L << 32) - 300, (1L << 40) + 7, -1L};
    static final long[] SEEDS = {0, 42, 0x123456789ABCDEFL, -1L};

    @Test
    void wordsAreTheScalarBlocks() {
        for (long seed : SEEDS) {
            for (long ctr : OFFSETS) {
                for (int n : SIZES) {
                    int[] vector = new int[n + 128], scalar = new int[n + 128];
                    PhiloxVector.words(vector, n, seed, ctr, true);
                    PhiloxVector.words(scalar, n, seed, ctr, false);
                    int[] b = new int[4];
                    for (int i = 0; i < n; i++) {
                        long c = ctr + i / 4;
                        Philox.block((int) c, (int) (c >>> 32), 0, 0, (int) seed, (int) (seed >>> 32), b);
                        String at = " word " + i + " of n " + n + " at seed " + seed + ", block " + ctr;
                        assertEquals(b[i % 4], scalar[i], "scalar" + at);
                        assertEquals(b[i % 4], vector[i], "vector" + at);
                    }
                }
            }
        }
    }

    @Test
    void uniformIsTheReferenceStream() {
        double[][] ranges = {{0, 1}, {-1, 1}, {0.5, 2}, {-3, 7.5}};
        for (long seed : SEEDS) {
            for (long offset : OFFSETS) {
                for (int n : SIZES) {
                    for (double[] lh : ranges) {
                        float[] fast = new float[n];
                        PhiloxVector.uniform(fast, seed, offset, lh[0], lh[1]);
                        double[] ref = new double[n];
                        Philox.fill(ref, false, seed, offset, lh[0], lh[1]);
                        for (int i = 0; i < n; i++) {
                            assertEquals(Float.floatToRawIntBits((float) ref[i]), Float.floatToRawIntBits(fast[i]),
                                    "element " + i + " of n " + n + " in [" + lh[0] + ", " + lh[1] + ") at seed " + seed + ", offset " + offset);
                        }
                    }
                }
            }
        }
    }

    @Test
    void dropoutKernelIsTheComposition() {
        Backend composed = new ReferenceBackend();   // the SPI's default dropout: the definition
        for (int n : SIZES) {
            float[] x = new float[n];
            for (int i = 0; i < n; i++) x[i] = (i % 7 - 3) * 0.37f;
            if (n > 5) {   // x * 0 keeps IEEE signs and NaNs as the composition's multiply does
                x[1] = Float.NaN;
                x[2] = Float.POSITIVE_INFINITY;
                x[3] = -0f;
            }
            for (long offset : new long[] {0, (1L << 32) - 3}) {
                // keep equal to an element's u (dropped: the test is strict), and half a step above it (kept)
                double[] u = new double[n];
                Philox.fill(u, false, 7, offset, 0, 1);
                double hit = java.util.Arrays.stream(u).filter(v -> v < 0.5).findFirst().orElse(0.25);
                for (double keep : new double[] {0.75, 0.5, 0.1, 0.999999, 1e-40, 0x1p-24, hit, hit + 0x1p-25}) {
                    float[] y = new float[n], mask = new float[n];
                    PhiloxVector.dropout(x, y, mask, 7, offset, (float) keep, (float) (1 / keep));
                    Buffer[] ref = composed.dropout(io.eager4j.DType.FLOAT32, new CpuBuffer(x), keep, 7, offset);
                    String at = " of n " + n + " at keep " + keep + ", offset " + offset;
                    assertBits((float[]) ((CpuBuffer) ref[0]).array(), y, "y" + at);
                    assertBits((float[]) ((CpuBuffer) ref[1]).array(), mask, "mask" + at);
                }
            }
        }
    }

    static void assertBits(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(actual[i]),
                    what + " element " + i + ": " + expected[i] + " vs " + actual[i]);
        }
    }
}
