package io.eager4j.internal.cpu;

import io.eager4j.internal.Alloc;
import io.eager4j.internal.Kernels;
import io.eager4j.internal.Window;

/**
 * Float32 convolution through im2col and the GEMM, and pooling in single passes. The batch is cut
 * into tiles of whole images whose im2col matrix stays small (about 2 MB, in cache, and memory
 * bounded whatever the batch); tiles run on the workers, each with its own single-thread GEMM.
 */
public final class FastWindows {
    // 2 MB, about a core's L2 here: since the CNN's convolutions pool in one op (PooledConv), its step ran
    // +8% with 1 or 2 MB tiles against 4 MB (CnnWorkload, 2 alternating pairs each); 512 KB the same
    private static final int TILE_FLOATS = 1 << 19;
    private static final int SHORT_PATCH = 32;

    private final Gemm gemm;
    final Workers workers;
    private final int directChannels;   // DirectConv's channel multiple, 0 without the Vector API
    private final int vectorLength;     // VectorPatches' channel multiple, 0 without the Vector API
    private final PooledConv pooled = new PooledConv(this);
    final Winograd winograd;            // null without the Vector API or with -Deager4j.conv.winograd=false
    // per thread: patches, outputs; Winograd's transformed inputs, outputs, input gradients, one block's
    private final ThreadLocal<float[][]> scratch = ThreadLocal.withInitial(() -> new float[6][0]);

    /** {@code gemm} single-threaded: the tiles are what runs in parallel. */
    public FastWindows(Gemm gemm, Workers workers) {
        this.gemm = gemm;
        this.workers = workers;
        // -Deager4j.conv.vector=false: im2col for every convolution, in plain loops
        boolean vector = !"false".equals(System.getProperty("eager4j.conv.vector")) && Gemms.vectorApiPresent();
        this.directChannels = vector ? DirectConv.CHANNELS : 0;
        this.vectorLength = vector ? VectorPatches.VL : 0;
        // -Deager4j.conv.winograd=false: 5x5 convolutions through im2col as the others
        this.winograd = vector && !"false".equals(System.getProperty("eager4j.conv.winograd")) ? new Winograd(gemm, this) : null;
    }

    /** Whether this geometry goes straight from the input, not through im2col ({@link DirectConv}): short patches (a first layer's). */
    public boolean direct(Window g, int co) {
        return directChannels > 0 && g.patch() <= SHORT_PATCH && co % directChannels == 0;
    }

    /** Whether this geometry goes through {@link Winograd}'s F(2x2, 5x5) rather than im2col: channels in and out a multiple of the vector length. */
    public boolean throughWinograd(Window g, int co) {
        return winograd != null && vectorRows(g.c()) && vectorRows(co) && Winograd.fits(g);   // never direct: 25 x c taps
    }

    /** G f Gᵀ where {@link #throughWinograd}, else null. */
    float[] winogradFilter(float[] f, Window g, int co) {
        return throughWinograd(g, co) ? Winograd.filter(f, g.c(), co) : null;
    }

    /**
     * This thread's scratch array {@code slot} (0: patches or their gradients, or the direct path's padded
     * image, 1: a tile's outputs or their gradients; 2-5:
     * {@link Winograd}'s), at least n long; it grows to the largest size seen.
     */
    float[] scratch(int slot, int n) {
        float[][] s = scratch.get();
        if (s[slot].length < n) s[slot] = new float[n];
        return s[slot];
    }

    /** Images per tile: whole tiles, a multiple of the threads, each im2col under TILE_FLOATS. */
    int tile(Window g) {
        long perImage = (long) g.oh() * g.ow() * g.patch();
        int threads = workers.threads();
        long tiles = Math.max(threads, (g.n() * perImage + TILE_FLOATS - 1) / TILE_FLOATS);
        tiles = (tiles + threads - 1) / threads * threads;
        return (int) Math.max(1, (g.n() + tiles - 1) / tiles);
    }

