package io.eager4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eager4j.internal.FastCpuBackend;
import io.eager4j.internal.ReferenceBackend;
import io.eager4j.nn.NN;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * Dropout as one fused op gives the numbers of the composition it replaced, bit for bit, on the fast
 * and the reference backend in float32 and float64, and moves the generator on as far.
 */
class DropoutTest {
    static final Device REFERENCE = Device.cpuWith(new ReferenceBackend());

    /** What NN.dropout computed before it was fused. */
    static Tensor composed(Tensor x, double keepProb, Rng rng) {
        try (var onX = x.device().use()) {
            Tensor keep = rng.uniform(x.dtype(), 0, 1, x.shape()).less(keepProb).cast(x.dtype());
            return x.mul(keep.mul(1 / keepProb));
        }
    }

    /** A generator whose next draw starts at block {@code offset}. */
    static Rng at(long seed, long offset) {
        Rng rng = new Rng(seed);
        for (long left = offset; left > 0; ) {
            int n = (int) Math.min(left, Integer.MAX_VALUE / 4) * 4;
            rng.claim("test", DType.FLOAT32, new int[] {n});
            left -= n / 4;
        }
        assertEquals(offset, rng.offset());
        return rng;
    }

    @Test
    void fusedIsTheCompositionBitForBit() {
        assertInstanceOf(FastCpuBackend.class, Device.cpu().backend(), "a silent fallback to the reference must not pass");
        for (Device device : new Device[] {Device.cpu(), REFERENCE}) {
            for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                for (int[] shape : new int[][] {{0, 4}, {1}, {3}, {5}, {13}, {129}, {1031}, {2, 3, 5}, {128, 150}}) {
                    for (double keep : new double[] {0.75, 0.5, 0.1, 0.999}) {
                        for (long offset : new long[] {0, (1L << 32) - 2}) {
                            Tensor x;
                            try (var on = device.use()) {
                                x = new Rng(shape.length).uniform(dtype, -2, 2, shape);
                            }
                            Rng fusedRng = at(11, offset), oldRng = at(11, offset);
                            Tensor fused = NN.dropout(x, keep, fusedRng), old = composed(x, keep, oldRng);
                            String what = device.backend().name() + " " + dtype + " n " + x.size() + " keep " + keep + " offset " + offset;
                            assertSame(device, fused.device(), what);
                            assertBits(old, fused, what);
                            assertEquals(oldRng.offset(), fusedRng.offset(), what + ": rng offset");
                        }
                    }
                }
            }
        }
    }

    @Test
    void gradientIsDyTimesTheMask() {
        Tensor x = new Rng(4).uniform(DType.FLOAT64, -1, 1, 7, 9);
        GradientCheck.Result r = GradientCheck.check(in -> NN.dropout(in[0], 0.75, new Rng(3)), x);
        assertTrue(r.passed(), r.toString());
        Tensor y, dx, dy = new Rng(5).uniform(DType.FLOAT64, 0.5, 1.5, 7, 9);
        try (var tape = new GradientTape()) {
            tape.watch(x);
            y = NN.dropout(x, 0.75, new Rng(3));
            dx = tape.gradient(y.mul(dy).sum(), x);
        }
        double[] xs = x.toDoubleArray(), ys = y.toDoubleArray(), dys = dy.toDoubleArray(), dxs = dx.toDoubleArray();
        int dropped = 0;
        for (int i = 0; i < xs.length; i++) {
            double mask = ys[i] == 0 ? 0 : 1 / 0.75;
            dropped += ys[i] == 0 ? 1 : 0;
            assertEquals(dys[i] * mask, dxs[i], 1e-15, "element " + i);
        }
        assertTrue(dropped > 0 && dropped < xs.length, dropped + " of " + xs.length + " dropped");
    }

    @Test
    void fastBackendRunsOnePass() {
        // The composition allocates the uniform, the bool test and its cast beside the mask and y (17
        // bytes an element), the fused kernel only the mask and y (8). Until C2 compiles them, Vector
        // API calls allocate too, so this takes the least of up to 200 runs.
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int n = 1 << 18;
        Tensor x = Tensor.zeros(n);
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 200 && least >= 12L * n; i++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            NN.dropout(x, 0.75, new Rng(1));
            least = Math.min(least, threads.getCurrentThreadAllocatedBytes() - before);
        }
        assertTrue(least < 12L * n, "dropout allocated " + (double) least / n + " bytes an element: not the fused kernel");
    }

    @Test
    void keepOneAndErrorsAreUnchanged() {
        Rng rng = new Rng(1);
        Tensor x = Tensor.ones(2, 3);
        assertSame(x, NN.dropout(x, 1, rng));
        assertEquals(0, rng.offset());
        for (double bad : new double[] {0, -0.5, 1.5, Double.NaN}) {
            var e = assertThrows(IllegalArgumentException.class, () -> NN.dropout(x, bad, rng));
            assertEquals("dropout: keepProb must be in (0, 1], got " + bad, e.getMessage());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> NN.dropout(Tensor.of(new int[] {1, 2}, 2), 0.5, rng));
        assertEquals("random: dtype must be float32 or float64, got " + DType.INT32, e.getMessage());
        assertEquals(0, rng.offset());
    }

    static void assertBits(Tensor expected, Tensor actual, String what) {
        assertEquals(expected.dtype(), actual.dtype(), what);
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();   // float32 widens exactly
        assertEquals(e.length, a.length, what);
        for (int i = 0; i < e.length; i++) {
            assertEquals(Double.doubleToLongBits(e[i]), Double.doubleToLongBits(a[i]), what + " element " + i + ": " + e[i] + " vs " + a[i]);
        }
    }
}
