package io.eager4j.internal;

import io.eager4j.DType;
import io.eager4j.internal.cpu.FastWindows;
import io.eager4j.internal.cpu.Gemm;
import io.eager4j.internal.cpu.Gemms;
import io.eager4j.internal.cpu.ParallelGemm;
import io.eager4j.internal.cpu.VectorAdam;
import io.eager4j.internal.cpu.Workers;
import java.util.Arrays;

/**
 * The CPU backend: float32 in tight loops over the heap arrays (no double round trip), GEMM
 * through OpenBLAS or the Vector API kernel. Shapes without a fast path, and other dtypes, fall
 * back to the reference backend, which defines the results.
 */
public final class FastCpuBackend extends ReferenceBackend {
    private final Gemm gemm;
    private final FastWindows windows;
    /**
     * Variables this large update on all cores, each its own range: the seed's W0 (117,600 weights) and
     * the CNN's dense1 kernel (3.2M). Adam is bound by its divisions and square roots, and the seed's
     * ranges are the halves of W0 that each core's share of the weight gradient wrote and its share of the
     * forward (split by depth) reads, so they stay in that core's L2 (Workers runs block 0 on the caller
     * and the last on a helper). Seed, 3 alternating pairs: update 91 -> 48 us; replayed step 0.60 ->
     * 0.54 ms, 3000 steps 1.99 -> 1.79 s (--trace) and 2.10 -> 1.93 s (eager). The CNN: as fast as the
     * Vector API kernel it replaces, which boxed every vector until C2 compiled it.
     */
    private static final int SPLIT_ADAM = 1 << 16;
    /**
     * Variables this large update through {@link VectorAdam} (the CNN's dense1 kernel), whose one pass
     * also flushes the moments; smaller ones (the seed's W0) keep the plain loop, which needs no C2 time
     * in the first steps to run at speed.
     */
    private static final int VECTOR_ADAM = 1 << 20;

    /** One thread: {@code gemm} as it is. */
    public FastCpuBackend(Gemm gemm) {
        this(gemm, new Workers(1, "eager4j-gemm"));
    }

    /** Large products split over {@code workers}; convolutions run whole-image tiles on them. */
    public FastCpuBackend(Gemm gemm, Workers workers) {
        this.gemm = ParallelGemm.of(gemm, workers);
        this.windows = new FastWindows(gemm, workers);
    }

    @Override
    public String name() {
        return "cpu-" + gemm.name();
    }

    private static float[] f(Buffer b) {
        return ((CpuBuffer) b).floats();
    }

    @Override
    public Buffer full(DType dtype, int n, double value) {
        if (dtype != DType.FLOAT32) return super.full(dtype, n, value);
        float[] r = Alloc.floats(n);
        if (value != 0) Arrays.fill(r, (float) value);
        return new CpuBuffer(r);
    }

    @Override
    public Buffer unary(Unary op, DType dtype, Buffer x) {
        if (dtype != DType.FLOAT32) return super.unary(op, dtype, x);
        float[] a = f(x), r = Alloc.floatsOverwritten(a.length);
        Kernels.unary(op, a, r);
        return new CpuBuffer(r);
    }

    @Override
    public Buffer clip(DType dtype, Buffer x, double lo, double hi) {
        if (dtype != DType.FLOAT32) return super.clip(dtype, x, lo, hi);
        float[] a = f(x), r = Alloc.floatsOverwritten(a.length);
        Kernels.clip(a, r, (float) lo, (float) hi);
        return new CpuBuffer(r);
    }

    @Override
    public Buffer binary(Binary op, DType dtype, Buffer a, int[] aShape, Buffer b, int[] bShape, int[] out) {
        if (dtype != DType.FLOAT32) return super.binary(op, dtype, a, aShape, b, bShape, out);
        int n = Shapes.size(out);
        Layout la = Layout.of(aShape, out), lb = Layout.of(bShape, out);
        if (la == null || lb == null) return super.binary(op, dtype, a, aShape, b, bShape, out);
        int cols = out.length == 0 ? 1 : out[out.length - 1];
        float[] x = f(a), y = f(b);
        if (op.isComparison()) {
            byte[] r = Alloc.bytes(n);
            Kernels.compare(op, x, la, y, lb, r, cols);
            return new CpuBuffer(r);
        }
        float[] r = Alloc.floatsOverwritten(n);
        Kernels.binary(op, x, la, y, lb, r, cols);
        return new CpuBuffer(r);
    }