    int tiles(Window g, int tile) {
        return (g.n() + tile - 1) / tile;
    }

    /** Whether rows of c channels go a vector at a time ({@link VectorPatches}). */
    boolean vectorRows(int c) {
        return vectorLength > 0 && c % vectorLength == 0;
    }

    /**
     * Rows (b0 .. b0+nb) x (oy, ox) of patches, columns (ky, kx, c); zeros where the window is in the
     * padding. With {@code vector}, each tap's channels are copied a vector at a time (the same values).
     */
    static void im2col(float[] x, Window g, int b0, int nb, float[] col, boolean vector) {
        int c = g.c(), k = g.patch(), row = 0;
        for (int b = b0; b < b0 + nb; b++) {
            for (int oy = 0; oy < g.oh(); oy++) {
                for (int ox = 0; ox < g.ow(); ox++, row++) {
                    int at = row * k;
                    for (int ky = 0; ky < g.kh(); ky++) {
                        int iy = oy * g.sh() + ky - g.padTop();
                        for (int kx = 0; kx < g.kw(); kx++, at += c) {
                            int ix = ox * g.sw() + kx - g.padLeft();
                            if (iy < 0 || iy >= g.h() || ix < 0 || ix >= g.w()) {
                                if (vector) VectorPatches.zero(col, at, c);
                                else for (int ci = 0; ci < c; ci++) col[at + ci] = 0f;
                                continue;
                            }
                            int from = ((b * g.h() + iy) * g.w() + ix) * c;
                            if (vector) {
                                VectorPatches.copy(x, from, col, at, c);
                            } else if (c < 16) {   // a call per few floats costs more than the copy (a first layer's c = 1)
                                for (int ci = 0; ci < c; ci++) col[at + ci] = x[from + ci];
                            } else {
                                System.arraycopy(x, from, col, at, c);
                            }
                        }
                    }
                }
            }
        }
    }

    /** The adjoint of im2col: each patch column is added back to the input element it came from. */
    static void col2im(float[] col, Window g, int b0, int nb, float[] dx, boolean vector) {
        int c = g.c(), k = g.patch(), row = 0;
        for (int b = b0; b < b0 + nb; b++) {
            for (int oy = 0; oy < g.oh(); oy++) {
                for (int ox = 0; ox < g.ow(); ox++, row++) {
                    int at = row * k;
                    for (int ky = 0; ky < g.kh(); ky++) {
                        int iy = oy * g.sh() + ky - g.padTop();
                        for (int kx = 0; kx < g.kw(); kx++, at += c) {
                            int ix = ox * g.sw() + kx - g.padLeft();
                            if (iy < 0 || iy >= g.h() || ix < 0 || ix >= g.w()) continue;
                            int to = ((b * g.h() + iy) * g.w() + ix) * c;
                            if (vector) VectorPatches.add(col, at, dx, to, c);
                            else for (int ci = 0; ci < c; ci++) dx[to + ci] += col[at + ci];
                        }
                    }
                }
            }
        }
    }

    public float[] conv2d(float[] x, float[] f, Window g, int co) {
        return convolve(x, f, null, g, co);
    }

    /**
     * relu(conv2d(x, f) + bias): straight from the input where {@link #direct} holds (the output
     * written once), else each tile's GEMM output gets its bias and ReLU while still in cache. The
     * same roundings as conv2d then biasRelu.
     */
    public float[] conv2dBiasRelu(float[] x, float[] f, float[] bias, Window g, int co) {
        return convolve(x, f, bias, g, co);
    }

