package io.eager4j.internal.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Winograd}'s transforms of one 2x2 output block, a vector of channels at a time: each 1D
 * transform is six loads, a few multiply-adds and six stores (at most), its coefficients those of
 * Winograd's matrices at its points (0, ±1, 2, -1/2; {@code WinogradTest} checks them against the
 * derivation). Loops over 32 or 64 channels one block at a time were too short for C2's vector
 * loops: they ran the forward 2.2x slower than im2col. Only loaded when {@code jdk.incubator.vector}
 * is present; the channels must be a multiple of {@link #VL}.
 */
final class WinogradKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int VL = S.length();

    private WinogradKernels() {}

    // No vector crosses a method boundary here: bin/eager4j's -XX:FreqInlineSize=100 leaves methods this
    // size out of line, and a vector passed or returned out of line is boxed (the step ran 7% slower)

    /** Bᵀ of six vectors, row k at in[rows[k] + ci] (the zero vector where rows[k] < 0: the padding), into out[p + k * outStride]. */
    static void bt(float[] in, int[] rows, int ci, float[] out, int p, int outStride) {
        FloatVector d0 = loadOrZero(in, rows[0], ci), d1 = loadOrZero(in, rows[1], ci), d2 = loadOrZero(in, rows[2], ci);
        FloatVector d3 = loadOrZero(in, rows[3], ci), d4 = loadOrZero(in, rows[4], ci), d5 = loadOrZero(in, rows[5], ci);
        d0.add(d1.mul(1.5f)).sub(d2.mul(2f)).sub(d3.mul(1.5f)).add(d4).intoArray(out, p);
        d4.sub(d1).sub(d2.mul(2.5f)).sub(d3.mul(0.5f)).intoArray(out, p + outStride);
        d4.add(d1).add(d2.mul(0.5f)).sub(d3.mul(2.5f)).intoArray(out, p + 2 * outStride);
        d4.sub(d1.mul(0.5f)).sub(d2).add(d3.mul(0.5f)).intoArray(out, p + 3 * outStride);
        d4.add(d1.mul(2f)).sub(d2).sub(d3.mul(2f)).intoArray(out, p + 4 * outStride);
        d5.add(d1).add(d2.mul(1.5f)).sub(d3.mul(2f)).sub(d4.mul(1.5f)).intoArray(out, p + 5 * outStride);
    }

    /** B (the adjoint of Bᵀ) of the six vectors at in[o + k * stride] into out[p + k * outStride]. */
    static void b(float[] in, int o, int stride, float[] out, int p, int outStride) {
        FloatVector v0 = load(in, o), v1 = load(in, o + stride), v2 = load(in, o + 2 * stride);
        FloatVector v3 = load(in, o + 3 * stride), v4 = load(in, o + 4 * stride), v5 = load(in, o + 5 * stride);
        v0.intoArray(out, p);
        v0.mul(1.5f).sub(v1).add(v2).sub(v3.mul(0.5f)).add(v4.mul(2f)).add(v5).intoArray(out, p + outStride);
        v5.mul(1.5f).sub(v0.mul(2f)).sub(v1.mul(2.5f)).add(v2.mul(0.5f)).sub(v3).sub(v4).intoArray(out, p + 2 * outStride);
        v3.mul(0.5f).sub(v0.mul(1.5f)).sub(v1.mul(0.5f)).sub(v2.mul(2.5f)).sub(v4.mul(2f)).sub(v5.mul(2f)).intoArray(out, p + 3 * outStride);
        v0.add(v1).add(v2).add(v3).add(v4).sub(v5.mul(1.5f)).intoArray(out, p + 4 * outStride);
        v5.intoArray(out, p + 5 * outStride);
    }

    /** A (the adjoint of Aᵀ) of the two vectors at in[o0] and in[o1] into out[p + k * stride], k = 0..5. */
    static void a(float[] in, int o0, int o1, float[] out, int p, int stride) {
        FloatVector z0 = load(in, o0), z1 = load(in, o1);
        z0.intoArray(out, p);
        z0.add(z1).intoArray(out, p + stride);
        z0.sub(z1).intoArray(out, p + 2 * stride);
        z0.add(z1.mul(2f)).intoArray(out, p + 3 * stride);
        z0.sub(z1.mul(0.5f)).intoArray(out, p + 4 * stride);
        z1.intoArray(out, p + 5 * stride);
    }

    /**
     * Aᵀ of the six vectors at m[o + k * stride] into out[p] and out[p + outStride]; with a bias, its
     * bias and ReLU as {@link io.eager4j.internal.Kernels#relu} rounds them (bias read at ci).
     */
    static void at(float[] m, int o, int stride, float[] bias, int ci, float[] out, int p, int outStride) {
        FloatVector m1 = load(m, o + stride), m2 = load(m, o + 2 * stride), m3 = load(m, o + 3 * stride), m4 = load(m, o + 4 * stride);
        FloatVector r0 = load(m, o).add(m1).add(m2).add(m3).add(m4);
        FloatVector r1 = m1.sub(m2).add(m3.mul(2f)).sub(m4.mul(0.5f)).add(load(m, o + 5 * stride));
        r0.intoArray(out, p);
        r1.intoArray(out, p + outStride);
        if (bias != null) {
            DirectConv.biasRelu(out, p, bias, ci);
            DirectConv.biasRelu(out, p + outStride, bias, ci);
        }
    }

    static void add(float[] from, int o, float[] to, int p) {
        load(to, p).add(load(from, o)).intoArray(to, p);
    }

    private static FloatVector load(float[] a, int o) {
        return FloatVector.fromArray(S, a, o);
    }

    private static FloatVector loadOrZero(float[] x, int row, int ci) {
        return row < 0 ? FloatVector.zero(S) : FloatVector.fromArray(S, x, row + ci);
    }
}
