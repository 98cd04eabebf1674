package io.eager4j.internal.cpu;

import io.eager4j.internal.Window;

/**
 * 5x5 convolutions of stride 1 with SAME padding on even sizes through Winograd's minimal filtering
 * F(2x2, 5x5) (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2016). A 2x2
 * block of outputs is Aᵀ[(G f Gᵀ) ⊙ (Bᵀ d B)]A, d the 6x6 input block under it: 36 products per pair
 * of channels instead of 100, and the sums over the input channels become 36 GEMMs, one per point
 * of the 6x6 grid, over a chunk of blocks small enough to stay in the core's L2. The gradients are
 * this computation's adjoints step by step, so they are the convolution's up to rounding. The
 * points are 0, ±1, 2, -1/2 and ∞: Bᵀ and Aᵀ are exact in float, and the rest is in G, applied to
 * the filter in double and rounded once. Results differ from im2col's by rounding only, a few times
 * im2col's own (measured at POINTS; the fast backend's tests bound it against the reference).
 */
final class Winograd {
    // blocks per chunk, so that a chunk's transformed inputs and outputs stay in L2 beside the 295 KB filter:
    // the CNN's conv2 (ConvBench, pooled, 4 iterations): forward 49 (one 14x14 image) 7.0 ms, 98 10.1, 32 10.7;
    // backward 98 16.2 ms (also the filter gradient's depth: fewer passes over its sums), 49 18.4, 147 15.7-17.1
    private static final int CHUNK = 49, BACK_CHUNK = 98;
    // the five finite points, infinity the sixth. Against 0, ±1, ±2 these halve the error (max error over the rms of the
    // result, 14x14x32 into 64, batch 4: forward 1.3e-5 -> 6.3e-6, filter gradient 4.1e-5 -> 1.4e-5; im2col
    // 2.5e-6); all are dyadic, so Bᵀ and Aᵀ stay exact in float
    private static final double[] POINTS = {0, 1, -1, 2, -0.5};
    // the matrices at POINTS, Toom-Cook transposed: Aᵀ evaluates at the points, Bᵀ's rows are the Lagrange
    // basis polynomials times f_j = prod (a_j - a_l), and G takes the 1/f_j (WinogradKernels has Bᵀ's and
    // Aᵀ's coefficients written out; WinogradTest compares them, and checks the correlation)
    static final double[][] BT = new double[6][6], AT = new double[2][6];
    static final double[][] G = new double[6][5];

