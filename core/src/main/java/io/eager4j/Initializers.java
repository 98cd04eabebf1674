package io.eager4j;

/**
 * The usual initializers, with TF's fan rules (a 1-D shape [n] has fan_in = fan_out = n).
 * <pre>{@code
 * Variable w = Variable.create("w", Initializers.heNormal(), 784, 150);   // for a ReLU layer
 * Variable b = Variable.create("b", Initializers.zeros(), 150);
 * }</pre>
 */
public final class Initializers {
    private Initializers() {}

    public static Initializer zeros() {
        return (shape, dtype, rng) -> Tensor.zeros(dtype, shape);
    }

    public static Initializer ones() {
        return (shape, dtype, rng) -> Tensor.ones(dtype, shape);
    }

    public static Initializer constant(double value) {
        return (shape, dtype, rng) -> Tensor.full(dtype, value, shape);
    }

    /** U(lo, hi). */
    public static Initializer uniform(double lo, double hi) {
        return (shape, dtype, rng) -> rng.uniform(dtype, lo, hi, shape);
    }

    public static Initializer normal(double mean, double stddev) {
        return (shape, dtype, rng) -> rng.normal(dtype, mean, stddev, shape);
    }

    /** Glorot (Xavier) uniform: U(-l, l), l = sqrt(6 / (fan_in + fan_out)). TF get_variable's default. */
    public static Initializer glorotUniform() {
        return (shape, dtype, rng) -> {
            double limit = glorotLimit(shape);
            return rng.uniform(dtype, -limit, limit, shape);
        };
    }

    /** He normal: N(0, sqrt(2 / fan_in)), for ReLU layers. */
    public static Initializer heNormal() {
        return (shape, dtype, rng) -> rng.normal(dtype, 0, Math.sqrt(2.0 / fans(shape)[0]), shape);
    }

    /** He uniform: U(-l, l), l = sqrt(6 / fan_in). */
    public static Initializer heUniform() {
        return (shape, dtype, rng) -> {
            double limit = Math.sqrt(6.0 / fans(shape)[0]);
            return rng.uniform(dtype, -limit, limit, shape);
        };
    }

    public static double glorotLimit(int... shape) {
        int[] f = fans(shape);
        return Math.sqrt(6.0 / (f[0] + f[1]));
    }

    /** TF's _compute_fans: [fan_in, fan_out]. */
    static int[] fans(int[] shape) {
        return switch (shape.length) {
            case 0 -> new int[] {1, 1};
            case 1 -> new int[] {shape[0], shape[0]};
            case 2 -> new int[] {shape[0], shape[1]};
            default -> {
                int receptive = 1;
                for (int i = 0; i < shape.length - 2; i++) receptive *= shape[i];
                yield new int[] {shape[shape.length - 2] * receptive, shape[shape.length - 1] * receptive};
            }
        };
    }
}
