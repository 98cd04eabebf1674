package io.eager4j.internal;

/**
 * This thread's rows of a global batch, set by {@link io.eager4j.parallel.DataParallel}: a random
 * draw whose first dimension is {@code rows} is taken as rows {@code first .. first+rows-1} of the
 * draw one process would make over {@code total} rows, at the same place in the stream, and the
 * generator moves past the whole global draw. Philox is counter-based, so N workers drawing their
 * shards get exactly the one-process mask. Not API.
 */
public record RowShard(int first, int rows, int total) {
    private static final ThreadLocal<RowShard> CURRENT = new ThreadLocal<>();

    /** This thread's shard, or null when it is not one of several replicas. */
    public static RowShard current() {
        return CURRENT.get();
    }

    /** Sets (or, with null, clears) this thread's shard. */
    public static void set(RowShard shard) {
        if (shard == null) CURRENT.remove(); else CURRENT.set(shard);
    }

    /** Whether a draw of this shape is a shard of the global batch. */
    public boolean covers(int[] shape) {
        return shape.length > 0 && shape[0] == rows && rows != total;
    }

    /**
     * Where this shard's elements start in the one-process draw, in Philox blocks, for a draw of
     * {@code n} elements shaped {@code shape}; refuses a start inside a block (4 elements).
     */
    public long startBlock(String op, int[] shape, int n) {
        long perRow = n / rows;
        long element = first * perRow;
        if (element % 4 != 0) {
            int[] global = shape.clone();
            global[0] = total;
            throw new IllegalArgumentException(op + ": this worker's rows " + first + ".." + (first + rows - 1) + " of " + total
                    + " start at element " + element + " of the one-process draw of shape " + java.util.Arrays.toString(global)
                    + ", inside a 4-element Philox block; use a per-worker batch whose rows times " + perRow + " is a multiple of 4");
        }
        return element / 4;
    }

    /** Blocks the one-process draw consumes. */
    public long globalBlocks(int n) {
        return Philox.blocks((long) n / rows * total);
    }
}
