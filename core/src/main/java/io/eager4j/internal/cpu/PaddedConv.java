package io.eager4j.internal.cpu;

import io.eager4j.internal.Window;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DirectConv}'s kernels for the pooled op ({@link PooledConv}), from a copy of one image with
 * its padding as zeros in scratch: no bounds tests, and a row's taps (kx, then ci) side by side, so
 * one loop runs over them; 16 FMA chains either way. The padding's products are exact zeros (for a
 * finite filter; a sum starting at +0 never becomes -0). Only loaded when {@code jdk.incubator.vector}
 * is present.
 */
final class PaddedConv {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());   // as many int lanes
    private static final int VL = S.length(), CHANNELS = DirectConv.CHANNELS;

    private PaddedConv() {}

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
        return paddedImage(g) + 16 * VL;
    }

    /** Floats of scratch {@link #filterGradPadded} needs: the padded image. */
    static int paddedImage(Window g) {
        return padded(g, g.oh(), g.kh(), g.sh()) * padded(g, g.ow(), g.kw(), g.sw()) * g.c();
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
     * {@link DirectConv#forward}'s, and pooled values and argmax are {@link VectorPatches#maxPoolAt}'s on it.
     * Measured against that pair, 128 images of conv1 on one thread: 7.0 -> 4.7-5.3 ms.
     */
    static void forwardPooled(float[] x, float[] f, float[] bias, Window g, int co, float[] out, int[] arg, int b, float[] scratch) {
        int c = g.c(), kh = g.kh(), kw = g.kw(), sh = g.sh(), sw = g.sw(), oh = g.oh(), ow = g.ow();
        int pw = padded(g, ow, kw, sw), acc = paddedImage(g);   // the 16 vectors' sums after the image
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
        DirectConv.biasRelu(scratch, s, bias, q);
        DirectConv.biasRelu(scratch, s + 2 * VL, bias, q);
        DirectConv.biasRelu(scratch, s + 8 * VL, bias, q);
        DirectConv.biasRelu(scratch, s + 10 * VL, bias, q);
        FloatVector a = FloatVector.fromArray(S, scratch, s), b = FloatVector.fromArray(S, scratch, s + 2 * VL);
        FloatVector c = FloatVector.fromArray(S, scratch, s + 8 * VL), d = FloatVector.fromArray(S, scratch, s + 10 * VL);
        FloatVector m = a.max(b).max(c).max(d);
        IntVector i = IntVector.zero(I).addIndex(1).add(at);
        m.intoArray(out, to);
        i.add(down + right).blend(i.add(down), c.eq(m).cast(I)).blend(i.add(right), b.eq(m).cast(I)).blend(i, a.eq(m).cast(I)).intoArray(arg, to);
    }
}
