package io.eager4j.internal;

import io.eager4j.Rng;
import io.eager4j.Tensor;

/**
 * Fused multi-output steps for code outside {@code io.eager4j} (the optimizers). The tensor
 * package installs the implementation when it loads. Not API.
 */
public final class Fused {
    /** Fused kernels over tensors. */
    public interface Ops {
        /** Returns {var', m', v'} of one Adam step (see {@link Backend#adam}); m or v may be null for zeros. */
        Tensor[] adam(Tensor var, Tensor m, Tensor v, Tensor g, double lrT, double b1, double b2, double eps);

        /** Dropout as one recorded op, its mask drawn from {@code rng} where x lives (see {@link Backend#dropout}). */
        Tensor dropout(Tensor x, double keepProb, Rng rng);
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
