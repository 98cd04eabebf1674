package io.eager4j.nn;

import io.eager4j.Tensor;

/**
 * {@code [batch, d1, d2, ...]} to {@code [batch, d1 * d2 * ...]}.
 * <pre>{@code
 * Tensor flat = new Flatten().apply(x);   // [128, 3136] for x [128, 7, 7, 64]
 * }</pre>
 */
public final class Flatten extends Layer {
    public Flatten() {
        super(null);
    }

    @Override
    public Tensor apply(Tensor x) {
        return recorded(x.reshape(x.rank() == 0 ? 1 : x.shape()[0], -1));
    }
}
