package io.eager4j.internal;

import io.eager4j.Rng;
import io.eager4j.Tensor;

/**
 * Entry points into the tensor package for code outside it (the optimizers, {@code nn}): fused
 * multi-output steps and the window ops. The tensor package installs the implementation when it
 * loads. Not API.
 */
public final class Fused {
    /** Fused kernels over tensors. */
    public interface Ops {
        /** Returns {var', m', v'} of one Adam step (see {@link Backend#adam}); m or v may be null for zeros. */
        Tensor[] adam(Tensor var, Tensor m, Tensor v, Tensor g, double lrT, double b1, double b2, double eps);

        /** Dropout as one recorded op, its mask drawn from {@code rng} where x lives (see {@link Backend#dropout}). */
        Tensor dropout(Tensor x, double keepProb, Rng rng);

        /** relu(x + bias), bias along the last axis, as one op. */
        Tensor biasRelu(Tensor x, Tensor bias);

        /** relu(conv2d(x, filter) + bias) as one op: a Conv2D layer with ReLU (see {@link Backend#conv2dBiasRelu}). */
        Tensor conv2dBiasRelu(Tensor x, Tensor filter, Tensor bias, int sh, int sw, boolean same);

        /** maxPool2d(conv2dBiasRelu(...)) as one op: a Conv2D with ReLU and its MaxPool2D (see {@link Backend#conv2dBiasReluMaxPool}). */
        Tensor conv2dBiasReluMaxPool(Tensor x, Tensor filter, Tensor bias, int[] strides, boolean same, int[] window,
                                     int[] poolStrides, boolean poolSame);

        /** NHWC conv2d with an HWIO filter (see {@link Backend#conv2d}). */
        Tensor conv2d(Tensor x, Tensor filter, int sh, int sw, boolean same);

        Tensor maxPool2d(Tensor x, int kh, int kw, int sh, int sw, boolean same);

        Tensor avgPool2d(Tensor x, int kh, int kw, int sh, int sw, boolean same);
    }

    private static volatile Ops ops;

    private Fused() {}

    public static void install(Ops impl) {
        ops = impl;
    }

    public static Ops ops() {
        if (ops == null) {
            Tensor.zeros(0);   // loads the tensor package, which installs the implementation
        }
        return ops;
    }
}
