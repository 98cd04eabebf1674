package io.eager4j.cuda;

import static io.eager4j.cuda.GpuCompare.REF;

import io.eager4j.DType;
import io.eager4j.internal.Buffer;
import io.eager4j.internal.Window;
import org.junit.jupiter.api.Test;

/** Window and indexing primitives on gpu:0 against the reference at awkward geometries. */
class GpuWindowTest {
    /** {n, h, w, c, kh, kw, sh, sw, same, co} */
    static final int[][] CASES = {
            {1, 5, 7, 2, 3, 3, 1, 1, 1, 3}, {2, 5, 7, 3, 2, 3, 2, 2, 1, 4}, {3, 6, 5, 1, 5, 5, 1, 1, 0, 2},
            {2, 4, 4, 5, 1, 1, 1, 1, 0, 7}, {1, 9, 9, 2, 3, 3, 2, 2, 0, 1}, {4, 14, 14, 8, 5, 5, 1, 1, 1, 16}};

    @Test
    void convolutionsAndPoolingMatchTheReference() {
        GpuCompare c = new GpuCompare(21);
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int[] k : CASES) {
                Window g = Window.of("test", new int[] {k[0], k[1], k[2], k[3]}, k[4], k[5], k[6], k[7], k[8] == 1);
                int co = k[9];
                String what = t + " " + java.util.Arrays.toString(k);
                Buffer[] x = c.both(t, k[0] * k[1] * k[2] * k[3], -1, 1), f = c.both(t, g.patch() * co, -1, 1);
                Buffer[] dy = c.both(t, g.positions() * co, -1, 1), dp = c.both(t, g.positions() * g.c(), -1, 1);
                double tol = t == DType.FLOAT32 ? 2e-6 * Math.sqrt(g.patch() + g.positions()) : 1e-12;
                c.same("conv2d " + what, t, REF.conv2d(t, x[0], f[0], g, co), c.gpu.conv2d(t, x[1], f[1], g, co), tol);
                c.same("conv2d input grad " + what, t, REF.conv2dInputGrad(t, dy[0], f[0], g, co), c.gpu.conv2dInputGrad(t, dy[1], f[1], g, co), tol);
                c.same("conv2d filter grad " + what, t, REF.conv2dFilterGrad(t, x[0], dy[0], g, co), c.gpu.conv2dFilterGrad(t, x[1], dy[1], g, co), tol);
                Buffer[] mr = REF.maxPool2d(t, x[0], g), mg = c.gpu.maxPool2d(t, x[1], g);
                c.same("max pool " + what, t, mr[0], mg[0], 0);
                c.same("max pool argmax " + what, DType.INT32, mr[1], mg[1], 0);
                c.same("max pool grad " + what, t, REF.scatterAdd(t, dp[0], 1, x[0].size(), 1, mr[1]),
                        c.gpu.scatterAdd(t, dp[1], 1, x[1].size(), 1, mg[1]), GpuCompare.tol(t) * 4);
                c.same("avg pool " + what, t, REF.avgPool2d(t, x[0], g), c.gpu.avgPool2d(t, x[1], g), GpuCompare.tol(t) * 8);
                c.same("avg pool grad " + what, t, REF.avgPool2dGrad(t, dp[0], g), c.gpu.avgPool2dGrad(t, dp[1], g), GpuCompare.tol(t) * 8);
            }
        }
    }

    @Test
    void takeAndScatterAddMatchTheReference() {
        GpuCompare c = new GpuCompare(22);
        int[] idx = {4, 0, 2, 4, 1, 3, 3};
        Buffer[] ix = c.both(DType.INT32, java.util.Arrays.stream(idx).asDoubleStream().toArray());
        for (DType t : GpuCompare.ALL) {
            Buffer[] x = c.both(t, 3 * 5 * 2, -9, 9);
            c.same("take " + t, t, REF.gather(t, x[0], 3, 5, 2, ix[0]), c.gpu.gather(t, x[1], 3, 5, 2, ix[1]), 0);
            if (!t.isFloating()) continue;
            Buffer[] v = c.both(t, 3 * idx.length * 2, -1, 1);
            c.same("scatter-add " + t, t, REF.scatterAdd(t, v[0], 3, 5, 2, ix[0]), c.gpu.scatterAdd(t, v[1], 3, 5, 2, ix[1]), GpuCompare.tol(t) * 4);
        }
    }
}
