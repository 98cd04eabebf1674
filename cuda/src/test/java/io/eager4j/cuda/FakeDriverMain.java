package io.eager4j.cuda;

import io.eager4j.DType;
import io.eager4j.Device;
import io.eager4j.GradientTape;
import io.eager4j.Tensor;
import io.eager4j.internal.Backend;
import io.eager4j.internal.Backend.Binary;
import io.eager4j.internal.Backend.Reduce;
import io.eager4j.internal.Backend.Unary;
import io.eager4j.internal.Buffer;
import io.eager4j.internal.ReferenceBackend;
import java.util.Arrays;

/**
 * Run by FakeDriverTest in a JVM of its own whose library path holds the fake CUDA libraries
 * (fake_cuda.c): every downcall's Java signature meets a C function of the real signature, so a
 * descriptor or invokeExact mismatch fails here instead of on the first GPU. Copies, fill, gather
 * and the cuBLAS row-major mapping are checked for values; other kernels only for being launched.
 */
public final class FakeDriverMain {
    static final Backend REF = new ReferenceBackend();
    static CudaBackend fake;

    public static void main(String[] args) {
        Device gpu = Device.gpu(0);
        CudaBackend g = (CudaBackend) new CudaProvider().open(0);
        fake = g;
        check(g.name().equals("cuda gpu:0 (compute_90)"), g.name());
        for (DType t : DType.values()) {
            Object a = GpuCompare.array(t, new double[] {1, 0, -3, 7, 1});
            check(Arrays.equals(GpuCompare.doubles(t, g.toArray(t, g.fromArray(t, a))), GpuCompare.doubles(t, REF.toArray(t, REF.fromArray(t, a)))), "round trip " + t);
            check(Arrays.equals(GpuCompare.doubles(t, g.toArray(t, g.cast(t, g.fromArray(t, a), t))), GpuCompare.doubles(t, a)), "cast to itself " + t);
        }
        same("full", REF.full(DType.FLOAT32, 13, 2.5), g.full(DType.FLOAT32, 13, 2.5), DType.FLOAT32);
        double[] v = new double[2 * 3 * 4];
        for (int i = 0; i < v.length; i++) v[i] = i;
        Buffer rx = REF.fromArray(DType.FLOAT32, GpuCompare.array(DType.FLOAT32, v)), gx = g.fromArray(DType.FLOAT32, GpuCompare.array(DType.FLOAT32, v));
        int[] shape = {2, 3, 4};
        same("permute", REF.permute(DType.FLOAT32, rx, shape, new int[] {2, 0, 1}), g.permute(DType.FLOAT32, gx, shape, new int[] {2, 0, 1}), DType.FLOAT32);
        same("slice", REF.slice(DType.FLOAT32, rx, shape, new int[] {1, 1, 2}, new int[] {1, 2, 2}), g.slice(DType.FLOAT32, gx, shape, new int[] {1, 1, 2}, new int[] {1, 2, 2}), DType.FLOAT32);
        same("broadcastTo", REF.broadcastTo(DType.FLOAT32, rx, shape, new int[] {2, 2, 3, 4}), g.broadcastTo(DType.FLOAT32, gx, shape, new int[] {2, 2, 3, 4}), DType.FLOAT32);
        matmuls(g);
        everyOtherPrimitiveLaunches(g);
        try (var tape = new GradientTape(); var scope = gpu.use()) {
            Tensor x = Tensor.ones(4, 3);
            tape.watch(x);
            tape.gradient(x.matmul(Tensor.ones(3, 2)).relu().sum(), new Tensor[] {x})[0].toFloatArray();
        }
        try {
            g.full(DType.FLOAT64, Integer.MAX_VALUE, 0);
            check(false, "no out-of-memory error");
        } catch (IllegalStateException e) {
            check(e.getMessage().startsWith("full on gpu:0: out of GPU memory: asked for 16.00 GiB, 1.00 GiB free of 2.00 GiB"), e.getMessage());
        }
        System.out.println("FAKE-DRIVER OK");
    }

    static void matmuls(CudaBackend g) {
        java.util.Random r = new java.util.Random(3);
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT32}) {
            for (int batch : new int[] {1, 3}) {
                int m = 5, n = 3, k = 7;
                double[] a = new double[batch * m * k], b = new double[batch * k * n];
                for (int i = 0; i < a.length; i++) a[i] = r.nextInt(9) - 4;
                for (int i = 0; i < b.length; i++) b[i] = r.nextInt(9) - 4;
                for (int tr = 0; tr < 4; tr++) {
                    boolean ta = (tr & 1) != 0, tb = (tr & 2) != 0;
                    Buffer want = REF.matmul(t, REF.fromArray(t, GpuCompare.array(t, a)), REF.fromArray(t, GpuCompare.array(t, b)), batch, m, n, k, ta, tb);
                    Buffer got = g.matmul(t, g.fromArray(t, GpuCompare.array(t, a)), g.fromArray(t, GpuCompare.array(t, b)), batch, m, n, k, ta, tb);
                    if (t != DType.INT32) same("matmul " + t + " batch " + batch + " transA " + ta + " transB " + tb, want, got, t);
                }
            }
        }
    }

    static void everyOtherPrimitiveLaunches(CudaBackend g) {
        DType f = DType.FLOAT32;
        Buffer x = g.full(f, 12, 1), b = g.full(DType.BOOL, 4, 1), idx = g.full(DType.INT32, 3, 1);
        int[] s = {3, 4}, row = {4};
        for (Unary op : Unary.values()) g.unary(op, f, x);
        for (Binary op : Binary.values()) g.binary(op, f, x, s, g.full(f, 4, 2), row, s);
        g.clip(f, x, 0, 1);
        g.where(f, b, row, x, s, x, s, s);
        for (Reduce op : Reduce.values()) g.reduce(op, f, x, s, new boolean[] {true, false});
        g.argmax(f, x, s, 1);
        g.pad(f, x, s, new int[] {1, 1}, new int[] {5, 6});
        g.concat(f, new Buffer[] {x, x}, new int[][] {s, s}, 1, new int[] {3, 8});
        for (DType from : DType.values()) for (DType to : DType.values()) g.cast(from, g.full(from, 5, 1), to);
        g.oneHot(f, idx, 10);
        g.random(f, 13, true, 1, 2, 0, 1);
        g.adam(f, x, x, x, x, 1e-3, 0.9, 0.999, 1e-8);
        for (int i = 0; i < 2000; i++) g.full(f, 1000, 0);   // garbage for the Cleaner
        System.gc();
        g.toArray(f, x);
    }

    static void same(String what, Buffer want, Buffer got, DType t) {
        double[] e = GpuCompare.doubles(t, REF.toArray(t, want)), a = GpuCompare.doubles(t, fake.toArray(t, got));
        check(Arrays.equals(e, a), what + ": reference " + Arrays.toString(e) + ", fake gpu " + Arrays.toString(a));
    }

    static void check(boolean ok, String what) {
        if (!ok) throw new AssertionError(what);
    }
}