    /** conv2d, and with {@code bias} its bias and ReLU; every element of the result is written. */
    private float[] convolve(float[] x, float[] f, float[] bias, Window g, int co) {
        float[] y = Alloc.floatsOverwritten(g.positions() * co);
        int per = g.oh() * g.ow(), tile = tile(g);
        boolean direct = direct(g, co);
        float[] u = winogradFilter(f, g, co);
        workers.run(tiles(g, tile), t -> {
            int b0 = t * tile, nb = Math.min(tile, g.n() - b0);
            if (direct) {
                DirectConv.forward(x, f, bias, g, co, y, 0, b0, nb);
                return;
            }
            tileForward(x, f, u, bias, g, co, b0, nb, y, b0 * per * co);
        });
        return y;
    }

    /**
     * Images b0 .. b0+nb-1 through im2col (scratch slot 0) and the GEMM into y from {@code at}, or
     * through Winograd with its filter u; with {@code bias} their bias and ReLU while the tile is in cache.
     */
    void tileForward(float[] x, float[] f, float[] u, float[] bias, Window g, int co, int b0, int nb, float[] y, int at) {
        if (u != null) {
            winograd.forward(x, u, bias, g, co, b0, nb, y, at);
            return;
        }
        int rows = nb * g.oh() * g.ow(), k = g.patch();
        float[] col = scratch(0, rows * k);
        im2col(x, g, b0, nb, col, vectorRows(g.c()));
        gemm.sgemm(false, false, rows, co, k, col, 0, k, f, 0, co, y, at, co, false);
        if (bias == null) return;
        for (int end = at + rows * co; at < end; at += co) {
            for (int j = 0; j < co; j++) y[at + j] = Kernels.relu(y[at + j] + bias[j]);
        }
    }

    /**
     * dx for images b0 .. b0+nb-1 from their dy (read from {@code at}): dcol = dy · Fᵀ, F stored [k, co],
     * in scratch slot 0, then col2im. Tiles own disjoint images, so no two write one dx element.
     */
    void tileInputGrad(float[] dy, int at, float[] f, Window g, int co, int b0, int nb, float[] dx) {
        int rows = nb * g.oh() * g.ow(), k = g.patch();
        float[] col = scratch(0, rows * k);
        gemm.sgemm(false, true, rows, k, co, dy, at, co, f, 0, co, col, 0, k, false);
        col2im(col, g, b0, nb, dx, vectorRows(g.c()));
    }

    /** df (+)= the filter gradient of images b0 .. b0+nb-1 from their dy (read from {@code at}): im2col (scratch slot 0), then the GEMM. */
    void tileFilterGrad(float[] x, float[] dy, int at, Window g, int co, int b0, int nb, float[] df, boolean accumulate) {
        int rows = nb * g.oh() * g.ow(), k = g.patch();
        float[] col = scratch(0, rows * k);
        im2col(x, g, b0, nb, col, vectorRows(g.c()));
        gemm.sgemm(true, false, k, co, rows, col, 0, k, dy, at, co, df, 0, co, accumulate);
    }

    public float[] conv2dInputGrad(float[] dy, float[] f, Window g, int co) {
        float[] dx = Alloc.floats(g.n() * g.h() * g.w() * g.c());
        int per = g.oh() * g.ow(), tile = tile(g);
        float[] u = winogradFilter(f, g, co);
        workers.run(tiles(g, tile), t -> {
            int b0 = t * tile, nb = Math.min(tile, g.n() - b0);
            if (u != null) winograd.backward(null, dy, b0 * per * co, u, g, co, b0, nb, dx, null, false);
            else tileInputGrad(dy, b0 * per * co, f, g, co, b0, nb, dx);
        });
        return dx;
    }

    public float[] conv2dFilterGrad(float[] x, float[] dy, Window g, int co) {
        int per = g.oh() * g.ow();
        boolean direct = direct(g, co);
        if (throughWinograd(g, co)) {
            float[] du = slotSums(g, Winograd.transformed(g.c(), co), (sum, b0, nb, accumulate) ->
                    winograd.backward(x, dy, b0 * per * co, null, g, co, b0, nb, null, sum, accumulate));
            return Winograd.filterGradient(du, g.c(), co);
        }
        return slotSums(g, g.patch() * co, (df, b0, nb, accumulate) -> {
            if (direct) DirectConv.filterGrad(x, dy, g, co, df, b0, nb, accumulate);
            else tileFilterGrad(x, dy, b0 * per * co, g, co, b0, nb, df, accumulate);
        });
    }

