package io.eager4j.internal;

/**
 * The definitions of the window and indexing primitives (convolution, pooling, gather and
 * scatter-add): plain loops in double, the order of every sum fixed, so fast and GPU backends are
 * held to them. NHWC inputs, HWIO filters.
 */
final class WindowReference {
    private WindowReference() {}

    /** Input row of output row oy at window row ky, or -1 in the padding. */
    private static int at(int o, int k, int stride, int pad, int size) {
        int i = o * stride + k - pad;
        return i >= 0 && i < size ? i : -1;
    }

    static double[] conv2d(double[] x, double[] f, Window g, int co) {
        double[] y = new double[g.positions() * co];
        forEachTap(g, (out, in, fk) -> {
            for (int ci = 0; ci < g.c(); ci++) {
                double v = x[in + ci];
                for (int o = 0; o < co; o++) y[out * co + o] += v * f[(fk + ci) * co + o];
            }
        });
        return y;
    }

    /** dx = the adjoint of conv2d in x: every output gradient flows back through the same taps. */
    static double[] conv2dInputGrad(double[] dy, double[] f, Window g, int co) {
        double[] dx = new double[g.n() * g.h() * g.w() * g.c()];
        forEachTap(g, (out, in, fk) -> {
            for (int ci = 0; ci < g.c(); ci++) {
                double s = 0;
                for (int o = 0; o < co; o++) s += dy[out * co + o] * f[(fk + ci) * co + o];
                dx[in + ci] += s;
            }
        });
        return dx;
    }

    static double[] conv2dFilterGrad(double[] x, double[] dy, Window g, int co) {
        double[] df = new double[g.patch() * co];
        forEachTap(g, (out, in, fk) -> {
            for (int ci = 0; ci < g.c(); ci++) {
                double v = x[in + ci];
                for (int o = 0; o < co; o++) df[(fk + ci) * co + o] += v * dy[out * co + o];
            }
        });
        return df;
    }

    private interface Tap {
        /** Output position {@code out} (n, oy, ox flattened), input offset {@code in}, filter row {@code fk} (ky, kx, c=0). */
        void at(int out, int in, int fk);
    }

    private static void forEachTap(Window g, Tap tap) {
        for (int b = 0; b < g.n(); b++) {
            for (int oy = 0; oy < g.oh(); oy++) {
                for (int ox = 0; ox < g.ow(); ox++) {
                    int out = (b * g.oh() + oy) * g.ow() + ox;
                    for (int ky = 0; ky < g.kh(); ky++) {
                        int iy = at(oy, ky, g.sh(), g.padTop(), g.h());
                        if (iy < 0) continue;
                        for (int kx = 0; kx < g.kw(); kx++) {
                            int ix = at(ox, kx, g.sw(), g.padLeft(), g.w());
                            if (ix >= 0) tap.at(out, ((b * g.h() + iy) * g.w() + ix) * g.c(), (ky * g.kw() + kx) * g.c());
                        }
                    }
                }
            }
        }
    }

    /**
     * Max pool: {y, the flat input index of each output's maximum}. The first maximum in window
     * order wins (TF's); padding never does. A window that is all NaN picks its first element.
     */
    static Object[] maxPool(double[] x, Window g) {
        int c = g.c();
        double[] y = new double[g.positions() * c];
        int[] arg = new int[y.length];
        java.util.Arrays.fill(arg, -1);
        poolTaps(g, (out, in, count) -> {
            for (int ci = 0; ci < c; ci++) {
                int o = out * c + ci;
                if (arg[o] < 0 || x[in + ci] > y[o]) {
                    y[o] = x[in + ci];
                    arg[o] = in + ci;
                }
            }
        });
        return new Object[] {y, arg};
    }

    /** Average pool: each window's sum over its real elements, then one division by their count (TF's). */
    static double[] avgPool(double[] x, Window g) {
        double[] y = new double[g.positions() * g.c()];
        int[] counts = new int[g.positions()];
        poolTaps(g, (out, in, count) -> {
            counts[out] = count;
            for (int ci = 0; ci < g.c(); ci++) y[out * g.c() + ci] += x[in + ci];
        });
        for (int i = 0; i < y.length; i++) y[i] /= counts[i / g.c()];
        return y;
    }

    static double[] avgPoolGrad(double[] dy, Window g) {
        double[] dx = new double[g.n() * g.h() * g.w() * g.c()];
        poolTaps(g, (out, in, count) -> {
            for (int ci = 0; ci < g.c(); ci++) dx[in + ci] += dy[out * g.c() + ci] / count;
        });
        return dx;
    }

    private interface PoolTap {
        void at(int out, int in, int count);
    }

    private static void poolTaps(Window g, PoolTap tap) {
        for (int p = 0; p < g.positions(); p++) {
            int b = p / (g.oh() * g.ow()), oy = p / g.ow() % g.oh(), ox = p % g.ow();
            int y0 = g.top(oy), y1 = g.bottom(oy), x0 = g.left(ox), x1 = g.right(ox);
            int count = (y1 - y0) * (x1 - x0);
            for (int iy = y0; iy < y1; iy++) {
                for (int ix = x0; ix < x1; ix++) tap.at(p, ((b * g.h() + iy) * g.w() + ix) * g.c(), count);
            }
        }
    }

    /** x viewed as [outer, dim, inner]; r[o, j, i] = x[o, idx[j], i]. Out of range is an error here. */
    static double[] gather(double[] x, int outer, int dim, int inner, int[] idx) {
        double[] r = new double[outer * idx.length * inner];
        for (int j = 0; j < idx.length; j++) {
            if (idx[j] < 0 || idx[j] >= dim) {
                throw new IllegalArgumentException("gather: index " + idx[j] + " at position " + j + " is outside [0, " + dim + ")");
            }
        }
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < idx.length; j++) {
                System.arraycopy(x, (o * dim + idx[j]) * inner, r, (o * idx.length + j) * inner, inner);
            }
        }
        return r;
    }

    /** The adjoint of gather: v viewed as [outer, idx.length, inner] summed into [outer, dim, inner]. */
    static double[] scatterAdd(double[] v, int outer, int dim, int inner, int[] idx) {
        double[] r = new double[outer * dim * inner];
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < idx.length; j++) {
                if (idx[j] < 0 || idx[j] >= dim) continue;
                int to = (o * dim + idx[j]) * inner, from = (o * idx.length + j) * inner;
                for (int i = 0; i < inner; i++) r[to + i] += v[from + i];
            }
        }
        return r;
    }
}
