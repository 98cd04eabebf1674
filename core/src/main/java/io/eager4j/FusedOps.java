package io.eager4j;

import io.eager4j.internal.Buffer;

/** Implementations behind {@link io.eager4j.internal.Fused}: several outputs from one backend pass. */
final class FusedOps implements io.eager4j.internal.Fused.Ops {
    @Override
    public Tensor[] adam(Tensor var, Tensor m, Tensor v, Tensor g, double lrT, double b1, double b2, double eps) {
        Tensor zero = m == null || v == null ? Tensor.fullLike(var, 0) : null;
        Tensor mm = m != null ? m : zero, vv = v != null ? v : zero;
        Buffer[] r = var.backend().adam(var.dtype, var.buffer, mm.buffer, vv.buffer, g.buffer, lrT, b1, b2, eps);
        Tensor[] out = new Tensor[3];
        for (int i = 0; i < 3; i++) out[i] = new Tensor(var.shape, var.dtype, var.device, r[i]);
        return out;
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
