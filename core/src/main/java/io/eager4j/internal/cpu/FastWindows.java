package io.eager4j.internal.cpu;

import io.eager4j.internal.Window;

/**
 * Float32 convolution through im2col and the GEMM, and pooling in single passes. The batch is cut
 * into tiles of whole images whose im2col matrix stays small (about 4 MB, in cache, and memory
 * bounded whatever the batch); tiles run on the workers, each with its own single-thread GEMM.
 */
public final class FastWindows {
    private static final int TILE_FLOATS = 1 << 20;

    private final Gemm gemm;
    private final Workers workers;
    private final ThreadLocal<float[]> scratch = ThreadLocal.withInitial(() -> new float[0]);

    /** {@code gemm} single-threaded: the tiles are what runs in parallel. */
    public FastWindows(Gemm gemm, Workers workers) {
        this.gemm = gemm;
        this.workers = workers;
    }

    private float[] scratch(int n) {
        float[] s = scratch.get();
        if (s.length < n) {
            s = new float[n];
            scratch.set(s);
        }
        return s;
    }

    /** Images per tile: whole tiles, a multiple of the threads, each im2col under TILE_FLOATS. */
    private int tile(Window g) {
        long perImage = (long) g.oh() * g.ow() * g.patch();
        int threads = workers.threads();
        long tiles = Math.max(threads, (g.n() * perImage + TILE_FLOATS - 1) / TILE_FLOATS);
        tiles = (tiles + threads - 1) / threads * threads;
        return (int) Math.max(1, (g.n() + tiles - 1) / tiles);
    }

    private int tiles(Window g, int tile) {
        return (g.n() + tile - 1) / tile;
    }

    /** Rows (b0 .. b0+nb) x (oy, ox) of patches, columns (ky, kx, c); zeros where the window is in the padding. */
    static void im2col(float[] x, Window g, int b0, int nb, float[] col) {
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
                                java.util.Arrays.fill(col, at, at + c, 0f);
                            } else {
                                System.arraycopy(x, ((b * g.h() + iy) * g.w() + ix) * c, col, at, c);
                            }
                        }
                    }
                }
            }
        }
    }

    /** The adjoint of im2col: each patch column is added back to the input element it came from. */
    static void col2im(float[] col, Window g, int b0, int nb, float[] dx) {
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
                            for (int ci = 0; ci < c; ci++) dx[to + ci] += col[at + ci];
                        }
                    }
                }
            }
        }
    }

    public float[] conv2d(float[] x, float[] f, Window g, int co) {
        float[] y = new float[g.positions() * co];
        int per = g.oh() * g.ow(), k = g.patch(), tile = tile(g);
        workers.run(tiles(g, tile), t -> {
            int b0 = t * tile, nb = Math.min(tile, g.n() - b0);
            float[] col = scratch(nb * per * k);
            im2col(x, g, b0, nb, col);
            gemm.sgemm(false, false, nb * per, co, k, col, 0, k, f, 0, co, y, b0 * per * co, co, false);
        });
        return y;
    }

    public float[] conv2dInputGrad(float[] dy, float[] f, Window g, int co) {
        float[] dx = new float[g.n() * g.h() * g.w() * g.c()];
        int per = g.oh() * g.ow(), k = g.patch(), tile = tile(g);
        workers.run(tiles(g, tile), t -> {
            int b0 = t * tile, nb = Math.min(tile, g.n() - b0);
            float[] col = scratch(nb * per * k);
            // dcol = dy · Fᵀ, F stored [k, co]; tiles own disjoint images, so no two write one dx element
            gemm.sgemm(false, true, nb * per, k, co, dy, b0 * per * co, co, f, 0, co, col, 0, k, false);
            col2im(col, g, b0, nb, dx);
        });
        return dx;
    }

    public float[] conv2dFilterGrad(float[] x, float[] dy, Window g, int co) {
        int per = g.oh() * g.ow(), k = g.patch(), tile = tile(g), tiles = tiles(g, tile), threads = workers.threads();
        float[][] partial = new float[threads][];
        // one partial sum per thread slot, tiles dealt round-robin: the order of the sums is fixed
        workers.run(threads, slot -> {
            float[] df = new float[k * co];
            boolean first = true;
            for (int t = slot; t < tiles; t += threads) {
                int b0 = t * tile, nb = Math.min(tile, g.n() - b0);
                float[] col = scratch(nb * per * k);
                im2col(x, g, b0, nb, col);
                gemm.sgemm(true, false, k, co, nb * per, col, 0, k, dy, b0 * per * co, co, df, 0, co, !first);
                first = false;
            }
            partial[slot] = df;
        });
        float[] df = partial[0];
        for (int s = 1; s < threads; s++) {
            for (int i = 0; i < df.length; i++) df[i] += partial[s][i];
        }
        return df;
    }

    /** {y, argmax}: the first maximum in window order wins, as the reference. */
    public Object[] maxPool(float[] x, Window g) {
        int c = g.c();
        float[] y = new float[g.positions() * c];
        int[] arg = new int[y.length];
        for (int p = 0; p < g.positions(); p++) {
            int b = p / (g.oh() * g.ow()), oy = p / g.ow() % g.oh(), ox = p % g.ow();
            int y0 = Math.max(oy * g.sh() - g.padTop(), 0), y1 = Math.min(oy * g.sh() - g.padTop() + g.kh(), g.h());
            int x0 = Math.max(ox * g.sw() - g.padLeft(), 0), x1 = Math.min(ox * g.sw() - g.padLeft() + g.kw(), g.w());
            int out = p * c, first = ((b * g.h() + y0) * g.w() + x0) * c;
            System.arraycopy(x, first, y, out, c);
            for (int ci = 0; ci < c; ci++) arg[out + ci] = first + ci;
            for (int iy = y0; iy < y1; iy++) {
                for (int ix = x0; ix < x1; ix++) {
                    int in = ((b * g.h() + iy) * g.w() + ix) * c;
                    for (int ci = 0; ci < c; ci++) {
                        if (x[in + ci] > y[out + ci]) {
                            y[out + ci] = x[in + ci];
                            arg[out + ci] = in + ci;
                        }
                    }
                }
            }
        }
        return new Object[] {y, arg};
    }

    /**
     * values[j] added at idx[j] into a zero array of n (max pool's backward), summed in double and
     * rounded once like the reference: overlapping windows send several gradients to one element.
     */
    public static float[] scatterFlat(float[] values, int[] idx, int n) {
        double[] sum = new double[n];
        for (int j = 0; j < idx.length; j++) sum[idx[j]] += values[j];
        float[] r = new float[n];
        for (int i = 0; i < n; i++) r[i] = (float) sum[i];
        return r;
    }
}
