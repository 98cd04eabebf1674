package io.eager4j.nn;

import io.eager4j.Rng;
import io.eager4j.Tensor;

/**
 * Keras's Dropout: in training, drops each unit with probability {@code rate} and scales the rest
 * by {@code 1 / (1 - rate)} (TF 1.x's keep probability is {@code 1 - rate}); in eval mode it passes
 * values through. Masks come from {@link Rng#current()}.
 * <pre>{@code
 * Dropout dropout = new Dropout(0.5);
 * Tensor h = dropout.apply(x);   // training mode: about half the units zeroed, the rest doubled
 * }</pre>
 */
public final class Dropout extends Layer {
    private final double rate;

    public Dropout(double rate) {
        this(null, rate);
    }

    public Dropout(String name, double rate) {
        super(name);
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("Dropout: rate must be in [0, 1), got " + rate);
        }
        this.rate = rate;
    }

    @Override
    public Tensor apply(Tensor x) {
        return recorded(isTraining() && rate > 0 ? NN.dropout(x, 1 - rate, Rng.current()) : x);
    }
}
