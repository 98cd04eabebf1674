package io.eager4j;

/**
 * Makes a variable's first value. See {@link Initializers} for the usual ones.
 * <pre>{@code
 * Initializer small = (shape, dtype, rng) -> rng.normal(0, 0.01, shape).cast(dtype);
 * Variable w = Variable.create("w", small, 784, 150);
 * }</pre>
 */
@FunctionalInterface
public interface Initializer {
    Tensor create(int[] shape, DType dtype, Rng rng);
}