    /** How an operand maps onto the output: the same shape, one scalar, one row repeated, or one column. */
    enum Layout {
        FULL, SCALAR, ROW, COLUMN;

        static Layout of(int[] shape, int[] out) {
            int n = Shapes.size(shape);
            if (Arrays.equals(shape, out)) return FULL;
            if (n == 1) return SCALAR;
            int r = out.length;
            if (r >= 1 && n == out[r - 1] && shape.length >= 1 && shape[shape.length - 1] == out[r - 1]) return ROW;
            if (r >= 2 && shape.length == r && shape[r - 1] == 1 && n * out[r - 1] == Shapes.size(out)) {
                for (int d = 0; d < r - 1; d++) if (shape[d] != out[d]) return null;
                return COLUMN;
            }
            return null;
        }

        int index(int i, int cols) {
            return switch (this) {
                case FULL -> i;
                case SCALAR -> 0;
                case ROW -> i % cols;
                case COLUMN -> i / cols;
            };
        }
    }

    @Override
    public Buffer reduce(Reduce op, DType dtype, Buffer x, int[] shape, boolean[] axes) {
        if (dtype != DType.FLOAT32) return super.reduce(op, dtype, x, shape, axes);
        // view as [outer, mid, inner] with only the mid block reduced
        int first = -1, last = -1;
        for (int d = 0; d < axes.length; d++) {
            if (axes[d] && shape[d] != 1) {
                if (first < 0) first = d;
                last = d;
            }
        }
        float[] a = f(x);
        if (first < 0) return new CpuBuffer(a.clone());
        for (int d = first; d <= last; d++) if (!axes[d] && shape[d] != 1) return super.reduce(op, dtype, x, shape, axes);
        int outer = 1, mid = 1, inner = 1;
        for (int d = 0; d < first; d++) outer *= shape[d];
        for (int d = first; d <= last; d++) mid *= shape[d];
        for (int d = last + 1; d < shape.length; d++) inner *= shape[d];
        float[] r = Alloc.floats(outer * inner);
        Kernels.reduce(op == Reduce.SUM, a, r, outer, mid, inner);
        return new CpuBuffer(r);
    }

    @Override
    public Buffer broadcastTo(DType dtype, Buffer x, int[] shape, int[] out) {
        Layout l = dtype == DType.FLOAT32 ? Layout.of(shape, out) : null;
        if (l == null) return super.broadcastTo(dtype, x, shape, out);
        float[] a = f(x), r = Alloc.floatsOverwritten(Shapes.size(out));
        int cols = out.length == 0 ? 1 : out[out.length - 1];
        switch (l) {   // whole runs copied or filled: no index arithmetic per element
            case FULL -> System.arraycopy(a, 0, r, 0, r.length);
            case SCALAR -> Arrays.fill(r, a[0]);
            case ROW -> { for (int b = 0; b < r.length; b += cols) System.arraycopy(a, 0, r, b, cols); }
            case COLUMN -> { for (int i = 0, b = 0; b < r.length; i++, b += cols) Arrays.fill(r, b, b + cols, a[i]); }
        }
        return new CpuBuffer(r);
    }

    @Override
    public Buffer matmul(DType dtype, Buffer a, Buffer b, int batch, int m, int n, int k, boolean transA, boolean transB) {
        if (dtype != DType.FLOAT32) return super.matmul(dtype, a, b, batch, m, n, k, transA, transB);
        // not zeroed first: a product that does not accumulate overwrites C (the Gemm contract, k = 0 too).
        // A replayed seed step had zeroed its planned 470 KB weight gradient on one core, ~20 us.
        float[] x = f(a), y = f(b), r = Alloc.floatsOverwritten(batch * m * n);
        for (int p = 0; p < batch; p++) {
            gemm.sgemm(transA, transB, m, n, k, x, p * m * k, y, p * k * n, r, p * m * n, false);
        }
        return new CpuBuffer(r);
    }

