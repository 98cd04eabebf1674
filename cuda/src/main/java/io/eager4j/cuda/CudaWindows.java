package io.eager4j.cuda;

import io.eager4j.DType;
import io.eager4j.internal.Buffer;
import io.eager4j.internal.Window;

/**
 * Convolutions as im2col (or its adjoint) plus one cuBLAS product, pooling and take / scatter-add
 * on the GPU (kernels in window.cu).
 */
final class CudaWindows {
    private final CudaBackend device;

    CudaWindows(CudaBackend device) {
        this.device = device;
    }

    private static String sfx(DType t) {
        return CudaBackend.suffix(t);
    }

    private void gemm(DType t, GpuBuffer a, GpuBuffer b, GpuBuffer c, int m, int n, int k, boolean ta, boolean tb) {
        Cublas.gemm(device.cublas(), t == DType.FLOAT64, a.ptr, b.ptr, c.ptr, 1, m, n, k, ta, tb);
        java.lang.ref.Reference.reachabilityFence(a);
        java.lang.ref.Reference.reachabilityFence(b);
    }

    private GpuBuffer im2col(DType t, GpuBuffer x, Window g) {
        int total = g.positions() * g.patch();
        GpuBuffer col = device.alloc(t, total, "conv2d");
        new Launch("conv2d").i(total).win(g).buf(x).buf(col).run(device, "im2col_" + sfx(t), total, Launch.BLOCK);
        return col;
    }

    Buffer conv2d(DType t, GpuBuffer x, GpuBuffer f, Window g, int co) {
        GpuBuffer y = device.alloc(t, g.positions() * co, "conv2d");
        if (g.positions() * co == 0) return y;
        gemm(t, im2col(t, x, g), f, y, g.positions(), co, g.patch(), false, false);
        return y;
    }

    Buffer inputGrad(DType t, GpuBuffer dy, GpuBuffer f, Window g, int co) {
        int total = g.n() * g.h() * g.w() * g.c();
        GpuBuffer dx = device.alloc(t, total, "conv2d_input_grad");
        if (total == 0) return dx;
        GpuBuffer col = device.alloc(t, g.positions() * g.patch(), "conv2d_input_grad");
        gemm(t, dy, f, col, g.positions(), g.patch(), co, false, true);   // dcol = dy · Fᵀ
        new Launch("conv2d_input_grad").i(total).win(g).buf(col).buf(dx).run(device, "col2im_" + sfx(t), total, Launch.BLOCK);
        return dx;
    }

    Buffer filterGrad(DType t, GpuBuffer x, GpuBuffer dy, Window g, int co) {
        GpuBuffer df = device.alloc(t, g.patch() * co, "conv2d_filter_grad");
        gemm(t, im2col(t, x, g), dy, df, g.patch(), co, g.positions(), true, false);   // colᵀ · dy
        return df;
    }

    Buffer[] maxPool(DType t, GpuBuffer x, Window g) {
        int total = g.positions() * g.c();
        GpuBuffer y = device.alloc(t, total, "maxPool2d"), arg = device.alloc(DType.INT32, total, "maxPool2d");
        if (total > 0) new Launch("maxPool2d").i(total).win(g).buf(x).buf(y).buf(arg).run(device, "maxpool_" + sfx(t), total, Launch.BLOCK);
        return new Buffer[] {y, arg};
    }

    Buffer avgPool(DType t, GpuBuffer x, Window g) {
        int total = g.positions() * g.c();
        GpuBuffer y = device.alloc(t, total, "avgPool2d");
        if (total > 0) new Launch("avgPool2d").i(total).win(g).buf(x).buf(y).run(device, "avgpool_" + sfx(t), total, Launch.BLOCK);
        return y;
    }

    Buffer avgPoolGrad(DType t, GpuBuffer dy, Window g) {
        int total = g.n() * g.h() * g.w() * g.c();
        GpuBuffer dx = device.alloc(t, total, "avgPool2d_grad");
        if (total > 0) new Launch("avgPool2d_grad").i(total).win(g).buf(dy).buf(dx).run(device, "avgpoolgrad_" + sfx(t), total, Launch.BLOCK);
        return dx;
    }

    Buffer take(DType t, GpuBuffer x, int outer, int dim, int inner, GpuBuffer idx) {
        int total = outer * idx.size() * inner;
        GpuBuffer r = device.alloc(t, total, "gather");
        if (total > 0) {
            new Launch("gather").i(total).i(dim).i(inner).i(idx.size()).buf(x).buf(idx).buf(r).run(device, "take_" + sfx(t), total, Launch.BLOCK);
        }
        return r;
    }

    Buffer scatterAdd(DType t, GpuBuffer v, int outer, int dim, int inner, GpuBuffer idx) {
        Buffer r = device.full(t, outer * dim * inner, 0);
        int total = v.size();
        if (total > 0) {
            new Launch("scatter_add").i(total).i(dim).i(inner).i(idx.size()).buf(v).buf(idx).buf(device.gpu(r, "scatter_add"))
                    .run(device, "scatteradd_" + sfx(t), total, Launch.BLOCK);
        }
        return r;
    }
}
