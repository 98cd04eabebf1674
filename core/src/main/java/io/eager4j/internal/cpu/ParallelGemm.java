package io.eager4j.internal.cpu;

/**
 * Splits a large product into blocks of C's rows (columns when C has under 16 rows or is wide, depth
 * when C is small and the inner dimension long) and runs them on {@link Workers}: each block is an
 * ordinary call of the wrapped single-threaded GEMM on slices of the operands (leading dimensions, no
 * copies). Products below {@link #MIN_WORK} multiply-adds run unsplit: there a hand-off costs more than
 * the second core saves.
 */
public final class ParallelGemm implements Gemm {
    /**
     * Measured on 2-core Zen 4 (OpenBLAS): 128x150x784 (15 M multiply-adds) 337 -> 195 us, 784x150x128
     * 332 -> 182 us in two blocks; more blocks per thread were slower (each block re-packs its panels).
     */
    static final long MIN_WORK = 2_000_000;

    /** Per calling thread: the depth split's partial products past the first (which goes into C). */
    private static final ThreadLocal<float[]> PARTIALS = ThreadLocal.withInitial(() -> new float[0]);
    /** The most C elements a depth split sums (each block past the first writes a partial C of its own). */
    static final int DEPTH_MAX_C = 1 << 16;

    private final Gemm inner;
    private final Workers workers;
    private final int blocksPerThread;

    ParallelGemm(Gemm inner, Workers workers, int blocksPerThread) {
        this.inner = inner;
        this.workers = workers;
        this.blocksPerThread = blocksPerThread;
    }

    /** {@code inner} itself for one thread; else {@code inner} split across the workers, caller included. */
    public static Gemm of(Gemm inner, Workers workers) {
        return workers.threads() == 1 ? inner : new ParallelGemm(inner, workers, 1);
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
                      boolean accumulate) {
        if ((long) m * n * k < MIN_WORK || !GemmArgs.check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb,
                c, cOff, ldc, accumulate)) {
            inner.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
        }
        if (k >= 4 * Math.max(m, n) && (long) m * n <= DEPTH_MAX_C) {
            byDepth(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
        }
        // rows measured faster even for 128x150 (shared B panel); columns if too few rows, or when C is at
        // least twice as wide as tall: a row block reads all of B, a column block only its share (the
        // CNN's dense1 forward and input gradient, 128x1024x3136 and 128x3136x1024 on 2 cores: 4.3 -> 3.4 ms
        // and 3.5 -> 2.95 ms on the AVX-512 Xeon; the seed's weight gradient splits by rows, its forward by depth)
        boolean byRows = m >= 16 && n < 2 * m;
        int extent = byRows ? m : n;
        int align = byRows ? 8 : 16;   // whole micro-kernel tiles per block
        int blocks = Math.min(workers.threads() * blocksPerThread, Math.max(1, extent / align));
        int size = ((extent + blocks - 1) / blocks + align - 1) / align * align;
        int count = (extent + size - 1) / size;
        workers.run(count, i -> {
            int from = i * size, len = Math.min(size, extent - from);
            if (byRows) {
                inner.sgemm(transA, transB, len, n, k, a, aOff + (transA ? from : from * lda), lda,
                        b, bOff, ldb, c, cOff + from * ldc, ldc, accumulate);
            } else {
                inner.sgemm(transA, transB, m, len, k, a, aOff, lda,
                        b, bOff + (transB ? from * ldb : from), ldb, c, cOff + from, ldc, accumulate);
            }
        });
    }

    /**
     * C = sum over blocks of A[:, K_i] B[K_i, :]: block 0 into C, each later one into a partial, added to
     * C in block order (so the bits do not depend on which thread ran which block). The seed's forward,
     * 128x150x784: each core reads half of W0's rows instead of all of them, the half its share of the
     * weight gradient (784x150x128, split by rows) wrote. Its replayed step 0.72 -> 0.69 ms, 3000 steps
     * 2.50 -> 2.40 s (SeedWorkload, 3 alternating pairs).
     */
    private void byDepth(boolean transA, boolean transB, int m, int n, int k,
                         float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
                         boolean accumulate) {
        int blocks = Math.min(workers.threads(), k / 8);
        int size = ((k + blocks - 1) / blocks + 7) / 8 * 8, count = (k + size - 1) / size, mn = m * n;
        float[] partials = PARTIALS.get();
        if (partials.length < (count - 1) * mn) PARTIALS.set(partials = new float[(count - 1) * mn]);
        float[] p = partials;
        workers.run(count, i -> {
            int from = i * size, len = Math.min(size, k - from);
            int ao = aOff + (transA ? from * lda : from), bo = bOff + (transB ? from : from * ldb);
            if (i == 0) inner.sgemm(transA, transB, m, n, len, a, ao, lda, b, bo, ldb, c, cOff, ldc, accumulate);
            else inner.sgemm(transA, transB, m, n, len, a, ao, lda, b, bo, ldb, p, (i - 1) * mn, n, false);
        });
        for (int i = 1; i < count; i++) {
            for (int r = 0; r < m; r++) {
                int co = cOff + r * ldc, po = (i - 1) * mn + r * n;
                for (int j = 0; j < n; j++) c[co + j] += p[po + j];
            }
        }
    }

    @Override
    public String name() {
        return inner.name();
    }
}
