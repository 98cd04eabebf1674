package io.eager4j.internal;

/**
 * Philox 4x32-10 (Salmon et al., SC'11): block {@code i} of a stream is a pure function of
 * (seed, offset + i), so any thread or GPU kernel can reproduce any element without shared state.
 */
public final class Philox {
    private static final int M0 = 0xD2511F53, M1 = 0xCD9E8D57;
    private static final int W0 = 0x9E3779B9, W1 = 0xBB67AE85;
    private static final float TWO_POW_M24 = 0x1.0p-24f;

    private Philox() {}

    /** One 10-round block: counter (c0..c3), key (k0, k1); writes four words to {@code out}. */
    public static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] out) {
        for (int r = 0; r < 10; r++) {
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            c1 = (int) p1;
            c3 = (int) p0;
            c0 = n0;
            c2 = n2;
            k0 += W0;
            k1 += W1;
        }
        out[0] = c0;
        out[1] = c1;
        out[2] = c2;
        out[3] = c3;
    }

    /** 24 random bits as a float in [0, 1): exact in float32 and float64 alike. */
    public static float unit(int bits) {
        return (bits >>> 8) * TWO_POW_M24;
    }

    /**
     * Fills {@code out} with element i = word (i % 4) of block (offset + i / 4), mapped to uniform
     * [a, b) or, in pairs of words, to normal(a, b) by Box-Muller.
     */
    public static void fill(double[] out, boolean normal, long seed, long offset, double a, double b) {
        int[] w = new int[4];
        int k0 = (int) seed, k1 = (int) (seed >>> 32);
        for (int base = 0; base < out.length; base += 4) {
            long ctr = offset + base / 4;
            block((int) ctr, (int) (ctr >>> 32), 0, 0, k0, k1, w);
            int lanes = Math.min(4, out.length - base);
            for (int j = 0; j < lanes; j++) {
                out[base + j] = normal ? boxMuller(w, j) * b + a : a + (b - a) * unit(w[j]);
            }
        }
    }

    private static double boxMuller(int[] w, int lane) {
        int pair = lane & ~1;
        double u1 = unit(w[pair]) + 0x1.0p-24;   // in (0, 1]: log stays finite
        double u2 = unit(w[pair + 1]);
        double r = Math.sqrt(-2 * Math.log(u1));
        return (lane & 1) == 0 ? r * Math.cos(2 * Math.PI * u2) : r * Math.sin(2 * Math.PI * u2);
    }

    /** Blocks a stream of {@code n} elements consumes, so the next stream starts fresh. */
    public static long blocks(long n) {
        return (n + 3) / 4;
    }
}