    /** A sum over tiles of images into an array of {@code size}: {@code accumulate} is false for a slot's first tile. */
    interface TileSum {
        void add(float[] sum, int b0, int nb, boolean accumulate);
    }

    /** One partial sum per thread slot, tiles dealt round-robin, the partials added in slot order: the order of the sums is fixed. */
    float[] slotSums(Window g, int size, TileSum body) {
        int tile = tile(g), tiles = tiles(g, tile), threads = workers.threads();
        float[][] partial = new float[threads][];
        workers.run(threads, slot -> {
            float[] sum = new float[size];
            for (int t = slot; t < tiles; t += threads) body.add(sum, t * tile, Math.min(tile, g.n() - t * tile), t != slot);
            partial[slot] = sum;
        });
        return sum(partial);
    }

    /** The threads' partial sums added in slot order: the order of the sums is fixed. */
    private static float[] sum(float[][] partial) {
        float[] total = partial[0];
        for (int s = 1; s < partial.length; s++) {
            for (int i = 0; i < total.length; i++) total[i] += partial[s][i];
        }
        return total;
    }

    /**
     * {filter gradient, bias gradient, dz or null}: conv2dBiasRelu's gradients from dy and its output
     * y, the ReLU's mask applied row by row on the way; only where {@link #direct} holds.
     */
    public float[][] conv2dBiasReluGrad(float[] x, float[] dy, float[] y, Window g, int co, boolean wantDz) {
        int filter = g.patch() * co;
        float[] dz = wantDz ? Alloc.floatsOverwritten(g.positions() * co) : null;
        // each slot's sums: the filter's gradient, then the bias's
        float[] all = slotSums(g, filter + co, (acc, b0, nb, accumulate) -> DirectConv.filterGrad(x, dy, y, dz, g, co, acc, b0, nb, accumulate));
        return new float[][] {java.util.Arrays.copyOf(all, filter), java.util.Arrays.copyOfRange(all, filter, filter + co), dz};
    }

    /** {pooled, argmax into the convolution's output} of maxPool2d(conv2dBiasRelu(...)); pooling windows must not overlap. */
    public Object[] conv2dBiasReluMaxPool(float[] x, float[] f, float[] bias, Window g, Window pool, int co) {
        return pooled.forward(x, f, bias, g, pool, co);
    }

    /** Its {filter gradient, bias gradient, input gradient or null}; {@code wantDx} only where {@link #direct} does not hold. */
    public float[][] conv2dBiasReluMaxPoolGrad(float[] x, float[] f, float[] dp, float[] pooledOut, int[] arg, Window g, Window pool,
                                               int co, boolean wantDx) {
        return pooled.backward(x, f, dp, pooledOut, arg, g, pool, co, wantDx);
    }

    /** {y, argmax}: the first maximum in window order wins, as the reference. Images run in parallel. */
    public Object[] maxPool(float[] x, Window g) {
        int c = g.c(), per = g.oh() * g.ow();
        float[] y = Alloc.floats(g.positions() * c);
        int[] arg = Alloc.ints(y.length);
        int threads = workers.threads(), chunk = (g.n() + threads - 1) / threads;
        workers.run(threads, t -> {
            boolean vector = vectorRows(c);
            for (int p = t * chunk * per, end = Math.min(g.n(), (t + 1) * chunk) * per; p < end; p++) {
                maxPoolAt(x, 0, g, p, y, arg, vector);
            }
        });
        return new Object[] {y, arg};
    }