    @Override
    public Buffer cast(DType from, Buffer x, DType to) {
        if (to != DType.FLOAT32 || (from != DType.BOOL && from != DType.FLOAT64)) return super.cast(from, x, to);
        Object src = ((CpuBuffer) x).array();
        float[] r;
        if (src instanceof byte[] bytes) {
            r = new float[bytes.length];
            for (int i = 0; i < r.length; i++) r[i] = bytes[i];
        } else {
            double[] d = (double[]) src;
            r = new float[d.length];
            for (int i = 0; i < r.length; i++) r[i] = (float) d[i];
        }
        return new CpuBuffer(r);
    }

    @Override
    public Buffer[] adam(DType dtype, Buffer var, Buffer m, Buffer v, Buffer g, double lrT, double b1, double b2, double eps) {
        return adam(dtype, var, m, v, g, lrT, b1, b2, eps, false);
    }

    @Override
    public Buffer[] adamInPlace(DType dtype, Buffer var, Buffer m, Buffer v, Buffer g, double lrT, double b1, double b2, double eps) {
        return adam(dtype, var, m, v, g, lrT, b1, b2, eps, true);
    }

    private Buffer[] adam(DType dtype, Buffer var, Buffer m, Buffer v, Buffer g, double lrT, double b1, double b2, double eps, boolean overVar) {
        if (dtype != DType.FLOAT32) return super.adam(dtype, var, m, v, g, lrT, b1, b2, eps);
        float[] w = f(var), mm = f(m), vv = f(v), gg = f(g);
        // moments updated in place (the SPI allows it): two fewer arrays to allocate and zero nearly
        // halve the update's time. Not when a buffer comes twice, as the shared zeros of the first step do.
        boolean inPlace = mm != vv && mm != w && vv != w && mm != gg && vv != gg;
        float[] w2 = overVar && inPlace && w != gg ? w : Alloc.floatsOverwritten(w.length);
        float[] m2 = inPlace ? mm : Alloc.floatsOverwritten(w.length), v2 = inPlace ? vv : Alloc.floatsOverwritten(w.length);
        if (!inPlace) {
            Kernels.adam(w, mm, vv, gg, w2, m2, v2, lrT, b1, b2, eps);
        } else {   // ranges of whole vectors (16 floats), one per thread from SPLIT_ADAM weights
            boolean vector = w.length >= VECTOR_ADAM && Gemms.vectorApiPresent();
            windows.parallel((w.length + 15) >>> 4, 16, SPLIT_ADAM, (from, to) -> {
                int lo = from << 4, hi = Math.min(w.length, to << 4), cut = vector ? hi - (hi - lo) % VectorAdam.VL : lo;
                if (vector) VectorAdam.adamInPlace(w, mm, vv, gg, w2, lo, cut, lrT, b1, b2, eps);
                Kernels.adamInPlace(w, mm, vv, gg, w2, cut, hi, lrT, b1, b2, eps);
            });
        }
        return new Buffer[] {w2 == w ? var : new CpuBuffer(w2), inPlace ? m : new CpuBuffer(m2), inPlace ? v : new CpuBuffer(v2)};
    }

    @Override
    public Buffer random(DType dtype, int n, boolean normal, long seed, long offset, double a, double b) {
        if (dtype != DType.FLOAT32 || normal) return super.random(dtype, n, normal, seed, offset, a, b);
        float[] r = Alloc.floatsOverwritten(n);
        PhiloxVector.uniform(r, seed, offset, a, b);
        return new CpuBuffer(r);
    }

