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
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());   // as many int lanes
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
     * Whether {@link #forwardPooled} computes this max pool of this convolution's output: 2x2 windows
     * of stride 2 inside the output, whose width is a multiple of 4 (two windows side by side).
     */
    static boolean poolsInRegisters(Window g, Window pool) {
        return pool.kh() == 2 && pool.kw() == 2 && pool.sh() == 2 && pool.sw() == 2 && pool.padTop() == 0 && pool.padLeft() == 0
                && g.oh() % 2 == 0 && g.ow() % 4 == 0 && pool.oh() == g.oh() / 2 && pool.ow() == g.ow() / 2;
    }

    /** Floats of scratch {@link #forwardPooled} needs: the padded image, then 16 vectors. */
    static int pooledScratch(Window g) {
        return padded(g, g.oh(), g.kh(), g.sh()) * padded(g, g.ow(), g.kw(), g.sw()) * g.c() + 16 * VL;
    }

    private static int padded(Window g, int out, int k, int stride) {
        return (out - 1) * stride + k;
    }

    /**
     * maxPool(relu(conv + bias)) of image b, where {@link #poolsInRegisters}: the image is copied into
     * scratch with its padding as zeros, and 2x4 output pixels (two pool windows) are summed at a time
     * in 16 FMA chains with no bounds tests; their sums, stored to scratch, are pooled by
     * {@link #pool}. The convolution's output is never written. The products the padding adds are
     * exact zeros (for a finite filter; a sum starting at +0 never becomes -0), so each pixel's sum is
     * {@link #forward}'s, and pooled values and argmax are {@link VectorPatches#maxPoolAt}'s on it.
     * Measured against that pair, 128 images of conv1 on one thread: 7.0 -> 4.7-5.3 ms.
     */
    static void forwardPooled(float[] x, float[] f, float[] bias, Window g, int co, float[] out, int[] arg, int b, float[] scratch) {
        int c = g.c(), kh = g.kh(), kw = g.kw(), sh = g.sh(), sw = g.sw(), oh = g.oh(), ow = g.ow();
        int pw = padded(g, ow, kw, sw), acc = pooledScratch(g) - 16 * VL;
        pad(x, g, b, scratch, padded(g, oh, kh, sh), pw);
        int step = sw * c, down = sh * pw * c;   // from a pixel's input to the next pixel's, and the next row's
        for (int oy = 0; oy < oh; oy += 2) {
            for (int ox = 0; ox < ow; ox += 4) {
                for (int q = 0; q < co; q += CHANNELS) {
                    FloatVector a0 = FloatVector.zero(S), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
                    FloatVector e0 = a0, e1 = a0, f0 = a0, f1 = a0, g0 = a0, g1 = a0, h0 = a0, h1 = a0;
                    for (int ky = 0; ky < kh; ky++) {
                        // a row's taps (kx, then ci) lie side by side in the padded image: one loop over them
                        int i = ((oy * sh + ky) * pw + ox * sw) * c, fi = ky * kw * c * co + q;
                        for (int end = i + kw * c; i < end; i++, fi += co) {
                            FloatVector u = FloatVector.fromArray(S, f, fi), v = FloatVector.fromArray(S, f, fi + VL);
                            FloatVector t = FloatVector.broadcast(S, scratch[i]);
                            a0 = t.fma(u, a0);
                            a1 = t.fma(v, a1);
                            t = FloatVector.broadcast(S, scratch[i + step]);
                            b0 = t.fma(u, b0);
                            b1 = t.fma(v, b1);
                            t = FloatVector.broadcast(S, scratch[i + 2 * step]);
                            c0 = t.fma(u, c0);
                            c1 = t.fma(v, c1);
                            t = FloatVector.broadcast(S, scratch[i + 3 * step]);
                            d0 = t.fma(u, d0);
                            d1 = t.fma(v, d1);
                            t = FloatVector.broadcast(S, scratch[i + down]);
                            e0 = t.fma(u, e0);
                            e1 = t.fma(v, e1);
                            t = FloatVector.broadcast(S, scratch[i + down + step]);
                            f0 = t.fma(u, f0);
                            f1 = t.fma(v, f1);
                            t = FloatVector.broadcast(S, scratch[i + down + 2 * step]);
                            g0 = t.fma(u, g0);
                            g1 = t.fma(v, g1);
                            t = FloatVector.broadcast(S, scratch[i + down + 3 * step]);
                            h0 = t.fma(u, h0);
                            h1 = t.fma(v, h1);
                        }
                    }
                    // top row a b c d, bottom row e f g h; stored, since vectors passed to a method C2 does not inline are boxed
                    a0.intoArray(scratch, acc);
                    a1.intoArray(scratch, acc + VL);
                    b0.intoArray(scratch, acc + 2 * VL);
                    b1.intoArray(scratch, acc + 3 * VL);
                    c0.intoArray(scratch, acc + 4 * VL);
                    c1.intoArray(scratch, acc + 5 * VL);
                    d0.intoArray(scratch, acc + 6 * VL);
                    d1.intoArray(scratch, acc + 7 * VL);
                    e0.intoArray(scratch, acc + 8 * VL);
                    e1.intoArray(scratch, acc + 9 * VL);
                    f0.intoArray(scratch, acc + 10 * VL);
                    f1.intoArray(scratch, acc + 11 * VL);
                    g0.intoArray(scratch, acc + 12 * VL);
                    g1.intoArray(scratch, acc + 13 * VL);
                    h0.intoArray(scratch, acc + 14 * VL);
                    h1.intoArray(scratch, acc + 15 * VL);
                    int at = ((b * oh + oy) * ow + ox) * co + q, to = ((b * (oh / 2) + oy / 2) * (ow / 2) + ox / 2) * co + q;
                    for (int w = 0; w < 2; w++) {   // the left window (a b / e f), then the right (c d / g h)
                        for (int half = 0; half < CHANNELS; half += VL) {
                            pool(scratch, acc + 4 * w * VL + half, bias, q + half, at + 2 * w * co + half, co, ow * co, out, arg, to + w * co + half);
                        }
                    }
                }
            }
        }
    }

    /** Floats of scratch {@link #filterGradPadded} needs: the padded image. */
    static int paddedImage(Window g) {
        return padded(g, g.oh(), g.kh(), g.sh()) * padded(g, g.ow(), g.kw(), g.sw()) * g.c();
    }

    /**
     * df[0, patch * co) += image b's filter gradient and df[biasAt, biasAt + co) += its bias gradient,
     * from dz (the image's, at dz[0, oh * ow * co)): the image is copied into scratch with its padding
     * as zeros, and taps go eight at a time, each pass over the image's pixels in 16 FMA chains (the
     * first pass sums the bias too), so each dz vector is loaded once for 16 FMAs, with no bounds tests.
     * The padding's products are exact zeros; the sums run over the pixels in order.
     */
    static void filterGradPadded(float[] x, float[] dz, Window g, int co, float[] df, int biasAt, int b, float[] scratch) {
        int c = g.c(), row = g.kw() * c, taps = g.kh() * row, pw = padded(g, g.ow(), g.kw(), g.sw());
        pad(x, g, b, scratch, padded(g, g.oh(), g.kh(), g.sh()), pw);
        int[] at = new int[taps];   // each tap's input relative to its pixel's: a row's (kx, ci) lie side by side
        for (int t = 0; t < taps; t++) at[t] = t / row * pw * c + t % row;
        for (int q = 0; q < co; q += CHANNELS) {
            int t = 0;
            for (; t + 8 <= taps; t += 8) eightTaps(scratch, dz, g, pw, co, q, at, t, df, t == 0 ? biasAt : -1);
            for (; t < taps; t++) oneTap(scratch, dz, g, pw, co, q, at[t], df, t * co + q, t == 0 ? biasAt : -1);
        }
    }

    /** Taps t .. t+7 of output channels [q, q + 2VL), into df; with biasAt >= 0 the bias's sums too. */
    private static void eightTaps(float[] xp, float[] dz, Window g, int pw, int co, int q, int[] at, int t, float[] df, int biasAt) {
        int c = g.c(), step = g.sw() * c, down = g.sh() * pw * c, ow = g.ow();
        int i0 = at[t], i1 = at[t + 1], i2 = at[t + 2], i3 = at[t + 3], i4 = at[t + 4], i5 = at[t + 5], i6 = at[t + 6], i7 = at[t + 7];
        FloatVector a0 = FloatVector.zero(S), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
        FloatVector e0 = a0, e1 = a0, f0 = a0, f1 = a0, g0 = a0, g1 = a0, h0 = a0, h1 = a0, s0 = a0, s1 = a0;
        for (int oy = 0, d = q; oy < g.oh(); oy++) {
            for (int ox = 0, i = oy * down; ox < ow; ox++, i += step, d += co) {
                FloatVector u = FloatVector.fromArray(S, dz, d), v = FloatVector.fromArray(S, dz, d + VL);
                s0 = s0.add(u);
                s1 = s1.add(v);
                FloatVector w = FloatVector.broadcast(S, xp[i + i0]);
                a0 = w.fma(u, a0);
                a1 = w.fma(v, a1);
                w = FloatVector.broadcast(S, xp[i + i1]);
                b0 = w.fma(u, b0);
                b1 = w.fma(v, b1);
                w = FloatVector.broadcast(S, xp[i + i2]);
                c0 = w.fma(u, c0);
                c1 = w.fma(v, c1);
                w = FloatVector.broadcast(S, xp[i + i3]);
                d0 = w.fma(u, d0);
                d1 = w.fma(v, d1);
                w = FloatVector.broadcast(S, xp[i + i4]);
                e0 = w.fma(u, e0);
                e1 = w.fma(v, e1);
                w = FloatVector.broadcast(S, xp[i + i5]);
                f0 = w.fma(u, f0);
                f1 = w.fma(v, f1);
                w = FloatVector.broadcast(S, xp[i + i6]);
                g0 = w.fma(u, g0);
                g1 = w.fma(v, g1);
                w = FloatVector.broadcast(S, xp[i + i7]);
                h0 = w.fma(u, h0);
                h1 = w.fma(v, h1);
            }
        }
        int f = t * co + q;
        FloatVector.fromArray(S, df, f).add(a0).intoArray(df, f);
        FloatVector.fromArray(S, df, f + VL).add(a1).intoArray(df, f + VL);
        FloatVector.fromArray(S, df, f + co).add(b0).intoArray(df, f + co);
        FloatVector.fromArray(S, df, f + co + VL).add(b1).intoArray(df, f + co + VL);
        FloatVector.fromArray(S, df, f + 2 * co).add(c0).intoArray(df, f + 2 * co);
        FloatVector.fromArray(S, df, f + 2 * co + VL).add(c1).intoArray(df, f + 2 * co + VL);
        FloatVector.fromArray(S, df, f + 3 * co).add(d0).intoArray(df, f + 3 * co);
        FloatVector.fromArray(S, df, f + 3 * co + VL).add(d1).intoArray(df, f + 3 * co + VL);
        FloatVector.fromArray(S, df, f + 4 * co).add(e0).intoArray(df, f + 4 * co);
        FloatVector.fromArray(S, df, f + 4 * co + VL).add(e1).intoArray(df, f + 4 * co + VL);
        FloatVector.fromArray(S, df, f + 5 * co).add(f0).intoArray(df, f + 5 * co);
        FloatVector.fromArray(S, df, f + 5 * co + VL).add(f1).intoArray(df, f + 5 * co + VL);
        FloatVector.fromArray(S, df, f + 6 * co).add(g0).intoArray(df, f + 6 * co);
        FloatVector.fromArray(S, df, f + 6 * co + VL).add(g1).intoArray(df, f + 6 * co + VL);
        FloatVector.fromArray(S, df, f + 7 * co).add(h0).intoArray(df, f + 7 * co);
        FloatVector.fromArray(S, df, f + 7 * co + VL).add(h1).intoArray(df, f + 7 * co + VL);
        if (biasAt >= 0) {
            FloatVector.fromArray(S, df, biasAt + q).add(s0).intoArray(df, biasAt + q);
            FloatVector.fromArray(S, df, biasAt + q + VL).add(s1).intoArray(df, biasAt + q + VL);
        }
    }

    /** One tap's sums, as {@link #eightTaps} does eight (the bias's too where fewer than eight taps make a pass). */
    private static void oneTap(float[] xp, float[] dz, Window g, int pw, int co, int q, int at, float[] df, int f, int biasAt) {
        int c = g.c(), step = g.sw() * c, down = g.sh() * pw * c, ow = g.ow();
        FloatVector a0 = FloatVector.zero(S), a1 = a0, s0 = a0, s1 = a0;
        for (int oy = 0, d = q; oy < g.oh(); oy++) {
            for (int ox = 0, i = oy * down + at; ox < ow; ox++, i += step, d += co) {
                FloatVector u = FloatVector.fromArray(S, dz, d), v = FloatVector.fromArray(S, dz, d + VL);
                s0 = s0.add(u);
                s1 = s1.add(v);
                FloatVector w = FloatVector.broadcast(S, xp[i]);
                a0 = w.fma(u, a0);
                a1 = w.fma(v, a1);
            }
        }
        FloatVector.fromArray(S, df, f).add(a0).intoArray(df, f);
        FloatVector.fromArray(S, df, f + VL).add(a1).intoArray(df, f + VL);
        if (biasAt >= 0) {
            FloatVector.fromArray(S, df, biasAt + q).add(s0).intoArray(df, biasAt + q);
            FloatVector.fromArray(S, df, biasAt + q + VL).add(s1).intoArray(df, biasAt + q + VL);
        }
    }

    /** Image b into scratch[0, ph * pw * c): each row at its padded place, zeros around it. */
    private static void pad(float[] x, Window g, int b, float[] scratch, int ph, int pw) {
        int c = g.c(), h = g.h(), w = g.w();
        Arrays.fill(scratch, 0, ph * pw * c, 0f);
        int x0 = Math.max(0, -g.padLeft()), x1 = Math.min(w, pw - g.padLeft());   // the columns inside
        for (int iy = Math.max(0, -g.padTop()); iy < Math.min(h, ph - g.padTop()); iy++) {
            System.arraycopy(x, ((b * h + iy) * w + x0) * c, scratch, ((iy + g.padTop()) * pw + x0 + g.padLeft()) * c, (x1 - x0) * c);
        }
    }

    /**
     * One vector of a 2x2 window from the sums stored at s (top left), s + 2VL (top right), s + 8VL
     * and s + 10VL (bottom): bias and ReLU, the maximum, and the first pixel holding it (after the ReLU
     * no lane is NaN or -0, so max is the window's maximum and the first equal pixel is where a scan
     * replacing on strictly greater ends). {@code at}: the top left pixel's index into the output.
     */
    private static void pool(float[] scratch, int s, float[] bias, int q, int at, int right, int down, float[] out, int[] arg, int to) {
        biasRelu(scratch, s, bias, q);
        biasRelu(scratch, s + 2 * VL, bias, q);
        biasRelu(scratch, s + 8 * VL, bias, q);
        biasRelu(scratch, s + 10 * VL, bias, q);
        FloatVector a = FloatVector.fromArray(S, scratch, s), b = FloatVector.fromArray(S, scratch, s + 2 * VL);
        FloatVector c = FloatVector.fromArray(S, scratch, s + 8 * VL), d = FloatVector.fromArray(S, scratch, s + 10 * VL);
        FloatVector m = a.max(b).max(c).max(d);
        IntVector i = IntVector.zero(I).addIndex(1).add(at);
        m.intoArray(out, to);
        i.add(down + right).blend(i.add(down), c.eq(m).cast(I)).blend(i.add(right), b.eq(m).cast(I)).blend(i, a.eq(m).cast(I)).intoArray(arg, to);
    }

    /**
     * df (+)= the filter gradient over images b0 .. b0+nb-1: df[tap, o] = sum over pixels of x at the
     * tap * dy. Output row by output row: for each tap, the pixels whose input lies inside form one
     * run of columns, summed in four register accumulators (two pixels at a time) and then added to
     * the row block's partial sums; a block of rows joins the total.
     */
    static void filterGrad(float[] x, float[] dy, Window g, int co, float[] df, int b0, int nb, boolean accumulate) {
        filterGrad(x, dy, 0, null, null, g, co, df, b0, nb, accumulate);
    }

    /**
     * With {@code y} (a conv2dBiasRelu's output): the gradient is taken at dz = dy * (y > 0), made row
     * by row, and df holds the bias gradient after the filter's ({@code patch * co} on); each dz row
     * goes to {@code dzOut} too unless it is null. Without y, dy's element {@code i} of the whole batch
     * is read at {@code dy[i - dyBase]}.
     */
    static void filterGrad(float[] x, float[] dy, int dyBase, float[] y, float[] dzOut, Window g, int co, float[] df, int b0, int nb,
                           boolean accumulate) {
        int c = g.c(), h = g.h(), w = g.w(), kh = g.kh(), kw = g.kw(), sw = g.sw(), ow = g.ow();
        int filter = g.patch() * co, size = y == null ? filter : filter + co;
        if (!accumulate) Arrays.fill(df, 0, size, 0f);
        float[] part = new float[size], dz = y == null ? null : new float[ow * co];
        float[] src = y == null ? dy : dz;
        int rows = 0;
        for (int b = b0; b < b0 + nb; b++) {
            for (int oy = 0; oy < g.oh(); oy++) {
                int at = (b * g.oh() + oy) * ow * co, dRow = y == null ? at - dyBase : 0;
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
