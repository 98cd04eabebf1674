package io.eager4j.internal;

/**
 * The {@link Philox} stream for the fast CPU backend, bit for bit, with the rounds vectorized: a
 * chunk's blocks are held as four lanes (a block's word k in lane k), so a round is a plain loop of
 * lane-wise multiplies, shifts and xors, which C2 auto-vectorizes (about 3.5x one {@link Philox#block}
 * at a time). Plain loops, which C2 vectorizes too, turn the words into uniform floats or into dropout
 * in one pass. The Vector API version ran 1.4x faster than this once compiled, but took ~0.5 s of C2
 * time on the seed, ran 30x slower until then, and needed a warm-up thread: the seed's 3000 steps took
 * 3.15 s with it and 2.95 s with scalar rounds (medians of 8), and 2.63 s with it against 2.57 s with
 * these lanes (medians of 6, a calmer hour).
 */
final class PhiloxVector {
    /** Words per chunk: its lanes (4 x 256 ints) and words stay in L1 through the ten rounds. */
    private static final int CHUNK = 1024;
    private static final long LOW = 0xFFFFFFFFL, M0 = 0xD2511F53L, M1 = 0xCD9E8D57L;

    private PhiloxVector() {}

    /** Element i = word i % 4 of block offset + i / 4 as a uniform in [lo, hi), rounded as {@link Philox#fill}. */
    static void uniform(float[] r, long seed, long offset, double lo, double hi) {
        int[] w = scratch(r.length);
        Lanes lanes = new Lanes();
        for (int base = 0; base < r.length; base += CHUNK) {
            int n = Math.min(CHUNK, r.length - base);
            lanes.words(w, n, seed, offset + base / 4);
            if (lo == 0 && hi == 1) {   // the same value without the trip through double
                for (int j = 0; j < n; j++) r[base + j] = Philox.unit(w[j]);
            } else {
                for (int j = 0; j < n; j++) r[base + j] = (float) (lo + (hi - lo) * Philox.unit(w[j]));
            }
        }
    }

    /**
     * mask = (u &lt; keep) * scale and y = x * mask, u the uniform [0, 1) stream at (seed, offset): the
     * float32 rounding of the composed dropout. u = k / 2^24 with k an integer, so u &lt; keep exactly
     * when k &lt; ceil(keep * 2^24).
     */
    static void dropout(float[] x, float[] y, float[] mask, long seed, long offset, float keep, float scale) {
        int t = (int) Math.ceil(Math.min(Math.max(keep, 0), 1) * 0x1p24);   // in [0, 2^24]: k - t cannot overflow
        int[] w = scratch(x.length);
        Lanes lanes = new Lanes();
        for (int base = 0; base < x.length; base += CHUNK) {
            int n = Math.min(CHUNK, x.length - base);
            lanes.words(w, n, seed, offset + base / 4);
            for (int j = 0; j < n; j++) {
                float m = (((w[j] >>> 8) - t) >>> 31) * scale;   // branch-free, so C2 vectorizes the loop
                mask[base + j] = m;
                y[base + j] = x[base + j] * m;
            }
        }
    }

    /** Room for a chunk of n words, whole blocks. */
    private static int[] scratch(int n) {
        return new int[n >= CHUNK ? CHUNK : n + 3 & -4];
    }

    /** Words [0, n) of the stream from block {@code ctr} into {@code w}, from the lanes or one block at a time. */
    static void words(int[] w, int n, long seed, long ctr, boolean lanes) {
        if (lanes) {
            Lanes l = new Lanes();
            int[] chunk = new int[CHUNK];
            for (int base = 0; base < n; base += CHUNK) {
                int m = Math.min(CHUNK, n - base);
                l.words(chunk, m, seed, ctr + base / 4);
                System.arraycopy(chunk, 0, w, base, m);
            }
            return;
        }
        int[] b = new int[4];
        int k0 = (int) seed, k1 = (int) (seed >>> 32);
        for (int i = 0; i < n; i += 4, ctr++) {
            Philox.block((int) ctr, (int) (ctr >>> 32), 0, 0, k0, k1, b);
            System.arraycopy(b, 0, w, i, Math.min(4, n - i));
        }
    }

    /**
     * One chunk's blocks as lanes: lane k holds word k of every block. Four arrays rather than one with
     * offsets, so C2 sees no aliasing; only the 32x32->64 products widen to long (lanes of longs made
     * dropout of 128x150 take 36 us, these 26).
     */
    private static final class Lanes {
        private final int[] c0 = new int[CHUNK / 4], c1 = new int[CHUNK / 4], c2 = new int[CHUNK / 4], c3 = new int[CHUNK / 4];

        /** Words [0, n) from block ctr into w, n at most CHUNK; whole blocks are written. */
        void words(int[] w, int n, long seed, long ctr) {
            int[] a0 = c0, a1 = c1, a2 = c2, a3 = c3;
            int blocks = n + 3 >>> 2;
            for (int j = 0; j < blocks; j++) {
                long c = ctr + j;
                a0[j] = (int) c;
                a1[j] = (int) (c >>> 32);
                a2[j] = 0;
                a3[j] = 0;
            }
            int k0 = (int) seed, k1 = (int) (seed >>> 32);
            for (int r = 0; r < 10; r++) {
                int x0 = k0, x1 = k1;
                for (int j = 0; j < blocks; j++) {   // c0' = hi(p1) ^ c1 ^ k0, c2' = hi(p0) ^ c3 ^ k1, c1' = lo(p1), c3' = lo(p0)
                    long p0 = (a0[j] & LOW) * M0, p1 = (a2[j] & LOW) * M1;
                    a0[j] = (int) (p1 >>> 32) ^ a1[j] ^ x0;
                    a2[j] = (int) (p0 >>> 32) ^ a3[j] ^ x1;
                    a1[j] = (int) p1;
                    a3[j] = (int) p0;
                }
                k0 += 0x9E3779B9;   // Philox's Weyl key schedule
                k1 += 0xBB67AE85;
            }
            for (int j = 0; j < blocks; j++) {
                w[4 * j] = a0[j];
                w[4 * j + 1] = a1[j];
                w[4 * j + 2] = a2[j];
                w[4 * j + 3] = a3[j];
            }
        }
    }
}