    @Override
    public Buffer[] dropout(DType dtype, Buffer x, double keepProb, long seed, long offset) {
        if (dtype != DType.FLOAT32) return super.dropout(dtype, x, keepProb, seed, offset);
        float[] a = f(x), y = Alloc.floatsOverwritten(a.length), mask = Alloc.floatsOverwritten(a.length);
        // one pass instead of five; keepProb and 1/keepProb rounded to float as the scalars of the composition
        PhiloxVector.dropout(a, y, mask, seed, offset, (float) keepProb, (float) (1 / keepProb));
        return new Buffer[] {new CpuBuffer(y), new CpuBuffer(mask)};
    }

    @Override
    public Buffer biasRelu(DType dtype, Buffer x, int[] shape, Buffer bias) {
        if (dtype != DType.FLOAT32) return super.biasRelu(dtype, x, shape, bias);
        float[] a = f(x), b = f(bias), r = Alloc.floatsOverwritten(a.length);
        int cols = b.length;
        windows.parallel(a.length / cols, cols, (from, to) -> {   // rows of cols: split by elements
            for (int at = from * cols; at < to * cols; at += cols) {
                for (int j = 0; j < cols; j++) {
                    r[at + j] = Kernels.relu(a[at + j] + b[j]);   // relu's branch-free form: NaN -> 0
                }
            }
        });
        return new CpuBuffer(r);
    }

    @Override
    public Buffer reluGrad(DType dtype, Buffer g, Buffer out) {
        if (dtype != DType.FLOAT32) return super.reluGrad(dtype, g, out);
        float[] a = f(g), o = f(out), r = Alloc.floatsOverwritten(a.length);
        windows.parallel(a.length, (from, to) -> {
            // a product, as g * sign(out): inf * 0 is NaN. The mask without a branch: 1f where out > 0 (out >= +0 from relu)
            for (int i = from; i < to; i++) r[i] = a[i] * Float.intBitsToFloat(-Float.floatToRawIntBits(o[i]) >> 31 & 0x3f800000);
        });
        return new CpuBuffer(r);
    }

    // ---- windows: im2col + GEMM, single-pass pooling (FastWindows)

    @Override
    public Buffer conv2d(DType dtype, Buffer x, Buffer filter, Window g, int co) {
        if (dtype != DType.FLOAT32) return super.conv2d(dtype, x, filter, g, co);
        return new CpuBuffer(windows.conv2d(f(x), f(filter), g, co));
    }

    @Override
    public Buffer conv2dBiasRelu(DType dtype, Buffer x, Buffer filter, Buffer bias, Window g, int co) {
        if (dtype != DType.FLOAT32) return super.conv2dBiasRelu(dtype, x, filter, bias, g, co);
        return new CpuBuffer(windows.conv2dBiasRelu(f(x), f(filter), f(bias), g, co));
    }

    @Override
    public Buffer[] conv2dBiasReluGrad(DType dtype, Buffer x, Buffer dy, Buffer y, Window g, int co, boolean wantDz) {
        if (dtype != DType.FLOAT32 || !windows.direct(g, co)) return super.conv2dBiasReluGrad(dtype, x, dy, y, g, co, wantDz);
        float[][] r = windows.conv2dBiasReluGrad(f(x), f(dy), f(y), g, co, wantDz);
        return new Buffer[] {new CpuBuffer(r[0]), new CpuBuffer(r[1]), r[2] == null ? null : new CpuBuffer(r[2])};
    }

    @Override
    public Buffer[] conv2dBiasReluMaxPool(DType dtype, Buffer x, Buffer filter, Buffer bias, Window g, Window pool, int co) {
        if (dtype != DType.FLOAT32 || overlaps(pool)) return super.conv2dBiasReluMaxPool(dtype, x, filter, bias, g, pool, co);
        Object[] r = windows.conv2dBiasReluMaxPool(f(x), f(filter), f(bias), g, pool, co);
        return new Buffer[] {new CpuBuffer(r[0]), new CpuBuffer(r[1])};
    }

