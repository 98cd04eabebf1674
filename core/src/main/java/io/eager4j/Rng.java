package io.eager4j;

import io.eager4j.internal.Philox;
import io.eager4j.internal.RowShard;
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

    /**
     * Restarts this thread's default generator at a saved position ({@link #seed}, {@link #offset}):
     * resuming from a checkpoint draws what the uninterrupted run would have drawn.
     */
    public static void restore(long seed, long offset) {
        if (offset < 0) throw new IllegalArgumentException("Rng.restore: offset " + offset + " is negative");
        Rng r = new Rng(seed);
        r.offset = offset;
        CURRENT.set(r);
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
        Device d = Device.current();
        long start = claim("random", dtype, s);
        return new Tensor(s, dtype, d, d.backend().random(dtype, Shapes.size(s), normal, seed, start, a, b));
    }

    /**
     * Moves past a draw of this shape and returns where its elements start: for ops that draw
     * inside their own kernel (dropout) as for {@link #uniform}. On a replica's shard of a batch
     * ({@link io.eager4j.parallel.DataParallel}) the start is this shard's rows in the one-process
     * draw, and the move is the one-process draw's.
     */
    long claim(String op, DType dtype, int[] shape) {
        checkFloating(dtype);
        int n = Shapes.size(shape);
        long start = offset, blocks = Philox.blocks(n);
        RowShard shard = RowShard.current();
        if (shard != null && shard.covers(shape)) {
            start += shard.startBlock(op, shape, n);
            blocks = shard.globalBlocks(n);
        }
        TraceRecorder r = TraceRecorder.current();   // a trace replays the draw at the generator's offset of that time
        if (r != null) r.draw(this, offset, start, blocks);
        offset += blocks;
        return start;
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