    /**
     * Max pooling's gradient where windows do not overlap (stride >= window): each input element is in
     * one window at most, so dx is dy at that window's maximum and 0 elsewhere, written in one pass
     * over the windows on both cores (the scatter it replaces zeroed dx first, then wrote at random;
     * the values are the same, since no element takes two). When the windows tile the input, every
     * element is written and dx is not zeroed first.
     */
    public float[] maxPoolGrad(float[] dy, int[] arg, Window g) {
        int c = g.c(), per = g.oh() * g.ow();
        boolean tiles = g.sh() == g.kh() && g.sw() == g.kw() && g.padTop() == 0 && g.padLeft() == 0
                && g.oh() * g.sh() >= g.h() && g.ow() * g.sw() >= g.w();
        int size = g.n() * g.h() * g.w() * c;
        float[] dx = tiles ? Alloc.floatsOverwritten(size) : Alloc.floats(size);
        parallel(g.n() * per, c * g.kh() * g.kw(), (from, to) -> {
            for (int p = from; p < to; p++) {
                int b = p / per, oy = p / g.ow() % g.oh(), ox = p % g.ow(), out = p * c;
                for (int iy = g.top(oy); iy < g.bottom(oy); iy++) {
                    for (int ix = g.left(ox); ix < g.right(ox); ix++) {
                        int in = ((b * g.h() + iy) * g.w() + ix) * c;
                        for (int ci = 0; ci < c; ci++) {   // dy where this is the maximum, else +0: on the bits, no branch
                            int d = arg[out + ci] ^ (in + ci);
                            dx[in + ci] = Float.intBitsToFloat(Float.floatToRawIntBits(dy[out + ci]) & ~((d | -d) >> 31));
                        }
                    }
                }
            }
        });
        return dx;
    }

    /** Window p of a max pool into y and arg; the batch's input element i is read at x[i - xBase]. */
    static void maxPoolAt(float[] x, int xBase, Window g, int p, float[] y, int[] arg, boolean vector) {
        if (vector) {
            VectorPatches.maxPoolAt(x, xBase, g, p, y, arg);
            return;
        }
        int c = g.c();
        int b = p / (g.oh() * g.ow()), oy = p / g.ow() % g.oh(), ox = p % g.ow();
        int y0 = g.top(oy), y1 = g.bottom(oy), x0 = g.left(ox), x1 = g.right(ox);
        int out = p * c, first = ((b * g.h() + y0) * g.w() + x0) * c;
        for (int ci = 0; ci < c; ci++) {
            y[out + ci] = x[first + ci - xBase];
            arg[out + ci] = first + ci;
        }
        for (int iy = y0; iy < y1; iy++) {
            for (int ix = x0; ix < x1; ix++) {
                int in = ((b * g.h() + iy) * g.w() + ix) * c;
                if (in == first) continue;
                for (int ci = 0; ci < c; ci++) {
                    float v = x[in + ci - xBase];
                    if (v > y[out + ci]) {
                        y[out + ci] = v;
                        arg[out + ci] = in + ci;
                    }
                }
            }
        }
    }

    /** A piece [from, to) of a loop. */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    /** Runs body(from, to) over [0, n) in one piece per worker when n is large enough to pay. */
    public void parallel(int n, Range body) {
        parallel(n, 1, body);
    }

    /** Like {@link #parallel(int, Range)} over n items of {@code width} elements each. */
    public void parallel(int n, int width, Range body) {
        parallel(n, width, 1 << 18, body);
    }

    /** Like {@link #parallel(int, int, Range)}, split once the items hold {@code minElements} elements or more. */
    public void parallel(int n, int width, long minElements, Range body) {
        int threads = (long) n * width >= minElements ? workers.threads() : 1, chunk = (n + threads - 1) / threads;
        if (threads == 1) {
            body.run(0, n);
            return;
        }
        workers.run(threads, t -> body.run(t * chunk, Math.min(n, (t + 1) * chunk)));
    }
}
