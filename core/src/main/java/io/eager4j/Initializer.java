package io.eager4j;

/** Makes a variable's first value. See {@link Initializers} for the usual ones. */
@FunctionalInterface
public interface Initializer {
    Tensor create(int[] shape, DType dtype, Rng rng);
}
