package io.eager4j.internal.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-blocked micro-kernels for {@link VectorGemm}: an 8-row by 1- or 2-vector tile of C is kept in
 * registers over a k panel (16 accumulators hide FMA latency; 8 x 2 x 16 lanes, 19 of the 32 AVX-512
 * registers). Each kernel only stores its accumulators into {@code tile}; adding the tile into C (edges,
 * accumulate) is {@link #storeTile}'s job. Kept that way on purpose: with C's edge logic inline, C2 gave
 * up on the kernel and it ran at 0.1-6 GFLOP/s.
 *
 * <p>B is always packed: {@code b[b0 + p * width + j]}. A comes in one of two layouts: "rows" reads
 * {@code a[a0 + r * lda + p]} (row-major A read in place), "packed" reads {@code a[a0 + p * MR + r]}
 * (transposed A, packed cheaply). The four kernels differ only in index arithmetic and width; they are
 * written out because a constant stride is what lets C2 remove the bounds checks from the loop.
 */
final class VectorKernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int VL = S.length();
    static final int MR = 8;
    static final int NR = 2 * VL;

    private VectorKernels() {}

    static void rows2(float[] a, int a0, int lda, float[] b, int b0, int kc, float[] tile) {
        int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda, a7 = a6 + lda;
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
                c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00,
                c70 = c00, c71 = c00;
        for (int p = 0; p < kc; p++) {
            FloatVector x0 = FloatVector.fromArray(S, b, b0 + p * NR);
            FloatVector x1 = FloatVector.fromArray(S, b, b0 + p * NR + VL);
            FloatVector y = FloatVector.broadcast(S, a[a0 + p]);
            c00 = y.fma(x0, c00); c01 = y.fma(x1, c01);
            y = FloatVector.broadcast(S, a[a1 + p]);
            c10 = y.fma(x0, c10); c11 = y.fma(x1, c11);
            y = FloatVector.broadcast(S, a[a2 + p]);
            c20 = y.fma(x0, c20); c21 = y.fma(x1, c21);
            y = FloatVector.broadcast(S, a[a3 + p]);
            c30 = y.fma(x0, c30); c31 = y.fma(x1, c31);
            y = FloatVector.broadcast(S, a[a4 + p]);
            c40 = y.fma(x0, c40); c41 = y.fma(x1, c41);
            y = FloatVector.broadcast(S, a[a5 + p]);
            c50 = y.fma(x0, c50); c51 = y.fma(x1, c51);
            y = FloatVector.broadcast(S, a[a6 + p]);
            c60 = y.fma(x0, c60); c61 = y.fma(x1, c61);
            y = FloatVector.broadcast(S, a[a7 + p]);
            c70 = y.fma(x0, c70); c71 = y.fma(x1, c71);
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, VL);
        c10.intoArray(tile, NR); c11.intoArray(tile, NR + VL);
        c20.intoArray(tile, 2 * NR); c21.intoArray(tile, 2 * NR + VL);
        c30.intoArray(tile, 3 * NR); c31.intoArray(tile, 3 * NR + VL);
        c40.intoArray(tile, 4 * NR); c41.intoArray(tile, 4 * NR + VL);
        c50.intoArray(tile, 5 * NR); c51.intoArray(tile, 5 * NR + VL);
        c60.intoArray(tile, 6 * NR); c61.intoArray(tile, 6 * NR + VL);
        c70.intoArray(tile, 7 * NR); c71.intoArray(tile, 7 * NR + VL);
    }

    static void packed2(float[] a, int a0, float[] b, int b0, int kc, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
                c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00,
                c70 = c00, c71 = c00;
        for (int p = 0; p < kc; p++) {
            FloatVector x0 = FloatVector.fromArray(S, b, b0 + p * NR);
            FloatVector x1 = FloatVector.fromArray(S, b, b0 + p * NR + VL);
            int q = a0 + p * MR;
            FloatVector y = FloatVector.broadcast(S, a[q]);
            c00 = y.fma(x0, c00); c01 = y.fma(x1, c01);
            y = FloatVector.broadcast(S, a[q + 1]);
            c10 = y.fma(x0, c10); c11 = y.fma(x1, c11);
            y = FloatVector.broadcast(S, a[q + 2]);
            c20 = y.fma(x0, c20); c21 = y.fma(x1, c21);
            y = FloatVector.broadcast(S, a[q + 3]);
            c30 = y.fma(x0, c30); c31 = y.fma(x1, c31);
            y = FloatVector.broadcast(S, a[q + 4]);
            c40 = y.fma(x0, c40); c41 = y.fma(x1, c41);
            y = FloatVector.broadcast(S, a[q + 5]);
            c50 = y.fma(x0, c50); c51 = y.fma(x1, c51);
            y = FloatVector.broadcast(S, a[q + 6]);
            c60 = y.fma(x0, c60); c61 = y.fma(x1, c61);
            y = FloatVector.broadcast(S, a[q + 7]);
            c70 = y.fma(x0, c70); c71 = y.fma(x1, c71);
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, VL);
        c10.intoArray(tile, NR); c11.intoArray(tile, NR + VL);
        c20.intoArray(tile, 2 * NR); c21.intoArray(tile, 2 * NR + VL);
        c30.intoArray(tile, 3 * NR); c31.intoArray(tile, 3 * NR + VL);
        c40.intoArray(tile, 4 * NR); c41.intoArray(tile, 4 * NR + VL);
        c50.intoArray(tile, 5 * NR); c51.intoArray(tile, 5 * NR + VL);
        c60.intoArray(tile, 6 * NR); c61.intoArray(tile, 6 * NR + VL);
        c70.intoArray(tile, 7 * NR); c71.intoArray(tile, 7 * NR + VL);
    }

    /** One vector wide: narrow C (n <= VL, e.g. the seed's n = 10) and the last strip of wider ones. */
    static void rows1(float[] a, int a0, int lda, float[] b, int b0, int kc, float[] tile) {
        int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda, a7 = a6 + lda;
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (int p = 0; p < kc; p++) {
            FloatVector x = FloatVector.fromArray(S, b, b0 + p * VL);
            c0 = FloatVector.broadcast(S, a[a0 + p]).fma(x, c0);
            c1 = FloatVector.broadcast(S, a[a1 + p]).fma(x, c1);
            c2 = FloatVector.broadcast(S, a[a2 + p]).fma(x, c2);
            c3 = FloatVector.broadcast(S, a[a3 + p]).fma(x, c3);
            c4 = FloatVector.broadcast(S, a[a4 + p]).fma(x, c4);
            c5 = FloatVector.broadcast(S, a[a5 + p]).fma(x, c5);
            c6 = FloatVector.broadcast(S, a[a6 + p]).fma(x, c6);
            c7 = FloatVector.broadcast(S, a[a7 + p]).fma(x, c7);
        }
        c0.intoArray(tile, 0); c1.intoArray(tile, VL); c2.intoArray(tile, 2 * VL); c3.intoArray(tile, 3 * VL);
        c4.intoArray(tile, 4 * VL); c5.intoArray(tile, 5 * VL); c6.intoArray(tile, 6 * VL); c7.intoArray(tile, 7 * VL);
    }

    static void packed1(float[] a, int a0, float[] b, int b0, int kc, float[] tile) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (int p = 0; p < kc; p++) {
            FloatVector x = FloatVector.fromArray(S, b, b0 + p * VL);
            int q = a0 + p * MR;
            c0 = FloatVector.broadcast(S, a[q]).fma(x, c0);
            c1 = FloatVector.broadcast(S, a[q + 1]).fma(x, c1);
            c2 = FloatVector.broadcast(S, a[q + 2]).fma(x, c2);
            c3 = FloatVector.broadcast(S, a[q + 3]).fma(x, c3);
            c4 = FloatVector.broadcast(S, a[q + 4]).fma(x, c4);
            c5 = FloatVector.broadcast(S, a[q + 5]).fma(x, c5);
            c6 = FloatVector.broadcast(S, a[q + 6]).fma(x, c6);
            c7 = FloatVector.broadcast(S, a[q + 7]).fma(x, c7);
        }
        c0.intoArray(tile, 0); c1.intoArray(tile, VL); c2.intoArray(tile, 2 * VL); c3.intoArray(tile, 3 * VL);
        c4.intoArray(tile, 4 * VL); c5.intoArray(tile, 5 * VL); c6.intoArray(tile, 6 * VL); c7.intoArray(tile, 7 * VL);
    }

    /** C[rows x cols] at c0 (=|+=) the tile (tw floats a row); a partial last vector is masked. */
    static void storeTile(float[] tile, int tw, float[] c, int c0, int ldc, int rows, int cols, boolean add) {
        for (int v = 0; v < cols; v += VL) {
            if (cols - v >= VL) {
                for (int r = 0; r < rows; r++) {
                    FloatVector x = FloatVector.fromArray(S, tile, r * tw + v);
                    int at = c0 + r * ldc + v;
                    if (add) {
                        x = x.add(FloatVector.fromArray(S, c, at));
                    }
                    x.intoArray(c, at);
                }
            } else {
                VectorMask<Float> lanes = S.indexInRange(v, cols);
                for (int r = 0; r < rows; r++) {
                    FloatVector x = FloatVector.fromArray(S, tile, r * tw + v);
                    int at = c0 + r * ldc + v;
                    if (add) {
                        x = x.add(FloatVector.fromArray(S, c, at, lanes));
                    }
                    x.intoArray(c, at, lanes);
                }
            }
        }
    }
}
