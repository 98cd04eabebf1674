package io.eager4j;

import io.eager4j.internal.Philox;
import io.eager4j.internal.Shapes;

/**
 * Counter-based randomness (Philox 4x32-10): each draw is a pure function of (seed, offset), so
 * results do not depend on thread count or device. Each thread has its own default generator.
 * <pre>{@code
 * Rng.setSeed(42);
 * Tensor u = Rng.current().uniform(0, 1, 2, 3);
 * }</pre>
 */
public final class Rng {
    private static final ThreadLocal<Rng> CURRENT = ThreadLocal.withInitial(() -> new Rng(0));

    private final long seed;
    private long offset;

    public Rng(long seed) {
        this.seed = seed;
    }

    /** This thread's default generator. */
    public static Rng current() {
        return CURRENT.get();
    }

    /** Restarts this thread's default generator from {@code seed}. */
    public static void setSeed(long seed) {
        CURRENT.set(new Rng(seed));
    }

    public long seed() {
        return seed;
    }

    /** Philox blocks consumed so far: the next draw starts here. */
    public long offset() {
        return offset;
    }

    public Tensor uniform(double lo, double hi, int... shape) {
        return uniform(DType.FLOAT32, lo, hi, shape);
    }

    public Tensor uniform(DType dtype, double lo, double hi, int... shape) {
        return draw(dtype, false, lo, hi, shape);
    }

    public Tensor normal(double mean, double stddev, int... shape) {
        return normal(DType.FLOAT32, mean, stddev, shape);
    }

    public Tensor normal(DType dtype, double mean, double stddev, int... shape) {
        return draw(dtype, true, mean, stddev, shape);
    }

    private Tensor draw(DType dtype, boolean normal, double a, double b, int[] shape) {
        checkFloating(dtype);
        int[] s = Tensor.checkShape(shape);
        int n = Shapes.size(s);
        Device d = Device.current();
        traced(n);
        Tensor t = new Tensor(s, dtype, d, d.backend().random(dtype, n, normal, seed, offset, a, b));
        offset += Philox.blocks(n);
        return t;
    }

    /** For ops that draw inside their own kernel (dropout): moves past n elements, returns where they start. */
    long claim(DType dtype, int n) {
        checkFloating(dtype);
        traced(n);
        long start = offset;
        offset += Philox.blocks(n);
        return start;
    }

    /** Inside a trace, the draw about to be made is replayed at the generator's offset of that time. */
    private void traced(int n) {
        TraceRecorder r = TraceRecorder.current();
        if (r != null) r.draw(this, offset, Philox.blocks(n));
    }

    /** A replay's draws: the generator moves on as the eager run's did. */
    void skip(long blocks) {
        offset += blocks;
    }

    private static void checkFloating(DType dtype) {
        if (!dtype.isFloating()) {
            throw new IllegalArgumentException("random: dtype must be float32 or float64, got " + dtype);
        }
    }
}
