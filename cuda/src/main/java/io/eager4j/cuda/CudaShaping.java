package io.eager4j.cuda;

import io.eager4j.DType;
import io.eager4j.internal.Backend.Reduce;
import io.eager4j.internal.Buffer;
import io.eager4j.internal.Shapes;

/** Layout changes and reductions on the GPU: each is one gather, scatter or reduce kernel. */
final class CudaShaping {
    private final CudaBackend device;

    CudaShaping(CudaBackend device) {
        this.device = device;
    }

    private static String sfx(DType t) {
        return CudaBackend.suffix(t);
    }

    /** r[j] = x[base + offset of j in {@code out} under {@code strides}]. */
    Buffer gather(String op, DType dtype, GpuBuffer x, int[] out, int[] strides, int base) {
        int n = Shapes.size(out);
        GpuBuffer r = device.alloc(dtype, n, op);
        if (n > 0) new Launch(op).i(n).geom(out, strides).i(base).buf(x).buf(r).run(device, "gather_" + sfx(dtype), n, Launch.BLOCK);
        return r;
    }

    Buffer permute(DType dtype, GpuBuffer x, int[] shape, int[] perm) {
        int[] own = Shapes.strides(shape);
        int[] out = new int[shape.length], s = new int[shape.length];
        for (int d = 0; d < perm.length; d++) {
            out[d] = shape[perm[d]];
            s[d] = own[perm[d]];
        }
        return gather("permute", dtype, x, out, s, 0);
    }

    Buffer slice(DType dtype, GpuBuffer x, int[] shape, int[] begin, int[] size) {
        int[] s = Shapes.strides(shape);
        int base = 0;
        for (int d = 0; d < shape.length; d++) base += begin[d] * s[d];
        return gather("slice", dtype, x, size, s, base);
    }

    /** A gather too: each output element reads x when inside [begin, begin + shape), else 0. */
    Buffer pad(DType dtype, GpuBuffer x, int[] shape, int[] begin, int[] out) {
        int n = Shapes.size(out);
        GpuBuffer r = device.alloc(dtype, n, "pad");
        if (n > 0) {
            new Launch("pad").i(n).geom(out, Shapes.strides(shape), begin, shape).buf(x).buf(r)
                    .run(device, "pad_" + sfx(dtype), n, Launch.BLOCK);
        }
        return r;
    }

    /** One scatter per part into its place along {@code axis}; the parts tile the output exactly. */
    Buffer concat(DType dtype, GpuBuffer[] xs, int[][] shapes, int axis, int[] out) {
        GpuBuffer r = device.alloc(dtype, Shapes.size(out), "concat");
        int[] s = Shapes.strides(out);
        int at = 0;
        for (int p = 0; p < xs.length; p++) {
            int n = Shapes.size(shapes[p]);
            if (n > 0) {
                new Launch("concat").i(n).geom(shapes[p], s).i(at * s[axis]).buf(xs[p]).buf(r)
                        .run(device, "place_" + sfx(dtype), n, Launch.BLOCK);
            }
            at += shapes[p][axis];
        }
        return r;
    }

    /** One block per output element; the keep-dims output is row-major over the kept axes. */
    Buffer reduce(Reduce op, DType dtype, GpuBuffer x, int[] shape, boolean[] axes) {
        String what = op == Reduce.SUM ? "sum" : "max";
        int[] own = Shapes.strides(shape);
        int kept = 0;
        for (boolean a : axes) if (!a) kept++;
        int[] kn = new int[kept], ks = new int[kept], rn = new int[shape.length - kept], rs = new int[shape.length - kept];
        int outputs = 1, count = 1;
        for (int d = 0, i = 0, j = 0; d < shape.length; d++) {
            if (axes[d]) {
                rn[j] = shape[d];
                rs[j++] = own[d];
                count *= shape[d];
            } else {
                kn[i] = shape[d];
                ks[i++] = own[d];
                outputs *= shape[d];
            }
        }
        GpuBuffer r = device.alloc(dtype, outputs, what);
        if (outputs == 0) return r;
        int block = 32;   // a power of two for the tree; small reductions need few threads
        while (block < Launch.BLOCK && block < count) block *= 2;
        int grid = Math.min(outputs, 1 << 16);   // blocks loop over the remaining outputs
        new Launch(what).i(op.ordinal()).i(outputs).i(count).reduceGeom(kn, ks, rn, rs).buf(x).buf(r)
                .runGrid(device, "reduce_" + sfx(dtype), grid, block);
        return r;
    }

    Buffer argmax(DType dtype, GpuBuffer x, int[] shape, int axis) {
        int outer = 1, inner = 1, n = shape[axis];
        for (int d = 0; d < axis; d++) outer *= shape[d];
        for (int d = axis + 1; d < shape.length; d++) inner *= shape[d];
        int outputs = outer * inner;
        GpuBuffer r = device.alloc(DType.INT32, outputs, "argmax");
        if (outputs > 0) {
            new Launch("argmax").i(outputs).i(n).i(inner).buf(x).buf(r).run(device, "argmax_" + sfx(dtype), outputs, Launch.BLOCK);
        }
        return r;
    }
}
