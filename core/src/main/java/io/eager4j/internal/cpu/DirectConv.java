package io.eager4j.internal.cpu;

import io.eager4j.internal.Window;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
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

    /**
     * y for images b0 .. b0+nb-1: y[p, o] = sum over the window's taps of x * f; two pixels at a time
     * (four FMA chains). With {@code bias}, y = relu(that + bias), rounded as the separate ops are.
     * Output element {@code i} of the whole batch goes to {@code y[i - yBase]}.
     */
    static void forward(float[] x, float[] f, float[] bias, Window g, int co, float[] y, int yBase, int b0, int nb) {
        int c = g.c(), h = g.h(), w = g.w(), kh = g.kh(), kw = g.kw(), sw = g.sw();
        for (int b = b0; b < b0 + nb; b++) {
            for (int oy = 0; oy < g.oh(); oy++) {
                int iy0 = oy * g.sh() - g.padTop();
                for (int ox = 0; ox < g.ow(); ox += 2) {
                    boolean two = ox + 1 < g.ow();
                    int ix0 = ox * sw - g.padLeft(), out = ((b * g.oh() + oy) * g.ow() + ox) * co - yBase;
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
                        if (bias != null) {
                            biasRelu(y, out + q, bias, q);
                            biasRelu(y, out + q + VL, bias, q + VL);
                            if (two) {
                                biasRelu(y, out + co + q, bias, q);
                                biasRelu(y, out + co + q + VL, bias, q + VL);
                            }
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
        filterGrad(x, dy, null, null, g, co, df, b0, nb, accumulate);
    }

    /**
     * With {@code y} (a conv2dBiasRelu's output): the gradient is taken at dz = dy * (y > 0), made row
     * by row, and df holds the bias gradient after the filter's ({@code patch * co} on); each dz row
     * goes to {@code dzOut} too unless it is null.
     */
    static void filterGrad(float[] x, float[] dy, float[] y, float[] dzOut, Window g, int co, float[] df, int b0, int nb,
                           boolean accumulate) {
        int c = g.c(), h = g.h(), w = g.w(), kh = g.kh(), kw = g.kw(), sw = g.sw(), ow = g.ow();
        int filter = g.patch() * co, size = y == null ? filter : filter + co;
        if (!accumulate) Arrays.fill(df, 0, size, 0f);
        float[] part = new float[size], dz = y == null ? null : new float[ow * co];
        float[] src = y == null ? dy : dz;
        int rows = 0;
        for (int b = b0; b < b0 + nb; b++) {
            for (int oy = 0; oy < g.oh(); oy++) {
                int at = (b * g.oh() + oy) * ow * co, dRow = y == null ? at : 0;
                if (y != null) reluRow(dy, y, at, dz, part, filter, co, dzOut);
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
                                    s0 = u.fma(FloatVector.fromArray(S, src, d), s0);
                                    s1 = u.fma(FloatVector.fromArray(S, src, d + VL), s1);
                                    t0 = v.fma(FloatVector.fromArray(S, src, d + co), t0);
                                    t1 = v.fma(FloatVector.fromArray(S, src, d + co + VL), t1);
                                }
                                if (ox < hi) {
                                    int d = dRow + ox * co + q;
                                    FloatVector u = FloatVector.broadcast(S, x[(xRow + ox * sw + shift) * c + ci]);
                                    s0 = u.fma(FloatVector.fromArray(S, src, d), s0);
                                    s1 = u.fma(FloatVector.fromArray(S, src, d + VL), s1);
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

    /**
     * One output row's dz = dy * (y > 0) into {@code dz} (and {@code dzOut} at the same place), its sum
     * over the row added to part's bias sums at {@code bias}. The mask is the fast backend's reluGrad's.
     */
    private static void reluRow(float[] dy, float[] y, int at, float[] dz, float[] part, int bias, int co, float[] dzOut) {
        int n = dz.length;
        for (int i = 0; i < n; i += VL) {
            FloatVector z = FloatVector.fromArray(S, dy, at + i).mul(mask(FloatVector.fromArray(S, y, at + i)));
            z.intoArray(dz, i);
            if (dzOut != null) z.intoArray(dzOut, at + i);
        }
        for (int q = 0; q < co; q += VL) {
            FloatVector sum = FloatVector.fromArray(S, part, bias + q);
            for (int i = q; i < n; i += co) sum = sum.add(FloatVector.fromArray(S, dz, i));
            sum.intoArray(part, bias + q);
        }
    }

    /**
     * a[i, i + VL) = relu(a + bias[q, q + VL)), Kernels.relu's branch-free form lane-wise: NaN and
     * negatives (and -0) to +0. On arrays, not vectors: a vector passed to a method C2 does not inline
     * is boxed, and once C1's calls had this compiled on its own, C2 stopped inlining it into
     * WinogradKernels.at, which then ran 4x slower.
     */
    static void biasRelu(float[] a, int i, float[] bias, int q) {
        IntVector b = FloatVector.fromArray(S, a, i).add(FloatVector.fromArray(S, bias, q)).reinterpretAsInts();
        IntVector keep = b.neg().lanewise(VectorOperators.ASHR, 31).and(b.sub(0x7f800001).lanewise(VectorOperators.ASHR, 31));
        b.and(keep).reinterpretAsFloats().intoArray(a, i);
    }

    /** 1f where y > +0, else 0f: the fast backend's reluGrad's mask. */
    private static FloatVector mask(FloatVector y) {
        return y.reinterpretAsInts().neg().lanewise(VectorOperators.ASHR, 31).and(0x3f800000).reinterpretAsFloats();
    }

    private static void flush(float[] part, float[] df, int size) {
        for (int i = 0; i < size; i++) {
            df[i] += part[i];
            part[i] = 0f;
        }
    }
}
