package io.eager4j.nn;

import io.eager4j.DType;
import io.eager4j.Initializer;
import io.eager4j.Initializers;
import io.eager4j.Rng;
import io.eager4j.Tensor;
import io.eager4j.Variable;

/**
 * A lookup table of {@code vocabulary} vectors of {@code dim}: int32 indices of any shape give that
 * shape + {@code [dim]}. Initialized uniform in [-0.05, 0.05] (Keras's); the gradient adds into the
 * rows that were looked up.
 * <pre>{@code
 * Embedding words = new Embedding(10_000, 64);
 * Tensor v = words.apply(Tensor.of(new int[] {5, 17, 5}, 3));   // [3, 64]
 * }</pre>
 */
public final class Embedding extends Layer {
    final Variable embeddings;

    public Embedding(int vocabulary, int dim) {
        this(null, vocabulary, dim, Initializers.uniform(-0.05, 0.05), DType.FLOAT32);
    }

    public Embedding(String name, int vocabulary, int dim, Initializer init, DType dtype) {
        super(name);
        this.embeddings = new Variable("embeddings", init.create(new int[] {vocabulary, dim}, dtype, Rng.current()));
    }

    @Override
    public Tensor apply(Tensor indices) {
        return recorded(embeddings.gather(indices, 0));
    }
}
