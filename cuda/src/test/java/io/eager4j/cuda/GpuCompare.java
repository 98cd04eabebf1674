package io.eager4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.eager4j.DType;
import io.eager4j.internal.Backend;
import io.eager4j.internal.Buffer;
import io.eager4j.internal.ReferenceBackend;
import java.util.Random;

/** Runs a primitive on the reference and on gpu:0 and compares element by element. */
final class GpuCompare {
    static final int[] SIZES = {1, 7, 13, 129, 1031};
    static final DType[] ALL = DType.values();
    static final Backend REF = new ReferenceBackend();

    final Backend gpu = GpuSupport.backend();
    private final Random random;

    GpuCompare(long seed) {
        random = new Random(seed);
    }

    /** n values in [lo, hi); whole numbers for int32 and bool (0/1). */
    double[] values(DType t, int n, double lo, double hi) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            double v = lo + (hi - lo) * random.nextDouble();
            d[i] = t == DType.BOOL ? random.nextInt(2) : t == DType.INT32 ? Math.floor(v) : v;
        }
        return d;
    }

    /** {@code d} as a host array of {@code t}'s Java type, rounded the reference's way. */
    static Object array(DType t, double[] d) {
        return ReferenceBackend.write(t, d.clone()).array();
    }

    /** The same values on both backends: {reference, gpu}. */
    Buffer[] both(DType t, double[] d) {
        Object a = array(t, d);
        return new Buffer[] {REF.fromArray(t, a), gpu.fromArray(t, a)};
    }

    Buffer[] both(DType t, int n, double lo, double hi) {
        return both(t, values(t, n, lo, hi));
    }

    static double[] doubles(DType t, Object a) {
        return switch (a) {
            case double[] d -> d;
            case float[] f -> {
                double[] d = new double[f.length];
                for (int i = 0; i < f.length; i++) d[i] = f[i];
                yield d;
            }
            case int[] x -> {
                double[] d = new double[x.length];
                for (int i = 0; i < x.length; i++) d[i] = x[i];
                yield d;
            }
            case byte[] x -> {
                double[] d = new double[x.length];
                for (int i = 0; i < x.length; i++) d[i] = x[i];
                yield d;
            }
            default -> throw new IllegalArgumentException(t + " " + a);
        };
    }

    /** |ref - gpu| <= tol * (1 + |ref|) for every element; NaN matches NaN. */
    void same(String what, DType t, Buffer ref, Buffer g, double tol) {
        double[] e = doubles(t, REF.toArray(t, ref)), a = doubles(t, gpu.toArray(t, g));
        assertEquals(e.length, a.length, what + ": sizes");
        for (int i = 0; i < e.length; i++) {
            boolean ok = Double.isNaN(e[i]) ? Double.isNaN(a[i])
                    : e[i] == a[i] || Math.abs(e[i] - a[i]) <= tol * (1 + Math.abs(e[i]));
            if (!ok) fail(what + " element " + i + " of " + e.length + ": reference " + e[i] + ", gpu " + a[i]);
        }
    }

    /** Float32 results go through one rounding on both sides; libm differences stay within an ulp or two. */
    static double tol(DType t) {
        return t == DType.FLOAT32 ? 3e-7 : t == DType.FLOAT64 ? 1e-14 : 0;
    }
}
