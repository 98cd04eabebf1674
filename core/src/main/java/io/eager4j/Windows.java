package io.eager4j;

import io.eager4j.internal.Buffer;
import io.eager4j.internal.Shapes;
import io.eager4j.internal.Window;

/**
 * Convolution, pooling and gather as recorded ops, each forward beside its backward. Every
 * backward is itself one of these ops (the input gradient of conv2d is the adjoint convolution,
 * whose own gradients are conv2d and the filter gradient, and so on), so second derivatives come
 * out of the tape like first ones.
 */
final class Windows {
    private Windows() {}

    static Tensor conv2d(Tensor x, Tensor f, int sh, int sw, boolean same) {
        Window g = convWindow(x, f, sh, sw, same);
        return conv(x, f, g, f.shape[3]);
    }

    /** The geometry of conv2d(x, f), or an error naming the shapes. */
    static Window convWindow(Tensor x, Tensor f, int sh, int sw, boolean same) {
        Elementwise.sameDevice("conv2d", x, f);
        if (f.rank() != 4 || x.dtype != f.dtype || !x.dtype.isFloating()) {
            throw new IllegalArgumentException("conv2d: needs a float NHWC input and an HWIO filter [kh, kw, in, out] of its dtype, got input "
                    + Shapes.format(x.shape) + " " + x.dtype + " and filter " + Shapes.format(f.shape) + " " + f.dtype);
        }
        Window g = Window.of("conv2d", x.shape, f.shape[0], f.shape[1], sh, sw, same);
        if (f.shape[2] != g.c()) {
            throw new IllegalArgumentException("conv2d: filter " + Shapes.format(f.shape) + " needs " + f.shape[2]
                    + " input channels, input " + Shapes.format(x.shape) + " has " + g.c());
        }
        return g;
    }

    /**
     * relu(conv2d(x, f) + bias) as one recorded op. Its backward is one backend call (the bias and
     * filter gradients with the ReLU's mask, no dz pass of its own) unless a tape records it for a
     * higher order: then it is the composition, every step differentiable.
     */
    static Tensor conv2dBiasRelu(Tensor x, Tensor f, Tensor bias, int sh, int sw, boolean same) {
        Window g = convWindow(x, f, sh, sw, same);
        int co = f.shape[3];
        checkBias(x, f, bias);
        Tensor y = new Tensor(g.outputShape(co), x.dtype, x.device,
                x.backend().conv2dBiasRelu(x.dtype, x.buffer, f.buffer, bias.buffer, g, co));
        if (!Autograd.active()) return y;
        return Autograd.record("conv2d_bias_relu", y, new Tensor[] {x, f, bias}, (dy, need) -> {
            if (Autograd.recording()) {   // an outer tape takes these steps: each one differentiable
                return composedGrads(x, f, bias, Elementwise.reluGrad(dy, y), g, co, need);
            }
            Buffer[] r = x.backend().conv2dBiasReluGrad(x.dtype, x.buffer, dy.buffer, y.buffer, g, co, need[0]);
            Tensor dz = need[0] ? new Tensor(y.shape, y.dtype, y.device, r[2]) : null;
            return new Tensor[] {need[0] ? inputGrad(dz, f, g, co) : null,
                    need[1] ? new Tensor(f.shape, f.dtype, f.device, r[0]) : null,
                    need[2] ? new Tensor(bias.shape, bias.dtype, bias.device, r[1]) : null};
        });
    }

    /** The gradients of conv2d(x, f) + bias from dz at its output, as differentiable ops (for a tape that records them). */
    private static Tensor[] composedGrads(Tensor x, Tensor f, Tensor bias, Tensor dz, Window g, int co, boolean[] need) {
        return new Tensor[] {need[0] ? inputGrad(dz, f, g, co) : null, need[1] ? filterGrad(x, dz, g, co) : null,
                need[2] ? Elementwise.sumTo(dz, bias) : null};
    }

    private static void checkBias(Tensor x, Tensor f, Tensor bias) {
        int co = f.shape[3];
        Elementwise.sameDevice("conv2d", x, bias);
        if (bias.rank() != 1 || bias.shape[0] != co || bias.dtype != x.dtype) {
            throw new IllegalArgumentException("conv2d: bias " + Shapes.format(bias.shape) + " " + bias.dtype + " must be ["
                    + co + "] " + x.dtype + " for filter " + Shapes.format(f.shape));
        }
    }

