package io.eager4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eager4j.internal.Buffer;
import io.eager4j.internal.CpuBuffer;
import io.eager4j.internal.Graphs;
import io.eager4j.internal.ReferenceBackend;
import io.eager4j.optim.Adam;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A device's graphs take a trace only when every changing scalar in it can come from their slots. */
class TraceGraphTest {
    /** Graphs that slot no call: a capture must be refused before it begins; copies (op by op) still work. */
    private static final class NoSlots implements Graphs {
        final List<String> asked = new ArrayList<>();

        @Override public boolean slotted(String method) {
            asked.add(method);
            return false;
        }

        @Override public void begin(int slots) {
            throw new AssertionError("began a capture it should have refused");
        }

        @Override public void bindNext(int[] slots) { throw new AssertionError(); }

        @Override public void copy(Buffer dst, Buffer src) {
            Object from = ((CpuBuffer) src).array();
            System.arraycopy(from, 0, ((CpuBuffer) dst).array(), 0, java.lang.reflect.Array.getLength(from));
        }

        @Override public Buffer like(Buffer src) {
            Object a = ((CpuBuffer) src).array();
            return new CpuBuffer(java.lang.reflect.Array.newInstance(a.getClass().getComponentType(), java.lang.reflect.Array.getLength(a)));
        }

        @Override public Graph end() { throw new AssertionError(); }
        @Override public void abort() { throw new AssertionError(); }
    }

    private static final class WithGraphs extends ReferenceBackend {
        final NoSlots graphs = new NoSlots();

        @Override public Graphs graphs() {
            return graphs;
        }
    }

    private static float[][] train(Device device, boolean traced) {
        try (var d = device.use()) {
            Variable w = new Variable("w", Tensor.of(new float[] {0.5f, -1, 2}, 3));
            Tensor x = Tensor.of(new float[] {1, 2, 3}, 3);
            Adam adam = new Adam(0.1);
            java.util.function.Function<Tensor, Tensor> step = t -> adam.minimize(() -> w.mul(t).sum().pow(2));
            Traced f = Traced.of(step).named("adam step");
            for (int i = 0; i < 4; i++) {
                if (traced) f.call(x);
                else step.apply(x);
            }
            return new float[][] {w.toFloatArray(), traced ? new float[] {f.toString().contains("op by op") ? 1 : 0} : null};
        }
    }

    @Test
    void aStepWhoseChangingScalarTheGraphsCannotSlotReplaysOpByOpWithTheEagerBits() {
        WithGraphs backend = new WithGraphs();
        float[][] traced = train(Device.cpuWith(backend), true);
        float[][] eager = train(Device.cpuWith(new ReferenceBackend()), false);
        assertArrayEquals(eager[0], traced[0], "Adam's bias correction still changes each step");
        assertEquals(1, traced[1][0], "the trace says it replays op by op");
        assertTrue(backend.graphs.asked.contains("adam"), "asked " + backend.graphs.asked);
    }
}
