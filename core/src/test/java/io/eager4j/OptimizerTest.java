package io.eager4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eager4j.internal.ReferenceBackend;
import io.eager4j.optim.Adam;
import io.eager4j.optim.AdamW;
import io.eager4j.optim.Momentum;
import io.eager4j.optim.Optimizer;
import io.eager4j.optim.RMSProp;
import io.eager4j.optim.SGD;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptimizerTest {
    @Test
    void everyOptimizerReducesAQuadratic() {
        for (Optimizer opt : List.of(new SGD(0.1), new Momentum(0.05, 0.9, false), new Momentum(0.05, 0.9, true),
                new RMSProp(0.05), new Adam(0.05), new AdamW(0.05, 0.01))) {
            Variable v = new Variable("v", Tensor.of(new float[] {3, -2, 1}));
            double first = 0, last = 0;
            for (int i = 0; i < 50; i++) {
                last = opt.minimize(() -> v.mul(v).sum()).item();
                if (i == 0) first = last;
            }
            assertTrue(last < first / 4, opt.getClass().getSimpleName() + ": " + first + " -> " + last);
        }
    }

    @Test
    void momentumAndSgdByHand() {
        Variable v = new Variable("v", Tensor.of(new double[] {1}));
        Momentum m = new Momentum(0.1, 0.9, false);
        m.minimize(() -> v.mul(3));   // g = 3: accum 3, v = 1 - 0.3
        m.minimize(() -> v.mul(3));   // accum 0.9*3 + 3 = 5.7, v = 0.7 - 0.57
        assertEquals(0.13, v.item(), 1e-12);
        Variable w = new Variable("w", Tensor.of(new double[] {2}));
        new SGD(0.25).minimize(() -> w.mul(w));
        assertEquals(1, w.item(), 1e-12);
    }

    @Test
    void adamWDecaysThenSteps() {
        Variable a = new Variable("a", Tensor.of(new double[] {2})), b = new Variable("b", Tensor.of(new double[] {2}));
        new Adam(0.1).minimize(() -> a.mul(5));
        new AdamW(0.1, 0.5).minimize(() -> b.mul(5));
        // AdamW's first step: 2 * (1 - 0.1 * 0.5) minus the same Adam step as plain Adam's
        assertEquals(a.item() - 2 + 2 * (1 - 0.05), b.item(), 1e-12);
    }

    @Test
    void fusedFloat32AdamMatchesTheReferenceInFloat64() {
        Device ref = Device.cpuWith(new ReferenceBackend());
        float[] init = new Rng(4).uniform(-1, 1, 1031).toFloatArray();
        Variable fast = new Variable("w", Tensor.of(init));
        Variable slow;
        try (var s = ref.use()) {
            slow = new Variable("w", Tensor.of(init).cast(DType.FLOAT64));
        }
        Adam a = new Adam(1e-2), b = new Adam(1e-2);
        for (int i = 0; i < 5; i++) {
            a.minimize(() -> fast.mul(fast).mul(fast).sum());
            b.minimize(() -> slow.mul(slow).mul(slow).sum());
        }
        assertEquals(Device.cpu(), fast.device());
        assertEquals(ref, slow.device());
        assertArrayEquals(slow.toFloatArray(), fast.toFloatArray(), 2e-6f);
    }

    /**
     * Eager Adam writes over a variable's storage and its moments once nothing else holds them, and
     * never over storage a tensor shares: a value read with value(), the initial tensor, a
     * checkpoint's read of the moments. The in-place steps give the out-of-place steps' values.
     */
    @Test
    void eagerAdamUpdatesInPlaceOnlyStorageNothingElseHolds() {
        float[] init = new Rng(6).uniform(-1, 1, 777).toFloatArray();
        Tensor initial = Tensor.of(init);
        Variable w = new Variable("w", initial), copy = new Variable("w", Tensor.of(init));
        Adam a = new Adam(1e-2), b = new Adam(1e-2);
        java.util.function.Supplier<Tensor> loss = () -> w.mul(w).mul(w).sum();
        a.minimize(loss);
        assertArrayEquals(init, initial.toFloatArray(), "the initial tensor is never written");
        a.minimize(loss);
        Object storage = w.buffer;
        a.minimize(loss);
        assertTrue(storage == w.buffer, "the third step writes over the second's storage");
        Tensor seen = w.value();
        float[] seenValues = seen.toFloatArray();
        java.util.Map<String, Tensor> slots = a.slotTensors(java.util.Map.of("w", w));
        float[] m = slots.get("w/slot0").toFloatArray(), v = slots.get("w/slot1").toFloatArray();
        a.minimize(loss);
        a.minimize(loss);
        assertArrayEquals(seenValues, seen.toFloatArray(), "a value read with value() keeps its storage");
        assertArrayEquals(m, slots.get("w/slot0").toFloatArray(), "a checkpoint's first moment is not written over");
        assertArrayEquals(v, slots.get("w/slot1").toFloatArray(), "a checkpoint's second moment is not written over");
        AdamW outOfPlace = new AdamW(1e-2, 0);   // var * (1 - 0) is a new tensor each step: never in place
        for (int i = 0; i < 5; i++) outOfPlace.minimize(() -> copy.mul(copy).mul(copy).sum());
        assertArrayEquals(copy.toFloatArray(), w.toFloatArray(), "in place or not, the same values");
        assertEquals(5, w.version(), "each step is one new version");
    }
}
