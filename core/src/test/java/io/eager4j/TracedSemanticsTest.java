package io.eager4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A traced function's semantics, as TF's tf.function has them, and its errors on misuse. */
class TracedSemanticsTest {

    @Test
    void sideEffectsHappenWhileTracingAndVariablesAreReadAtTheirCurrentValue() {
        Variable v = new Variable("v", Tensor.of(new float[] {1, 2}, 2));
        Tensor captured = Tensor.of(new float[] {10, 20}, 2);
        int[] calls = {0};
        Traced f = Traced.of(x -> {
            calls[0]++;
            return x.mul(v).add(captured);
        });
        Tensor x = Tensor.of(new float[] {3, 4}, 2);
        assertArrayEquals(new float[] {13, 28}, f.call(x).toFloatArray());
        v.assign(Tensor.of(new float[] {-1, 0}, 2));
        assertArrayEquals(new float[] {7, 20}, f.call(x).toFloatArray());
        assertArrayEquals(new float[] {9, 20}, f.call(Tensor.of(new float[] {1, 5}, 2)).toFloatArray());
        assertEquals(1, calls[0]);
    }

    @Test
    void readingAValueOnTheHostInsideIsAnErrorNamingTheOp() {
        Traced f = Traced.of((Tensor x) -> x.mul(Tensor.scalar(x.sum().item()))).named("scaled");
        var e = assertThrows(IllegalStateException.class, () -> f.call(Tensor.ones(3)));
        assertTrue(e.getMessage().startsWith("item/toDoubleArray: reads a tensor's value on the host inside traced function 'scaled'"),
                e.getMessage());
        Traced g = Traced.of(x -> x.to(Device.cpuWith(new io.eager4j.internal.ReferenceBackend())));
        var copy = assertThrows(IllegalStateException.class, () -> g.call(Tensor.ones(3)));
        assertTrue(copy.getMessage().contains("copied to the host while tracing"), copy.getMessage());
        String[] printed = new String[1];
        Traced.of(x -> {
            printed[0] = x.toString();   // printing inside: no value to show while tracing
            return x;
        }).call(Tensor.ones(3));
        assertEquals("tensor(traced, shape [3], float32)", printed[0]);
    }

    @Test
    void aShapeComputedFromTheDataIsRefusedWhereTheValueIsRead() {
        // no op's result shape depends on the data, so a data-dependent shape must come through the host
        Traced firstK = Traced.of((Tensor x) -> x.slice(new int[] {0}, new int[] {(int) x.max().item()})).named("first k");
        Tensor x = Tensor.of(new float[] {2, 1, 0, 3}, 4);
        var e = assertThrows(IllegalStateException.class, () -> firstK.call(x));
        assertTrue(e.getMessage().startsWith("item/toDoubleArray: reads a tensor's value on the host inside traced function 'first k'"),
                e.getMessage());
        assertEquals(0, firstK.traces(), "a refused trace is not kept");
        // eagerly the same function runs: the first max(x) elements
        assertArrayEquals(new float[] {2, 1, 0}, x.slice(new int[] {0}, new int[] {(int) x.max().item()}).toFloatArray());
    }

    @Test
    void callsUnderAnOpenTapeAreRefused() {
        Traced f = Traced.of(x -> x.mul(2));
        try (GradientTape tape = new GradientTape()) {
            Tensor x = new Variable("x", Tensor.ones(2));
            var e = assertThrows(IllegalStateException.class, () -> f.call(x));
            assertTrue(e.getMessage().contains("called under an open GradientTape"), e.getMessage());
        }
    }
}