    static {
        for (int j = 0; j < 6; j++) {   // row j: the coefficients of prod over the other finite points of (x - a); the last, over all five
            double[] poly = {1};
            for (int l = 0; l < 5; l++) if (l != j) poly = timesXMinus(poly, POINTS[l]);
            for (int k = 0; k < poly.length; k++) BT[j][k] = poly[k];
        }
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 5; j++) AT[i][j] = Math.pow(POINTS[j], i);
            AT[i][5] = i == 1 ? 1 : 0;
        }
        for (int j = 0; j < 5; j++) {
            double f = 1;
            for (int l = 0; l < 5; l++) if (l != j) f *= POINTS[j] - POINTS[l];
            for (int k = 0; k < 5; k++) G[j][k] = Math.pow(POINTS[j], k) / f;
        }
        G[5][4] = 1;
    }

    private static double[] timesXMinus(double[] p, double a) {
        double[] r = new double[p.length + 1];
        for (int i = 0; i < p.length; i++) {
            r[i] -= a * p[i];
            r[i + 1] += p[i];
        }
        return r;
    }

    private final Gemm gemm;
    private final FastWindows windows;

    /** {@code gemm} single-threaded; scratch from {@code windows}, per thread. */
    Winograd(Gemm gemm, FastWindows windows) {
        this.gemm = gemm;
        this.windows = windows;
    }

    /** Whether this geometry can go through F(2x2, 5x5): a 5x5 filter, stride 1, SAME, even height and width (the channels: see FastWindows). */
    static boolean fits(Window g) {
        return g.kh() == 5 && g.kw() == 5 && g.sh() == 1 && g.sw() == 1 && g.padTop() == 2 && g.padLeft() == 2
                && g.oh() == g.h() && g.ow() == g.w() && g.h() % 2 == 0 && g.w() % 2 == 0;
    }

    /** The size of a transformed filter: 36 x c x co. */
    static int transformed(int c, int co) {
        return 36 * c * co;
    }

    /** G f Gᵀ at each of the 36 points, [36][c][co] from the HWIO filter [5][5][c][co]: in double, rounded once. */
    static float[] filter(float[] f, int c, int co) {
        int cc = c * co;
        double[] in = new double[f.length];
        for (int i = 0; i < f.length; i++) in[i] = f[i];
        return rounded(along(along(in, 1, 5, 5 * cc, G, false), 6, 5, cc, G, false));   // down the rows (ky), then along them (kx)
    }

    /** The filter's gradient [5][5][c][co] from du, its gradient at the 36 points: Gᵀ du G, in double, rounded once. */
    static float[] filterGradient(float[] du, int c, int co) {
        int cc = c * co;
        double[] in = new double[du.length];
        for (int i = 0; i < du.length; i++) in[i] = du[i];
        return rounded(along(along(in, 6, 6, cc, G, true), 1, 6, 5 * cc, G, true));   // the adjoint: v to kx, then u to ky
    }

    /**
     * m (or mᵀ) applied along the middle axis of x, [outer][axis][inner], each sum in ascending order of
     * the axis; a zero coefficient adds nothing.
     */
    private static double[] along(double[] x, int outer, int axis, int inner, double[][] m, boolean transpose) {
        int rows = transpose ? m[0].length : m.length;
        double[] out = new double[outer * rows * inner];
        for (int o = 0; o < outer; o++) {
            for (int r = 0; r < rows; r++) {
                int to = (o * rows + r) * inner;
                for (int j = 0; j < axis; j++) {
                    double k = transpose ? m[j][r] : m[r][j];
                    if (k == 0) continue;
                    for (int e = 0, from = (o * axis + j) * inner; e < inner; e++) out[to + e] += k * x[from + e];
                }
            }
        }
        return out;
    }

    private static float[] rounded(double[] x) {
        float[] r = new float[x.length];
        for (int i = 0; i < x.length; i++) r[i] = (float) x[i];
        return r;
    }

    /**
     * Images b0 .. b0+nb-1 convolved with u (from {@link #filter}) into y from {@code at}, NHWC; with
     * {@code bias}, relu(y + bias) as conv2d then biasRelu round it.
     */
    void forward(float[] x, float[] u, float[] bias, Window g, int co, int b0, int nb, float[] y, int at) {
        int c = g.c(), blocks = nb * blocks(g);
        for (int q0 = 0; q0 < blocks; q0 += CHUNK) {
            int t = Math.min(CHUNK, blocks - q0);
            float[] v = windows.scratch(2, 36 * t * c), m = windows.scratch(3, 36 * t * co);
            inputTransform(x, g, b0, q0, t, v);
            for (int p = 0; p < 36; p++) gemm.sgemm(false, false, t, co, c, v, p * t * c, c, u, p * c * co, co, m, p * t * co, co, false);
            outputTransform(m, g, co, q0, t, bias, y, at);
        }
    }

    /**
     * The gradients from dz, the gradient at the output of images b0 .. b0+nb-1 (read from {@code at}):
     * with dx, the input's added into it (u from {@link #filter} needed); with du, the filter's at the
     * 36 points into it, [36][c][co] (x needed), added to it with {@code accumulate}.
     */
    void backward(float[] x, float[] dz, int at, float[] u, Window g, int co, int b0, int nb, float[] dx, float[] du, boolean accumulate) {
        int c = g.c(), blocks = nb * blocks(g);
        for (int q0 = 0; q0 < blocks; q0 += BACK_CHUNK) {
            int t = Math.min(BACK_CHUNK, blocks - q0);
            float[] dm = windows.scratch(3, 36 * t * co);
            outputAdjoint(dz, at, g, co, q0, t, dm);
            if (dx != null) {
                float[] dv = windows.scratch(4, 36 * t * c);
                for (int p = 0; p < 36; p++) gemm.sgemm(false, true, t, c, co, dm, p * t * co, co, u, p * c * co, co, dv, p * t * c, c, false);
                inputAdjoint(dv, g, b0, q0, t, dx);
            }
            if (du != null) {
                float[] v = windows.scratch(2, 36 * t * c);
                inputTransform(x, g, b0, q0, t, v);
                boolean add = accumulate || q0 > 0;
                for (int p = 0; p < 36; p++) gemm.sgemm(true, false, c, co, t, v, p * t * c, c, dm, p * t * co, co, du, p * c * co, co, add);
            }
        }
    }

    /** 2x2 output blocks per image. */
    private static int blocks(Window g) {
        return g.h() / 2 * (g.w() / 2);
    }

    /** v[p][i][c] = (Bᵀ d B)[p] for blocks q0 .. q0+t-1 of the images from b0, d the 6x6 input block (zeros in the padding). */
    private void inputTransform(float[] x, Window g, int b0, int q0, int t, float[] v) {
        int c = g.c(), h = g.h(), w = g.w(), tw = w / 2, per = blocks(g), vl = WinogradKernels.VL;
        // [6][6 (column slot)][c]: Bᵀ applied down the block's columns, input column ix in slot (ix + 2) % 6,
        // so the next block along a row (two columns on) reuses four and computes two
        float[] half = windows.scratch(5, 36 * c);
        int[] row = new int[6], half6 = new int[6];
        for (int i = 0; i < t; i++) {
            int q = q0 + i, b = b0 + q / per, y0 = q % per / tw * 2 - 2, x0 = q % tw * 2 - 2;
            boolean along = i > 0 && x0 > -2;   // the block before, in this call, is its left neighbour
            for (int col = along ? 4 : 0; col < 6; col++) {
                int ix = x0 + col;
                for (int r = 0; r < 6; r++) {
                    int iy = y0 + r;
                    row[r] = ix < 0 || ix >= w || iy < 0 || iy >= h ? -1 : ((b * h + iy) * w + ix) * c;
                }
                for (int ci = 0; ci < c; ci += vl) WinogradKernels.bt(x, row, ci, half, (ix + 2) % 6 * c + ci, 6 * c);
            }
            for (int a = 0; a < 6; a++) {
                for (int k = 0; k < 6; k++) half6[k] = (a * 6 + (x0 + k + 2) % 6) * c;
                for (int ci = 0; ci < c; ci += vl) WinogradKernels.bt(half, half6, ci, v, (a * 6 * t + i) * c + ci, t * c);
            }
        }
    }

    /** Each block's Aᵀ m A into y (from {@code at}, image b0 there), with its bias and ReLU when bias is given. */
    private void outputTransform(float[] m, Window g, int co, int q0, int t, float[] bias, float[] y, int at) {
        int w = g.w(), tw = w / 2, per = blocks(g), vl = WinogradKernels.VL;
        float[] half = windows.scratch(5, 12 * co);   // [2 (row)][6][co]
        for (int i = 0; i < t; i++) {
            int q = q0 + i, b = q / per, oy = q % per / tw * 2, ox = q % tw * 2;
            for (int v = 0; v < 6; v++) {
                for (int ci = 0; ci < co; ci += vl) {
                    int o = (v * t + i) * co + ci, stride = 6 * t * co;
                    WinogradKernels.at(m, o, stride, null, ci, half, v * co + ci, 6 * co);
                }
            }
            for (int r = 0; r < 2; r++) {
                int o = at + ((b * g.h() + oy + r) * w + ox) * co;
                for (int ci = 0; ci < co; ci += vl) {
                    WinogradKernels.at(half, r * 6 * co + ci, co, bias, ci, y, o + ci, co);
                }
            }
        }
    }

    /** dm[p][i][co]: the adjoint of the output transform, A dz Aᵀ for each block (dz from {@code at}, image b0 there). */
    private void outputAdjoint(float[] dz, int at, Window g, int co, int q0, int t, float[] dm) {
        int w = g.w(), tw = w / 2, per = blocks(g), vl = WinogradKernels.VL;
        float[] half = windows.scratch(5, 12 * co);   // [2 (column)][6][co]
        for (int i = 0; i < t; i++) {
            int q = q0 + i, b = q / per, oy = q % per / tw * 2, ox = q % tw * 2;
            int o = at + ((b * g.h() + oy) * w + ox) * co;
            for (int s = 0; s < 2; s++) {
                for (int ci = 0; ci < co; ci += vl) {
                    WinogradKernels.a(dz, o + s * co + ci, o + w * co + s * co + ci, half, s * 6 * co + ci, co);
                }
            }
            for (int u = 0; u < 6; u++) {
                for (int ci = 0; ci < co; ci += vl) {
                    WinogradKernels.a(half, u * co + ci, (6 + u) * co + ci, dm, (u * 6 * t + i) * co + ci, t * co);
                }
            }
        }
    }

    /** The adjoint of the input transform: B dv Bᵀ for each block, added into dx where the block lies over the input. */
    private void inputAdjoint(float[] dv, Window g, int b0, int q0, int t, float[] dx) {
        int c = g.c(), h = g.h(), w = g.w(), tw = w / 2, per = blocks(g), vl = WinogradKernels.VL;
        float[] half = windows.scratch(5, 72 * c);   // [6 (u)][6 (column)][c]: B applied along the rows; then one column's six rows
        for (int i = 0; i < t; i++) {
            int q = q0 + i, b = b0 + q / per, y0 = q % per / tw * 2 - 2, x0 = q % tw * 2 - 2;
            for (int u = 0; u < 6; u++) {
                for (int ci = 0; ci < c; ci += vl) WinogradKernels.b(dv, (u * 6 * t + i) * c + ci, t * c, half, u * 6 * c + ci, c);
            }
            for (int col = 0; col < 6; col++) {
                int ix = x0 + col;
                if (ix < 0 || ix >= w) continue;
                for (int ci = 0; ci < c; ci += vl) WinogradKernels.b(half, col * c + ci, 6 * c, half, (36 + col) * c + ci, 6 * c);
                for (int a = 0; a < 6; a++) {
                    int iy = y0 + a;
                    if (iy < 0 || iy >= h) continue;
                    int o = ((b * h + iy) * w + ix) * c;
                    for (int ci = 0; ci < c; ci += vl) WinogradKernels.add(half, (36 + a * 6 + col) * c + ci, dx, o + ci);
                }
            }
        }
    }

}
