package io.eager4j.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;

/**
 * The arguments of one kernel launch, in the kernel's parameter order. cuLaunchKernel copies the
 * values when it queues the launch, so they live only until then. Buffers are kept reachable until
 * the launch is queued, so the Cleaner cannot recycle one that a queued kernel has yet to read.
 */
final class Launch {
    static final int MAXR = 8;   // eager4j_common.cuh
    static final int BLOCK = 256;
    private static final int MAX_GRID = 8192;   // grid-stride loops cover the rest

    private final String op;
    private final List<Object> values = new ArrayList<>();
    private final List<GpuBuffer> buffers = new ArrayList<>();

    /** {@code op} names the user-level operation in errors. */
    Launch(String op) {
        this.op = op;
    }

    Launch i(int v) {
        values.add(v);
        return this;
    }

    Launch l(long v) {
        values.add(v);
        return this;
    }

    Launch d(double v) {
        values.add(v);
        return this;
    }

    Launch buf(GpuBuffer b) {
        buffers.add(b);
        values.add(b.ptr);
        return this;
    }

    /** struct Geom: rank, out[MAXR], then up to three stride arrays s0, s1, s2 (each of out's rank). */
    Launch geom(int[] out, int[]... strides) {
        int[] g = new int[1 + 4 * MAXR];
        g[0] = checkRank(out.length);
        System.arraycopy(out, 0, g, 1, out.length);
        for (int k = 0; k < strides.length; k++) System.arraycopy(strides[k], 0, g, 1 + (k + 1) * MAXR, strides[k].length);
        values.add(g);
        return this;
    }

    /** struct RGeom: kept axes (sizes, input strides), then reduced axes (sizes, input strides). */
    Launch reduceGeom(int[] keptShape, int[] keptStrides, int[] redShape, int[] redStrides) {
        int[] g = new int[2 + 4 * MAXR];
        g[0] = checkRank(keptShape.length);
        System.arraycopy(keptShape, 0, g, 1, keptShape.length);
        System.arraycopy(keptStrides, 0, g, 1 + MAXR, keptStrides.length);
        g[1 + 2 * MAXR] = checkRank(redShape.length);
        System.arraycopy(redShape, 0, g, 2 + 2 * MAXR, redShape.length);
        System.arraycopy(redStrides, 0, g, 2 + 3 * MAXR, redStrides.length);
        values.add(g);
        return this;
    }

    /** struct Win: Backend's Window record, field by field. */
    Launch win(io.eager4j.internal.Window g) {
        values.add(new int[] {g.n(), g.h(), g.w(), g.c(), g.kh(), g.kw(), g.sh(), g.sw(), g.padTop(), g.padLeft(), g.oh(), g.ow()});
        return this;
    }

    private int checkRank(int rank) {
        if (rank > MAXR) {
            throw new IllegalArgumentException(op + ": rank " + rank + " is more than the " + MAXR
                    + " dimensions GPU kernels take; reshape to fewer dimensions first");
        }
        return rank;
    }

    /** Queues {@code kernel} over {@code n} elements (grid-stride), {@code block} threads a block. */
    void run(CudaBackend device, String kernel, int n, int block) {
        int grid = (int) Math.min(MAX_GRID, Math.max(1, (n + (long) block - 1) / block));
        runGrid(device, kernel, grid, block);
    }

    void runGrid(CudaBackend device, String kernel, int grid, int block) {
        runFunction(device, device.kernels().function(kernel), kernel, grid, block);
    }

    /** Queues function {@code f} (named {@code kernel} in errors) over {@code grid} blocks of {@code block} threads. */
    void runFunction(CudaBackend device, MemorySegment f, String kernel, int grid, int block) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment params = a.allocate(ADDRESS, values.size());
            for (int k = 0; k < values.size(); k++) {
                MemorySegment v = switch (values.get(k)) {
                    case Integer x -> a.allocateFrom(JAVA_INT, x);
                    case Long x -> a.allocateFrom(JAVA_LONG, x);
                    case Double x -> a.allocateFrom(JAVA_DOUBLE, x);
                    case int[] x -> a.allocateFrom(JAVA_INT, x);
                    default -> throw new IllegalStateException("unknown kernel argument " + values.get(k));
                };
                params.setAtIndex(ADDRESS, k, v);
            }
            Driver.launch(f, grid, block, 0, device.stream(), params, kernel + " (" + op + ")");
        }
        Reference.reachabilityFence(buffers);
    }
}
