package io.eager4j;

import io.eager4j.internal.Backend;
import io.eager4j.internal.Buffer;

/** Implementations behind {@link io.eager4j.internal.Fused}: several outputs from one backend pass. */
final class FusedOps implements io.eager4j.internal.Fused.Ops {
    @Override
    public Tensor[] adam(Tensor var, Tensor m, Tensor v, Tensor g, double lrT, double b1, double b2, double eps) {
        if (TraceRecorder.current() == null && m instanceof Variable mv && v instanceof Variable vv) {
            return adamAssigned(var, mv, vv, g, lrT, b1, b2, eps);
        }
        Tensor zero = m == null || v == null ? Tensor.fullLike(var, 0) : null;
        Tensor mm = m != null ? m : zero, vv = v != null ? v : zero;
        Buffer[] r = var.backend().adam(var.dtype, var.buffer, mm.buffer, vv.buffer, g.buffer, lrT, b1, b2, eps);
        Tensor[] out = new Tensor[3];
        for (int i = 0; i < 3; i++) out[i] = new Tensor(var.shape, var.dtype, var.device, r[i]);
        return out;
    }

    /**
     * An eager step on an optimizer's slot variables: the new moments, and var's value when var is a
     * variable, are assigned here in storage nothing else holds, so the next step may write over them
     * (the CNN's 13 MB of weights are not allocated again each step). Storage some tensor shares
     * (the initial value, {@link Variable#value()}, a checkpoint's read of a slot) is never written:
     * var gets a new buffer, and a shared moment is copied first. Returns the variables themselves.
     */
    private static Tensor[] adamAssigned(Tensor var, Variable m, Variable v, Tensor g, double lrT, double b1, double b2, double eps) {
        Backend be = var.backend();
        Buffer mb = owned(m), vb = owned(v);
        boolean inPlace = var instanceof Variable w && owns(w);
        Buffer[] r = inPlace ? be.adamInPlace(var.dtype, var.buffer, mb, vb, g.buffer, lrT, b1, b2, eps)
                : be.adam(var.dtype, var.buffer, mb, vb, g.buffer, lrT, b1, b2, eps);
        m.assignOwned(r[1]);
        v.assignOwned(r[2]);
        if (!(var instanceof Variable w)) return new Tensor[] {new Tensor(var.shape, var.dtype, var.device, r[0]), m, v};
        w.assignOwned(r[0]);
        return new Tensor[] {w, m, v};
    }

    private static boolean owns(Variable s) {
        return !s.exposed && !s.pinned;
    }

    /** s's storage where nothing else holds it, else a copy of it. */
    private static Buffer owned(Variable s) {
        return owns(s) ? s.buffer : s.copyBuffer();
    }

    @Override
    public Tensor biasRelu(Tensor x, Tensor bias) {
        return Elementwise.biasRelu(x, bias);
    }

    @Override
    public Tensor conv2dBiasRelu(Tensor x, Tensor filter, Tensor bias, int sh, int sw, boolean same) {
        return Windows.conv2dBiasRelu(x, filter, bias, sh, sw, same);
    }

    @Override
    public Tensor conv2dBiasReluMaxPool(Tensor x, Tensor filter, Tensor bias, int[] strides, boolean same, int[] window,
                                        int[] poolStrides, boolean poolSame) {
        return Windows.conv2dBiasReluMaxPool(x, filter, bias, strides, same, window, poolStrides, poolSame);
    }

    @Override
    public Tensor conv2d(Tensor x, Tensor filter, int sh, int sw, boolean same) {
        return Windows.conv2d(x, filter, sh, sw, same);
    }

    @Override
    public Tensor maxPool2d(Tensor x, int kh, int kw, int sh, int sw, boolean same) {
        return Windows.maxPool2d(x, kh, kw, sh, sw, same);
    }

    @Override
    public Tensor avgPool2d(Tensor x, int kh, int kw, int sh, int sw, boolean same) {
        return Windows.avgPool2d(x, kh, kw, sh, sw, same);
    }

    /** Forward and backward side by side: y = x * mask, dx = dy * mask, the mask a constant. */
    @Override
    public Tensor dropout(Tensor x, double keepProb, Rng rng) {
        long offset = rng.claim("dropout", x.dtype, x.shape);
        Buffer[] r = x.backend().dropout(x.dtype, x.buffer, keepProb, rng.seed(), offset);
        Tensor y = new Tensor(x.shape, x.dtype, x.device, r[0]);
        if (!Autograd.active()) return y;
        Tensor mask = new Tensor(x.shape, x.dtype, x.device, r[1]);
        return Autograd.record("dropout", y, new Tensor[] {x}, (g, n) -> new Tensor[] {g.mul(mask)});
    }
}
