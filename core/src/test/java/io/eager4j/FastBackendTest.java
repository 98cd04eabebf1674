package io.eager4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eager4j.internal.FastCpuBackend;
import io.eager4j.internal.ReferenceBackend;
import io.eager4j.nn.NN;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fast CPU backend against the reference: every row of the gradient table, forward and
 * backward, in float32 on the fast backend against float64 on the reference; and elementwise
 * kernels at awkward sizes.
 */
class FastBackendTest {
    static final Device REFERENCE = Device.cpuWith(new ReferenceBackend());

    @Test
    void defaultCpuDeviceRunsTheFastBackend() {
        assertInstanceOf(FastCpuBackend.class, Device.cpu().backend(), "a silent fallback to the reference must not pass");
    }

    static Stream<GradientTableTest.Row> rows() {
        // the cast and device-copy rows are about dtypes and devices themselves, not kernels
        return GradientTableTest.table().stream().filter(r -> !r.name().startsWith("cast") && !r.name().startsWith("to "));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void forwardAndBackwardMatchReferenceInFloat64(GradientTableTest.Row r) {
        Tensor[] x64;
        try (var s = REFERENCE.use()) {
            x64 = GradientTableTest.inputs(r, 3);
        }
        Tensor[] x32 = new Tensor[x64.length];
        for (int i = 0; i < x64.length; i++) x32[i] = Tensor.of(x64[i].toFloatArray(), x64[i].shape());
        Result fast = run(r.fn(), x32), ref = run(r.fn(), x64);
        assertEquals(Device.cpu(), fast.value.device());
        assertEquals(REFERENCE, ref.value.device());
        close(r.name() + " forward", ref.value, fast.value);
        for (int i = 0; i < x64.length; i++) close(r.name() + " gradient " + i, ref.grads[i], fast.grads[i]);
    }

    record Result(Tensor value, Tensor[] grads) {}

    static Result run(Function<Tensor[], Tensor> f, Tensor[] x) {
        try (var tape = new GradientTape()) {
            tape.watch(x);
            Tensor y = f.apply(x);
            return new Result(y, tape.gradient(y.sum(), x));
        }
    }

    static void close(String what, Tensor expected, Tensor actual) {
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        assertEquals(e.length, a.length, what);
        for (int i = 0; i < e.length; i++) {
            assertTrue(Math.abs(e[i] - a[i]) <= 2e-5 + 2e-5 * Math.abs(e[i]), what + " element " + i + ": reference " + e[i] + ", fast " + a[i]);
        }
    }

    @Test
    void elementwiseKernelsAtAwkwardSizes() {
        for (int n : new int[] {1, 7, 13, 129, 1031}) {
            for (int cols : new int[] {1, 3, 17}) {
                int rows = Math.max(1, n / cols);
                Tensor a, b, row, col;
                Tensor[] ref = new Tensor[4];
                try (var s = REFERENCE.use()) {
                    Rng rng = new Rng(n * 31L + cols);
                    ref[0] = rng.uniform(0.5, 2, rows, cols);
                    ref[1] = rng.uniform(0.5, 2, rows, cols);
                    ref[2] = rng.uniform(0.5, 2, cols);
                    ref[3] = rng.uniform(0.5, 2, rows, 1);
                }
                a = Tensor.of(ref[0].toFloatArray(), rows, cols);
                b = Tensor.of(ref[1].toFloatArray(), rows, cols);
                row = Tensor.of(ref[2].toFloatArray(), cols);
                col = Tensor.of(ref[3].toFloatArray(), rows, 1);
                String at = " at [" + rows + ", " + cols + "]";
                // same rounding as the reference: elementwise results are bit-identical
                same("add" + at, ref[0].add(ref[1]), a.add(b));
                same("div row" + at, ref[0].div(ref[2]), a.div(row));
                same("sub column" + at, ref[0].sub(ref[3]), a.sub(col));
                same("mul scalar" + at, ref[0].mul(3), a.mul(3));
                same("maximum" + at, ref[0].maximum(ref[1]), a.maximum(b));
                same("exp" + at, ref[0].exp(), a.exp());
                same("log" + at, ref[0].log(), a.log());
                same("sqrt" + at, ref[0].sqrt(), a.sqrt());
                same("relu" + at, ref[0].sub(1).relu(), a.sub(1).relu());
                same("clip" + at, ref[0].clip(0.7, 1.5), a.clip(0.7, 1.5));
                same("less" + at, ref[0].less(ref[1]).cast(DType.FLOAT32), a.less(b).cast(DType.FLOAT32));
                same("sum rows" + at, ref[0].sum(1), a.sum(1));
                same("sum columns" + at, ref[0].sum(0), a.sum(0));
                same("sum all" + at, ref[0].sum(), a.sum());
                same("max rows" + at, ref[0].max(new int[] {1}, true), a.max(new int[] {1}, true));
                same("broadcast row" + at, ref[2].broadcastTo(rows, cols), row.broadcastTo(rows, cols));
                same("softmax" + at, NN.softmax(ref[0], 1), NN.softmax(a, 1));
            }
        }
    }

    @Test
    void dropoutStreamIsTheReferenceStream() {
        Tensor ref;
        try (var s = REFERENCE.use()) {
            ref = new Rng(9).uniform(0, 1, 1031);
        }
        same("uniform", ref, new Rng(9).uniform(0, 1, 1031));
    }

    static void same(String what, Tensor expected, Tensor actual) {
        assertEquals(REFERENCE, expected.device());
        assertEquals(Device.cpu(), actual.device());
        float[] e = expected.toFloatArray(), a = actual.toFloatArray();
        for (int i = 0; i < e.length; i++) {
            assertEquals(Float.floatToIntBits(e[i]), Float.floatToIntBits(a[i]), what + " element " + i + ": " + e[i] + " vs " + a[i]);
        }
    }
}