    @Override
    public Buffer[] conv2dBiasReluMaxPoolGrad(DType dtype, Buffer x, Buffer filter, Buffer dp, Buffer pooled, Buffer argmax,
                                              Window g, Window pool, int co, boolean wantDx) {
        if (dtype != DType.FLOAT32 || overlaps(pool) || wantDx && windows.direct(g, co)) {
            return super.conv2dBiasReluMaxPoolGrad(dtype, x, filter, dp, pooled, argmax, g, pool, co, wantDx);
        }
        float[][] r = windows.conv2dBiasReluMaxPoolGrad(f(x), f(filter), f(dp), f(pooled), ((CpuBuffer) argmax).ints(), g, pool, co, wantDx);
        return new Buffer[] {new CpuBuffer(r[0]), new CpuBuffer(r[1]), r[2] == null ? null : new CpuBuffer(r[2])};
    }

    /** Pooling windows that share elements: their gradients add, which the one-pass kernels do not do. */
    private static boolean overlaps(Window pool) {
        return pool.sh() < pool.kh() || pool.sw() < pool.kw();
    }

    @Override
    public Buffer conv2dInputGrad(DType dtype, Buffer dy, Buffer filter, Window g, int co) {
        if (dtype != DType.FLOAT32) return super.conv2dInputGrad(dtype, dy, filter, g, co);
        return new CpuBuffer(windows.conv2dInputGrad(f(dy), f(filter), g, co));
    }

    @Override
    public Buffer conv2dFilterGrad(DType dtype, Buffer x, Buffer dy, Window g, int co) {
        if (dtype != DType.FLOAT32) return super.conv2dFilterGrad(dtype, x, dy, g, co);
        return new CpuBuffer(windows.conv2dFilterGrad(f(x), f(dy), g, co));
    }

    @Override
    public Buffer[] maxPool2d(DType dtype, Buffer x, Window g) {
        if (dtype != DType.FLOAT32) return super.maxPool2d(dtype, x, g);
        Object[] r = windows.maxPool(f(x), g);
        return new Buffer[] {new CpuBuffer(r[0]), new CpuBuffer(r[1])};
    }

    @Override
    public Buffer maxPool2dGrad(DType dtype, Buffer dy, Buffer argmax, Window g) {
        if (dtype != DType.FLOAT32 || overlaps(g)) return super.maxPool2dGrad(dtype, dy, argmax, g);
        return new CpuBuffer(windows.maxPoolGrad(f(dy), ((CpuBuffer) argmax).ints(), g));
    }

    @Override
    public Buffer scatterAdd(DType dtype, Buffer v, int outer, int dim, int inner, Buffer indices) {
        if (dtype != DType.FLOAT32 || outer != 1 || inner != 1) return super.scatterAdd(dtype, v, outer, dim, inner, indices);
        float[] r = scatterFlat(f(v), ((CpuBuffer) indices).ints(), dim);
        return r != null ? new CpuBuffer(r) : super.scatterAdd(dtype, v, outer, dim, inner, indices);
    }

    /**
     * values[j] added at idx[j] into a zero array of n (max pool's backward). Where no element is hit
     * twice (windows that do not overlap) that is a copy; otherwise the sums are made in double and
     * rounded once, like the reference. Null when an index is outside [0, n): the caller's
     * reference path decides what that means.
     */
    static float[] scatterFlat(float[] values, int[] idx, int n) {
        float[] r = new float[n];
        long[] hit = new long[(n + 63) >>> 6];
        for (int j = 0; j < idx.length; j++) {
            int i = idx[j];
            if (i < 0 || i >= n) return null;
            long bit = 1L << i;
            if ((hit[i >>> 6] & bit) != 0) return scatterInDouble(values, idx, n);
            hit[i >>> 6] |= bit;
            r[i] = values[j];
        }
        return r;
    }

    private static float[] scatterInDouble(float[] values, int[] idx, int n) {
        double[] sum = new double[n];
        for (int j = 0; j < idx.length; j++) {
            if (idx[j] < 0 || idx[j] >= n) return null;
            sum[idx[j]] += values[j];
        }
        float[] r = new float[n];
        for (int i = 0; i < n; i++) r[i] = (float) sum[i];
        return r;
    }
}