    /**
     * maxPool2d(relu(conv2d(x, f) + bias)) as one recorded op (a Conv2D with ReLU and the MaxPool2D
     * after it in a Sequential): a backend need not write the convolution's output, and its backward
     * is one call. Under a recording tape the backward is the composition, every step differentiable.
     */
    static Tensor conv2dBiasReluMaxPool(Tensor x, Tensor f, Tensor bias, int[] strides, boolean same, int[] window,
                                        int[] poolStrides, boolean poolSame) {
        Window g = convWindow(x, f, strides[0], strides[1], same);
        int co = f.shape[3];
        checkBias(x, f, bias);
        int[] convShape = g.outputShape(co);
        Window p = Window.of("maxPool2d", convShape, window[0], window[1], poolStrides[0], poolStrides[1], poolSame);
        Buffer[] r = x.backend().conv2dBiasReluMaxPool(x.dtype, x.buffer, f.buffer, bias.buffer, g, p, co);
        Tensor y = new Tensor(p.outputShape(co), x.dtype, x.device, r[0]);
        if (!Autograd.active()) return y;
        Tensor where = new Tensor(y.shape, DType.INT32, x.device, r[1]);   // flat index into the convolution's output
        return Autograd.record("conv2d_bias_relu_max_pool", y, new Tensor[] {x, f, bias}, (dy, need) -> {
            if (Autograd.recording()) {
                return composedGrads(x, f, bias, maxPoolGrad(Elementwise.reluGrad(dy, y), where, p, convShape), g, co, need);
            }
            Buffer[] d = x.backend().conv2dBiasReluMaxPoolGrad(x.dtype, x.buffer, f.buffer, dy.buffer, y.buffer, where.buffer, g, p, co, need[0]);
            return new Tensor[] {need[0] ? new Tensor(x.shape, x.dtype, x.device, d[2]) : null,
                    need[1] ? new Tensor(f.shape, f.dtype, f.device, d[0]) : null,
                    need[2] ? new Tensor(bias.shape, bias.dtype, bias.device, d[1]) : null};
        });
    }

    private static Tensor conv(Tensor x, Tensor f, Window g, int co) {
        Tensor y = new Tensor(g.outputShape(co), x.dtype, x.device, x.backend().conv2d(x.dtype, x.buffer, f.buffer, g, co));
        if (!Autograd.active()) return y;
        return Autograd.record("conv2d", y, new Tensor[] {x, f}, (dy, need) -> new Tensor[] {
            need[0] ? inputGrad(dy, f, g, co) : null,   // the first layer's is never asked for, so never computed
            need[1] ? filterGrad(x, dy, g, co) : null});
    }

    /** The adjoint of conv in x; linear in dy and f: its gradients are conv and the filter gradient. */
    private static Tensor inputGrad(Tensor dy, Tensor f, Window g, int co) {
        Tensor dx = new Tensor(g.inputShape(), dy.dtype, dy.device, dy.backend().conv2dInputGrad(dy.dtype, dy.buffer, f.buffer, g, co));
        if (!Autograd.active()) return dx;
        return Autograd.record("conv2d_input_grad", dx, new Tensor[] {dy, f}, (d, need) -> new Tensor[] {
            need[0] ? conv(d, f, g, co) : null,
            need[1] ? filterGrad(d, dy, g, co) : null});
    }

    /** Linear in x and dy: its gradients are the input gradient and conv. */
    private static Tensor filterGrad(Tensor x, Tensor dy, Window g, int co) {
        int[] fShape = {g.kh(), g.kw(), g.c(), co};
        Tensor df = new Tensor(fShape, x.dtype, x.device, x.backend().conv2dFilterGrad(x.dtype, x.buffer, dy.buffer, g, co));
        if (!Autograd.active()) return df;
        return Autograd.record("conv2d_filter_grad", df, new Tensor[] {x, dy}, (d, need) -> new Tensor[] {
            need[0] ? inputGrad(dy, d, g, co) : null,
            need[1] ? conv(x, d, g, co) : null});
    }

    static Tensor maxPool2d(Tensor x, int kh, int kw, int sh, int sw, boolean same) {
        Window g = pool("maxPool2d", x, kh, kw, sh, sw, same);
        Buffer[] r = x.backend().maxPool2d(x.dtype, x.buffer, g);
        Tensor y = new Tensor(g.outputShape(g.c()), x.dtype, x.device, r[0]);
        if (!Autograd.active()) return y;
        Tensor where = new Tensor(y.shape, DType.INT32, x.device, r[1]);   // flat input index of each maximum
        return Autograd.record("maxPool2d", y, new Tensor[] {x}, (dy, need) -> new Tensor[] {maxPoolGrad(dy, where, g, x.shape)});
    }

