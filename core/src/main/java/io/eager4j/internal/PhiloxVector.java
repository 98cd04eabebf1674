package io.eager4j.internal;

import io.eager4j.internal.cpu.Gemms;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@link Philox} stream for the fast CPU backend, bit for bit, with the rounds in the Vector API
 * when it is present (about 8x faster than one {@link Philox#block} at a time). Words are made a chunk
 * at a time into a scratch array that stays in L1; plain loops, which C2 vectorizes, turn them into
 * uniform floats or into dropout in one pass.
 */
final class PhiloxVector {
    /** Words per chunk: a multiple of every vector step, and small enough to stay in L1. */
    private static final int CHUNK = 1024;

    /** Without the module (or with narrow vectors) the same words come from the scalar rounds. */
    static final boolean VECTOR = Gemms.vectorApiPresent() && Lanes.fast();

    private static final AtomicBoolean WARMING = new AtomicBoolean();
    /** Set once the vector rounds run compiled (see {@link #warmUp}); until then the scalar rounds serve. */
    private static volatile boolean ready;

    private PhiloxVector() {}

    /**
     * Gets the vector rounds compiled off the caller's thread. Until C2 compiles them they run some 30x
     * slower than the scalar rounds (measured: dropout of 128x150 took 2.6 ms a step instead of 0.09
     * over the first 100 training steps, more than the vector rounds ever saved over 3000). A daemon
     * thread runs them until they are fast, then they take over; both give the same numbers. Called when
     * the CPU backend starts, so this mostly overlaps loading the data.
     */
    static void warmUp() {
        if (!VECTOR || WARMING.getAndSet(true)) {
            return;
        }
        if (Runtime.getRuntime().availableProcessors() < 2) {
            ready = true;   // no other core to warm them on
            return;
        }
        Thread.ofPlatform().daemon().name("eager4j-warm-up-philox").start(() -> {
            int[] w = new int[CHUNK];
            long deadline = System.nanoTime() + 10_000_000_000L;
            for (long ctr = 0; System.nanoTime() < deadline; ) {
                long start = System.nanoTime();
                for (int i = 0; i < 16; i++, ctr += CHUNK / 4) Lanes.words(w, CHUNK, 42, ctr);
                if (System.nanoTime() - start < 40_000) break;   // 16384 words: compiled ~10 us, scalar ~75
            }
            ready = true;
        });
    }

    /** Element i = word i % 4 of block offset + i / 4 as a uniform in [lo, hi), rounded as {@link Philox#fill}. */
    static void uniform(float[] r, long seed, long offset, double lo, double hi) {
        int[] w = scratch(r.length);
        for (int base = 0; base < r.length; base += CHUNK) {
            int n = Math.min(CHUNK, r.length - base);
            words(w, n, seed, offset + base / 4, VECTOR && ready);
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
        for (int base = 0; base < x.length; base += CHUNK) {
            int n = Math.min(CHUNK, x.length - base);
            words(w, n, seed, offset + base / 4, VECTOR && ready);
            for (int j = 0; j < n; j++) {
                float m = (((w[j] >>> 8) - t) >>> 31) * scale;   // branch-free, so C2 vectorizes the loop
                mask[base + j] = m;
                y[base + j] = x[base + j] * m;
            }
        }
    }

    /** Room for a chunk of n words, rounded up to any vector step (at most 128). */
    private static int[] scratch(int n) {
        return new int[n >= CHUNK ? CHUNK : n + 127 & -128];
    }

    /** Words [0, n) of the stream from block {@code ctr} into {@code w}; the vector rounds fill up to their step. */
    static void words(int[] w, int n, long seed, long ctr, boolean vector) {
        if (vector) {
            Lanes.words(w, n, seed, ctr);
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
     * The vector rounds, loaded only when jdk.incubator.vector is present. A long lane holds one
     * block's word in its low half, so the 32x32->64 products are plain lane multiplies.
     */
    private static final class Lanes {
        static final VectorSpecies<Long> S = LongVector.SPECIES_PREFERRED;
        static final int L = S.length();
        static final int STEP = 16 * L;   // 4 groups of L blocks of 4 words
        static final long LOW = 0xFFFFFFFFL;
        static final LongVector MASK = LongVector.broadcast(S, LOW);
        static final LongVector M0 = LongVector.broadcast(S, 0xD2511F53L), M1 = LongVector.broadcast(S, 0xCD9E8D57L);
        static final LongVector IOTA = LongVector.zero(S).addIndex(1);
        /** Interleave two vectors' lanes: the first half of each, then the second half. */
        static final VectorShuffle<Long> FIRST = VectorShuffle.fromOp(S, i -> (i % 2) * L + i / 2);
        static final VectorShuffle<Long> SECOND = VectorShuffle.fromOp(S, i -> (i % 2) * L + L / 2 + i / 2);

        static boolean fast() {
            return S.vectorBitSize() >= 256 && STEP <= 128;   // 128 divides CHUNK and the scratch size
        }

        // Written out: four independent groups hide the multiply latency (1.6x one group), and vectors
        // kept in arrays or passed to helpers would be boxed, or push C2 past its inlining budget.
        static void words(int[] w, int n, long seed, long ctr) {
            int key0 = (int) seed, key1 = (int) (seed >>> 32);
            for (int i = 0; i < n; i += STEP, ctr += 4 * L) {
                LongVector av = IOTA.add(ctr), bv = av.add(L), cv = av.add(2 * L), dv = av.add(3 * L);
                LongVector a0 = av.and(MASK), a1 = av.lanewise(VectorOperators.LSHR, 32), a2 = LongVector.zero(S), a3 = a2;
                LongVector b0 = bv.and(MASK), b1 = bv.lanewise(VectorOperators.LSHR, 32), b2 = a2, b3 = a2;
                LongVector c0 = cv.and(MASK), c1 = cv.lanewise(VectorOperators.LSHR, 32), c2 = a2, c3 = a2;
                LongVector d0 = dv.and(MASK), d1 = dv.lanewise(VectorOperators.LSHR, 32), d2 = a2, d3 = a2;
                int k0 = key0, k1 = key1;
                for (int r = 0; r < 10; r++) {
                    LongVector x0 = LongVector.broadcast(S, k0 & LOW), x1 = LongVector.broadcast(S, k1 & LOW);
                    LongVector pa0 = a0.mul(M0), pa1 = a2.mul(M1), pb0 = b0.mul(M0), pb1 = b2.mul(M1);
                    LongVector pc0 = c0.mul(M0), pc1 = c2.mul(M1), pd0 = d0.mul(M0), pd1 = d2.mul(M1);
                    // c0' = hi(p1) ^ c1 ^ k0, c2' = hi(p0) ^ c3 ^ k1, c1' = lo(p1), c3' = lo(p0); upper halves stay 0
                    a0 = pa1.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, a1.lanewise(VectorOperators.XOR, x0));
                    a2 = pa0.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, a3.lanewise(VectorOperators.XOR, x1));
                    b0 = pb1.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, b1.lanewise(VectorOperators.XOR, x0));
                    b2 = pb0.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, b3.lanewise(VectorOperators.XOR, x1));
                    c0 = pc1.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c1.lanewise(VectorOperators.XOR, x0));
                    c2 = pc0.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, c3.lanewise(VectorOperators.XOR, x1));
                    d0 = pd1.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, d1.lanewise(VectorOperators.XOR, x0));
                    d2 = pd0.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.XOR, d3.lanewise(VectorOperators.XOR, x1));
                    a1 = pa1.and(MASK); a3 = pa0.and(MASK); b1 = pb1.and(MASK); b3 = pb0.and(MASK);
                    c1 = pc1.and(MASK); c3 = pc0.and(MASK); d1 = pd1.and(MASK); d3 = pd0.and(MASK);
                    k0 += 0x9E3779B9;   // Philox's Weyl key schedule
                    k1 += 0xBB67AE85;
                }
                for (int g = 0; g < 4; g++) {   // back to block order: lane pairs (w0 w1) and (w2 w3), interleaved
                    LongVector lo = a0.or(a1.lanewise(VectorOperators.LSHL, 32)), hi = a2.or(a3.lanewise(VectorOperators.LSHL, 32));
                    lo.rearrange(FIRST, hi).reinterpretAsInts().intoArray(w, i + g * 4 * L);
                    lo.rearrange(SECOND, hi).reinterpretAsInts().intoArray(w, i + g * 4 * L + 2 * L);
                    a0 = b0; a1 = b1; a2 = b2; a3 = b3;
                    b0 = c0; b1 = c1; b2 = c2; b3 = c3;
                    c0 = d0; c1 = d1; c2 = d2; c3 = d3;
                }
            }
        }
    }
}
