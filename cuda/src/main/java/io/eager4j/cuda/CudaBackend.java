package io.eager4j.cuda;

import io.eager4j.DType;
import io.eager4j.internal.Backend;
import io.eager4j.internal.Buffer;
import io.eager4j.internal.Shapes;
import io.eager4j.internal.UserKernel;
import io.eager4j.internal.Window;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Every primitive of {@link Backend} on one CUDA device, with the reference backend's semantics
 * (values computed in double, rounded once on store). Work is queued on one stream; the host
 * waits only in {@link #toArray}. Layout and reduction primitives live in {@link CudaShaping}.
 */
final class CudaBackend implements Backend {
    private final String name;
    private final CudaContext context;
    private final Allocator allocator;
    private final KernelCache kernels;
    final CudaShaping shaping;
    private final CudaWindows windows;
    private final CudaGraphs graphs = new CudaGraphs(this);

    CudaBackend(int index, CudaContext context) {
        this.name = "gpu:" + index;
        this.context = context;
        this.allocator = new Allocator(name, Allocator.DRIVER);
        this.kernels = new KernelCache(context.arch());
        this.shaping = new CudaShaping(this);
        this.windows = new CudaWindows(this);
    }

    @Override
    public String name() {
        return "cuda " + name + " (" + context.arch() + ")";
    }

    @Override
    public io.eager4j.internal.Graphs graphs() {
        return graphs;
    }

    /** A new buffer of {@code s}'s size and element size. */
    GpuBuffer like(GpuBuffer s) {
        context.enter();
        return s.size() == 0 ? s : new GpuBuffer(allocator, s.size(), (int) (s.bytes / s.size()), "copy");
    }

    KernelCache kernels() {
        return kernels;
    }

    MemorySegment stream() {
        return context.stream();
    }

    MemorySegment cublas() {
        return context.cublas();
    }

    /** A new buffer; the calling thread gets the context current first. */
    GpuBuffer alloc(DType dtype, int n, String op) {
        context.enter();
        return new GpuBuffer(allocator, n, dtype.byteSize(), op);
    }

    GpuBuffer gpu(Buffer b, String op) {
        if (b instanceof GpuBuffer g) {
            return g;
        }
        throw new IllegalStateException(op + ": a buffer of another device reached " + name + "; move tensors with to(device) first");
    }

    static String suffix(DType t) {
        return switch (t) {
            case FLOAT32 -> "f32";
            case FLOAT64 -> "f64";
            case INT32 -> "i32";
            case BOOL -> "u8";
        };
    }

    @Override
    public Buffer fromArray(DType dtype, Object array) {
        GpuBuffer r = alloc(dtype, java.lang.reflect.Array.getLength(array), "fromArray");
        // the staging memory is reused once the copy has run: a graph replaying the copy would read other data
        if (graphs.capturing()) throw new IllegalStateException("a copy from host memory (a tensor made from a Java array) is in the step");
        context.upload(r, array);
        return r;
    }

    @Override
    public Object toArray(DType dtype, Buffer x) {
        context.enter();
        return context.download(gpu(x, "toArray"), dtype);
    }

    @Override
    public Buffer full(DType dtype, int n, double value) {
        GpuBuffer r = alloc(dtype, n, "full");
        if (n > 0) new Launch("full").i(n).d(value).buf(r).run(this, "fill_" + suffix(dtype), n, Launch.BLOCK);
        return r;
    }

    @Override
    public Buffer unary(Unary op, DType dtype, Buffer x) {
        String what = op.name().toLowerCase(java.util.Locale.ROOT);
        GpuBuffer r = alloc(dtype, x.size(), what);
        int n = x.size();
        if (n > 0) new Launch(what).i(op.ordinal()).i(n).buf(gpu(x, what)).buf(r).run(this, "unary_" + suffix(dtype), n, Launch.BLOCK);
        return r;
    }

    @Override
    public Buffer binary(Binary op, DType dtype, Buffer a, int[] aShape, Buffer b, int[] bShape, int[] out) {
        String what = op.name().toLowerCase(java.util.Locale.ROOT);
        int n = Shapes.size(out);
        GpuBuffer r = alloc(op.isComparison() ? DType.BOOL : dtype, n, what);
        if (n == 0) return r;
        int flat = Arrays.equals(aShape, out) && Arrays.equals(bShape, out) ? 1 : 0;
        new Launch(what).i(op.ordinal()).i(n)
                .geom(out, Shapes.broadcastStrides(aShape, out), Shapes.broadcastStrides(bShape, out)).i(flat)
                .buf(gpu(a, what)).buf(gpu(b, what)).buf(r)
                .run(this, (op.isComparison() ? "compare_" : "binary_") + suffix(dtype), n, Launch.BLOCK);
        return r;
    }

    @Override
    public Buffer clip(DType dtype, Buffer x, double lo, double hi) {
        int n = x.size();
        GpuBuffer r = alloc(dtype, n, "clip");
        if (n > 0) new Launch("clip").i(n).d(lo).d(hi).buf(gpu(x, "clip")).buf(r).run(this, "clip_" + suffix(dtype), n, Launch.BLOCK);
        return r;
    }

    @Override
    public Buffer where(DType dtype, Buffer cond, int[] cShape, Buffer a, int[] aShape, Buffer b, int[] bShape, int[] out) {
        int n = Shapes.size(out);
        GpuBuffer r = alloc(dtype, n, "where");
        if (n == 0) return r;
        new Launch("where").i(n)
                .geom(out, Shapes.broadcastStrides(cShape, out), Shapes.broadcastStrides(aShape, out), Shapes.broadcastStrides(bShape, out))
                .buf(gpu(cond, "where")).buf(gpu(a, "where")).buf(gpu(b, "where")).buf(r)
                .run(this, "where_" + suffix(dtype), n, Launch.BLOCK);
        return r;
    }

    @Override
    public Buffer reduce(Reduce op, DType dtype, Buffer x, int[] shape, boolean[] axes) {
        return shaping.reduce(op, dtype, gpu(x, "reduce"), shape, axes);
    }

    @Override
    public Buffer argmax(DType dtype, Buffer x, int[] shape, int axis) {
        return shaping.argmax(dtype, gpu(x, "argmax"), shape, axis);
    }

    @Override
    public Buffer matmul(DType dtype, Buffer a, Buffer b, int batch, int m, int n, int k, boolean transA, boolean transB) {
        if (!dtype.isFloating()) {
            // cuBLAS has no integer GEMM for this: go through float64, exact for the reference's range
            Buffer r = matmul(DType.FLOAT64, cast(dtype, a, DType.FLOAT64), cast(dtype, b, DType.FLOAT64), batch, m, n, k, transA, transB);
            return cast(DType.FLOAT64, r, dtype);
        }
        GpuBuffer r = alloc(dtype, batch * m * n, "matmul");
        if (batch * m * n == 0) return r;
        if (k == 0) {
            new Launch("matmul").i(r.size()).d(0).buf(r).run(this, "fill_" + suffix(dtype), r.size(), Launch.BLOCK);
            return r;
        }
        GpuBuffer ga = gpu(a, "matmul"), gb = gpu(b, "matmul");
        Cublas.gemm(context.cublas(), dtype == DType.FLOAT64, ga.ptr, gb.ptr, r.ptr, batch, m, n, k, transA, transB);
        java.lang.ref.Reference.reachabilityFence(ga);
        java.lang.ref.Reference.reachabilityFence(gb);
        return r;
    }

    @Override
    public Buffer permute(DType dtype, Buffer x, int[] shape, int[] perm) {
        return shaping.permute(dtype, gpu(x, "permute"), shape, perm);
    }

    @Override
    public Buffer broadcastTo(DType dtype, Buffer x, int[] shape, int[] out) {
        return shaping.gather("broadcastTo", dtype, gpu(x, "broadcastTo"), out, Shapes.broadcastStrides(shape, out), 0);
    }

    @Override
    public Buffer slice(DType dtype, Buffer x, int[] shape, int[] begin, int[] size) {
        return shaping.slice(dtype, gpu(x, "slice"), shape, begin, size);
    }

    @Override
    public Buffer pad(DType dtype, Buffer x, int[] shape, int[] begin, int[] out) {
        return shaping.pad(dtype, gpu(x, "pad"), shape, begin, out);
    }

    @Override
    public Buffer concat(DType dtype, Buffer[] xs, int[][] shapes, int axis, int[] out) {
        GpuBuffer[] parts = new GpuBuffer[xs.length];
        for (int i = 0; i < xs.length; i++) parts[i] = gpu(xs[i], "concat");
        return shaping.concat(dtype, parts, shapes, axis, out);
    }

    @Override
    public Buffer cast(DType from, Buffer x, DType to) {
        int n = x.size();
        GpuBuffer src = gpu(x, "cast"), r = alloc(to, n, "cast");
        if (n == 0) return r;
        if (from == to) {
            Driver.copyOnDevice(r.ptr, src.ptr, src.bytes);   // buffers are immutable, but callers expect a new one
            java.lang.ref.Reference.reachabilityFence(src);
            return r;
        }
        new Launch("cast").i(n).buf(src).buf(r).run(this, "cast_" + suffix(from) + "_" + suffix(to), n, Launch.BLOCK);
        return r;
    }

    @Override
    public Buffer oneHot(DType dtype, Buffer indices, int depth) {
        int n = indices.size() * depth;
        GpuBuffer r = alloc(dtype, n, "oneHot");
        if (n > 0) new Launch("oneHot").i(n).i(depth).buf(gpu(indices, "oneHot")).buf(r).run(this, "onehot_" + suffix(dtype), n, Launch.BLOCK);
        return r;
    }

    @Override
    public Buffer biasRelu(DType dtype, Buffer x, int[] shape, Buffer bias) {
        int n = x.size(), cols = shape.length == 0 ? 1 : shape[shape.length - 1];
        GpuBuffer r = alloc(dtype, n, "biasRelu");
        if (n > 0) {
            new Launch("biasRelu").i(n).i(cols).buf(gpu(x, "biasRelu")).buf(gpu(bias, "biasRelu")).buf(r)
                    .run(this, "biasrelu_" + suffix(dtype), n, Launch.BLOCK);
        }
        return r;
    }

    @Override
    public Buffer reluGrad(DType dtype, Buffer g, Buffer out) {
        int n = g.size();
        GpuBuffer r = alloc(dtype, n, "reluGrad");
        if (n > 0) new Launch("reluGrad").i(n).buf(gpu(g, "reluGrad")).buf(gpu(out, "reluGrad")).buf(r).run(this, "relugrad_" + suffix(dtype), n, Launch.BLOCK);
        return r;
    }

    @Override
    public Buffer[] adam(DType dtype, Buffer var, Buffer m, Buffer v, Buffer g, double lrT, double b1, double b2, double eps) {
        int n = var.size();
        GpuBuffer rw = alloc(dtype, n, "adam"), rm = alloc(dtype, n, "adam"), rv = alloc(dtype, n, "adam");
        if (n > 0) {
            new Launch("adam").i(n).d(lrT).d(b1).d(b2).d(eps)
                    .buf(gpu(var, "adam")).buf(gpu(m, "adam")).buf(gpu(v, "adam")).buf(gpu(g, "adam"))
                    .buf(rw).buf(rm).buf(rv).l(graphs.take(0, "adam")).run(this, "adam_" + suffix(dtype), n, Launch.BLOCK);
        }
        return new Buffer[] {rw, rm, rv};
    }

    @Override
    public Buffer random(DType dtype, int n, boolean normal, long seed, long offset, double a, double b) {
        GpuBuffer r = alloc(dtype, n, "random");
        if (n == 0) return r;
        int blocks = (n + 3) / 4;
        new Launch("random").i(n).i(normal ? 1 : 0).l(seed).l(offset).d(a).d(b).buf(r).l(graphs.take(0, "random"))
                .run(this, "random_" + suffix(dtype), blocks, Launch.BLOCK);
        return r;
    }

    // ---- windows and indexing (CudaWindows)

    private static DType floating(String op, DType t) {
        if (!t.isFloating()) throw new IllegalArgumentException(op + ": needs float32 or float64 on the GPU, got " + t);
        return t;
    }

    @Override
    public Buffer conv2d(DType dtype, Buffer x, Buffer filter, Window g, int co) {
        return windows.conv2d(floating("conv2d", dtype), gpu(x, "conv2d"), gpu(filter, "conv2d"), g, co);
    }

    @Override
    public Buffer conv2dInputGrad(DType dtype, Buffer dy, Buffer filter, Window g, int co) {
        return windows.inputGrad(floating("conv2d", dtype), gpu(dy, "conv2d"), gpu(filter, "conv2d"), g, co);
    }

    @Override
    public Buffer conv2dFilterGrad(DType dtype, Buffer x, Buffer dy, Window g, int co) {
        return windows.filterGrad(floating("conv2d", dtype), gpu(x, "conv2d"), gpu(dy, "conv2d"), g, co);
    }

    @Override
    public Buffer[] maxPool2d(DType dtype, Buffer x, Window g) {
        return windows.maxPool(floating("maxPool2d", dtype), gpu(x, "maxPool2d"), g);
    }

    @Override
    public Buffer avgPool2d(DType dtype, Buffer x, Window g) {
        return windows.avgPool(floating("avgPool2d", dtype), gpu(x, "avgPool2d"), g);
    }

    @Override
    public Buffer avgPool2dGrad(DType dtype, Buffer dy, Window g) {
        return windows.avgPoolGrad(floating("avgPool2d", dtype), gpu(dy, "avgPool2d"), g);
    }

    @Override
    public Buffer gather(DType dtype, Buffer x, int outer, int dim, int inner, Buffer indices) {
        return windows.take(dtype, gpu(x, "gather"), outer, dim, inner, gpu(indices, "gather"));
    }

    @Override
    public Buffer scatterAdd(DType dtype, Buffer v, int outer, int dim, int inner, Buffer indices) {
        return windows.scatterAdd(floating("scatter_add", dtype), gpu(v, "scatter_add"), outer, dim, inner, gpu(indices, "scatter_add"));
    }

    @Override
    public Buffer[] userKernel(UserKernel k, boolean backward, DType dtype, Buffer[] in, int[][] inShapes, int[][] outShapes) {
        String fn = backward ? k.backwardKernel() : k.forwardKernel();
        if (k.cudaSource() == null || fn == null) {
            throw new IllegalStateException(k.name() + " has no CUDA implementation" + (backward ? " of its gradient" : "")
                    + "; move the inputs to the CPU or give it a cuda kernel");
        }
        String type = switch (dtype) {
            case FLOAT32 -> "float";
            case FLOAT64 -> "double";
            default -> throw new IllegalArgumentException(k.name() + ": user kernels take float32 or float64, got " + dtype);
        };
        context.enter();
        MemorySegment f = kernels.userFunction(k.name(), k.cudaSource(), type, fn);
        int[][] all = Arrays.copyOf(inShapes, inShapes.length + outShapes.length);
        System.arraycopy(outShapes, 0, all, inShapes.length, outShapes.length);
        StringBuilder shapes = new StringBuilder();
        for (int[] s : all) shapes.append(shapes.length() == 0 ? "" : ", ").append(Arrays.toString(s));
        String what = k.name() + " on " + shapes;
        Launch launch = new Launch(what);
        for (Buffer b : in) launch.buf(gpu(b, k.name()));
        Buffer[] out = new Buffer[outShapes.length];
        for (int o = 0; o < out.length; o++) {
            out[o] = full(dtype, Shapes.size(outShapes[o]), 0);
            launch.buf((GpuBuffer) out[o]);
        }
        for (int[] s : all) for (int d : s) launch.i(d);
        int[] cfg = k.launch().config(all);
        if (cfg == null || cfg.length != 2 || cfg[0] < 1 || cfg[1] < 1 || cfg[1] > 1024) {
            throw new IllegalStateException(k.name() + ": its launch configuration for " + shapes + " is "
                    + Arrays.toString(cfg) + "; give {grid >= 1, block in 1..1024}");
        }
        launch.runFunction(this, f, fn + " (" + what + ")", cfg[0], cfg[1]);
        return out;
    }
}
