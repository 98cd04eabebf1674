package io.eager4j.internal.cpu;

/**
 * Splits a large product into blocks of C's rows (columns when C has under 16 rows) and runs them
 * on {@link Workers}: each block is an ordinary call of the wrapped single-threaded GEMM on slices of
 * the operands (leading dimensions, no copies). Products below {@link #MIN_WORK} multiply-adds run
 * unsplit: there a hand-off costs more than the second core saves.
 */
public final class ParallelGemm implements Gemm {
    /**
     * Measured on 2-core Zen 4 (OpenBLAS): 128x150x784 (15 M multiply-adds) 337 -> 195 us, 784x150x128
     * 332 -> 182 us in two blocks; more blocks per thread were slower (each block re-packs its panels).
     */
    static final long MIN_WORK = 2_000_000;

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
        // rows measured faster even for 128x150 (shared B panel); columns if too few rows, or when C is at
        // least twice as wide as tall: a row block reads all of B, a column block only its share (the
        // CNN's dense1 forward and input gradient, 128x1024x3136 and 128x3136x1024 on 2 cores: 4.3 -> 3.4 ms
        // and 3.5 -> 2.95 ms on the AVX-512 Xeon; the seed's products all split by rows, as before)
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

    @Override
    public String name() {
        return inner.name();
    }
}