    /** dy to each window's maximum: linear, its adjoint the gather of the maxima. */
    private static Tensor maxPoolGrad(Tensor dy, Tensor where, Window g, int[] xShape) {
        Tensor r = new Tensor(xShape, dy.dtype, dy.device, dy.backend().maxPool2dGrad(dy.dtype, dy.buffer, where.buffer, g));
        if (!Autograd.active()) return r;
        int n = r.size();
        int[] dyShape = dy.shape;
        return Autograd.record("maxPool2d_grad", r, new Tensor[] {dy},
                (gr, need) -> new Tensor[] {gather(gr.reshape(-1), where.reshape(-1), 1, n, 1, dyShape)});
    }

    static Tensor avgPool2d(Tensor x, int kh, int kw, int sh, int sw, boolean same) {
        Window g = pool("avgPool2d", x, kh, kw, sh, sw, same);
        return avg(x, g);
    }

    private static Tensor avg(Tensor x, Window g) {
        Tensor y = new Tensor(g.outputShape(g.c()), x.dtype, x.device, x.backend().avgPool2d(x.dtype, x.buffer, g));
        if (!Autograd.active()) return y;
        return Autograd.record("avgPool2d", y, new Tensor[] {x}, (dy, need) -> new Tensor[] {avgGrad(dy, g)});
    }

    /** Linear: its adjoint is the pool itself. */
    private static Tensor avgGrad(Tensor dy, Window g) {
        Tensor dx = new Tensor(g.inputShape(), dy.dtype, dy.device, dy.backend().avgPool2dGrad(dy.dtype, dy.buffer, g));
        if (!Autograd.active()) return dx;
        return Autograd.record("avgPool2d_grad", dx, new Tensor[] {dy}, (d, need) -> new Tensor[] {avg(d, g)});
    }

    private static Window pool(String op, Tensor x, int kh, int kw, int sh, int sw, boolean same) {
        if (!x.dtype.isFloating()) {
            throw new IllegalArgumentException(op + ": needs a float input, got " + x.dtype);
        }
        return Window.of(op, x.shape, kh, kw, sh, sw, same);
    }

    /** x.gather(indices, axis): int32 indices of any shape replace that axis. */
    static Tensor gather(Tensor x, Tensor indices, int axis) {
        Elementwise.sameDevice("gather", x, indices);
        if (indices.dtype != DType.INT32) {
            throw new IllegalArgumentException("gather: indices must be int32, got " + indices.dtype);
        }
        int a = Shaping.axis("gather", axis, x.rank());
        int outer = 1, inner = 1;
        for (int d = 0; d < a; d++) outer *= x.shape[d];
        for (int d = a + 1; d < x.rank(); d++) inner *= x.shape[d];
        int[] out = new int[x.rank() - 1 + indices.rank()];
        System.arraycopy(x.shape, 0, out, 0, a);
        System.arraycopy(indices.shape, 0, out, a, indices.rank());
        System.arraycopy(x.shape, a + 1, out, a + indices.rank(), x.rank() - a - 1);
        return gather(x, indices, outer, x.shape[a], inner, out);
    }

    private static Tensor gather(Tensor x, Tensor idx, int outer, int dim, int inner, int[] out) {
        Tensor r = new Tensor(out, x.dtype, x.device, x.backend().gather(x.dtype, x.buffer, outer, dim, inner, idx.buffer));
        if (!Autograd.active()) return r;
        int[] xShape = x.shape;
        return Autograd.record("gather", r, new Tensor[] {x}, (g, need) -> new Tensor[] {scatter(g, idx, outer, dim, inner, xShape)});
    }

    /** Linear: its adjoint is gather with the same indices. */
    private static Tensor scatter(Tensor v, Tensor idx, int outer, int dim, int inner, int[] out) {
        Tensor r = new Tensor(out, v.dtype, v.device, v.backend().scatterAdd(v.dtype, v.buffer, outer, dim, inner, idx.buffer));
        if (!Autograd.active()) return r;
        return Autograd.record("scatter_add", r, new Tensor[] {v}, (g, need) -> new Tensor[] {gather(g, idx, outer, dim, inner, v.shape)});
    }

    /** values[j] summed at flat position idx[j] of a zero tensor of n. */
    private static Tensor scatter(Tensor values, Tensor idx, int n) {
        return scatter(values, idx, 1, n, 1, new int[] {n});
    }
}
