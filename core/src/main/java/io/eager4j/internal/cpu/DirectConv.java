package io.eager4j.internal.cpu;

import io.eager4j.internal.Window;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Convolutions whose patch is short (a first layer's 5x5x1), computed straight from the NHWC input
 * with the Vector API, no im2col: for the CNN's conv1 the patch matrix is 25 times the input and
 * writing it cost more than the product; a GEMM of depth 25 runs far from its peak besides. The
 * output channels go in pairs of vectors, so {@code co} must be a multiple of {@link #CHANNELS}.
 * Only loaded when {@code jdk.incubator.vector} is present (see {@link FastWindows}).
 */
final class DirectConv {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    static final int CHANNELS = 2 * VL;
    private static final int ROWS = 16;   // output rows summed apart before they join the filter gradient's total

    private DirectConv() {}

    /** y for images b0 .. b0+nb-1: y[p, o] = sum over the window's taps of x * f; two pixels at a time (four FMA chains). */
    static void forward(float[] x, float[] f, Window g, int co, float[] y, int b0, int nb) {
        int c = g.c(), h = g.h(), w = g.w(), kh = g.kh(), kw = g.kw(), sw = g.sw();
        for (int b = b0; b < b0 + nb; b++) {
            for (int oy = 0; oy < g.oh(); oy++) {
                int iy0 = oy * g.sh() - g.padTop();
                for (int ox = 0; ox < g.ow(); ox += 2) {
                    boolean two = ox + 1 < g.ow();
                    int ix0 = ox * sw - g.padLeft(), out = ((b * g.oh() + oy) * g.ow() + ox) * co;
                    for (int q = 0; q < co; q += CHANNELS) {
                        FloatVector a0 = FloatVector.zero(S), a1 = a0, b0v = a0, b1v = a0;
                        for (int ky = 0; ky < kh; ky++) {
                            int iy = iy0 + ky;
                            if (iy < 0 || iy >= h) continue;
                            int row = (b * h + iy) * w;
                            for (int kx = 0; kx < kw; kx++) {
                                int ix = ix0 + kx, fi = (ky * kw + kx) * c * co + q;
                                boolean first = ix >= 0 && ix < w, second = two && ix + sw >= 0 && ix + sw < w;
                                for (int ci = 0; ci < c; ci++, fi += co) {
                                    FloatVector f0 = FloatVector.fromArray(S, f, fi), f1 = FloatVector.fromArray(S, f, fi + VL);
                                    if (first) {
                                        FloatVector v = FloatVector.broadcast(S, x[(row + ix) * c + ci]);
                                        a0 = v.fma(f0, a0);
                                        a1 = v.fma(f1, a1);
                                    }
                                    if (second) {
                                        FloatVector v = FloatVector.broadcast(S, x[(row + ix + sw) * c + ci]);
                                        b0v = v.fma(f0, b0v);
                                        b1v = v.fma(f1, b1v);
                                    }
                                }
                            }
                        }
                        a0.intoArray(y, out + q);
                        a1.intoArray(y, out + q + VL);
                        if (two) {
                            b0v.intoArray(y, out + co + q);
                            b1v.intoArray(y, out + co + q + VL);
                        }
                    }
                }
            }
        }
    }

    /**
     * df (+)= the filter gradient over images b0 .. b0+nb-1: df[tap, o] = sum over pixels of x at the
     * tap * dy. Output row by output row: for each tap, the pixels whose input lies inside form one
     * run of columns, summed in four register accumulators (two pixels at a time) and then added to
     * the row block's partial sums; a block of rows joins the total.
     */
    static void filterGrad(float[] x, float[] dy, Window g, int co, float[] df, int b0, int nb, boolean accumulate) {
        int c = g.c(), h = g.h(), w = g.w(), kh = g.kh(), kw = g.kw(), sw = g.sw(), ow = g.ow(), size = g.patch() * co;
        if (!accumulate) Arrays.fill(df, 0, size, 0f);
        float[] part = new float[size];
        int rows = 0;
        for (int b = b0; b < b0 + nb; b++) {
            for (int oy = 0; oy < g.oh(); oy++) {
                int dRow = (b * g.oh() + oy) * ow * co;
                for (int ky = 0; ky < kh; ky++) {
                    int iy = oy * g.sh() + ky - g.padTop();
                    if (iy < 0 || iy >= h) continue;
                    int xRow = (b * h + iy) * w;
                    for (int kx = 0; kx < kw; kx++) {
                        int shift = kx - g.padLeft();   // ix = ox * sw + shift must lie in [0, w)
                        int lo = shift >= 0 ? 0 : (-shift + sw - 1) / sw, hi = Math.min(ow, Math.floorDiv(w - 1 - shift, sw) + 1);
                        if (lo >= hi) continue;
                        for (int ci = 0; ci < c; ci++) {
                            int fi = ((ky * kw + kx) * c + ci) * co;
                            for (int q = 0; q < co; q += CHANNELS) {
                                FloatVector s0 = FloatVector.zero(S), s1 = s0, t0 = s0, t1 = s0;
                                int ox = lo;
                                for (; ox + 1 < hi; ox += 2) {
                                    int d = dRow + ox * co + q;
                                    FloatVector u = FloatVector.broadcast(S, x[(xRow + ox * sw + shift) * c + ci]);
                                    FloatVector v = FloatVector.broadcast(S, x[(xRow + (ox + 1) * sw + shift) * c + ci]);
                                    s0 = u.fma(FloatVector.fromArray(S, dy, d), s0);
                                    s1 = u.fma(FloatVector.fromArray(S, dy, d + VL), s1);
                                    t0 = v.fma(FloatVector.fromArray(S, dy, d + co), t0);
                                    t1 = v.fma(FloatVector.fromArray(S, dy, d + co + VL), t1);
                                }
                                if (ox < hi) {
                                    int d = dRow + ox * co + q;
                                    FloatVector u = FloatVector.broadcast(S, x[(xRow + ox * sw + shift) * c + ci]);
                                    s0 = u.fma(FloatVector.fromArray(S, dy, d), s0);
                                    s1 = u.fma(FloatVector.fromArray(S, dy, d + VL), s1);
                                }
                                FloatVector.fromArray(S, part, fi + q).add(s0.add(t0)).intoArray(part, fi + q);
                                FloatVector.fromArray(S, part, fi + q + VL).add(s1.add(t1)).intoArray(part, fi + q + VL);
                            }
                        }
                    }
                }
                if (++rows % ROWS == 0) flush(part, df, size);
            }
        }
        flush(part, df, size);
    }

    private static void flush(float[] part, float[] df, int size) {
        for (int i = 0; i < size; i++) {
            df[i] += part[i];
            part[i] = 0f;
        }
    }
}
