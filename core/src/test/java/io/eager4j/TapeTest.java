package io.eager4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eager4j.optim.SGD;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TapeTest {
    @Test
    void nonPersistentTapeGivesGradientsOnce() {
        Tensor x = Tensor.of(new float[] {2});
        try (var tape = new GradientTape()) {
            tape.watch(x);
            Tensor y = x.mul(x);
            assertEquals(4, tape.gradient(y, x).item());
            var e = assertThrows(IllegalStateException.class, () -> tape.gradient(y, x));
            assertTrue(e.getMessage().contains("persistent"), e.getMessage());
        }
    }

    @Test
    void persistentTapeGivesGradientsManyTimes() {
        Tensor x = Tensor.of(new float[] {3});
        try (var tape = GradientTape.persistent()) {
            tape.watch(x);
            Tensor y = x.mul(x), z = y.mul(x);
            assertEquals(6, tape.gradient(y, x).item());
            assertEquals(27, tape.gradient(z, x).item());
            assertEquals(3, tape.gradient(z, y).item(), "gradient with respect to an intermediate tensor: dz/dy = x");
        }
    }

    @Test
    void unwatchedAndUnrelatedSourcesGetNull() {
        Tensor x = Tensor.of(new float[] {1}), u = Tensor.of(new float[] {5});
        try (var tape = new GradientTape()) {
            tape.watch(x, u);
            Tensor y = x.exp();
            Tensor[] g = tape.gradient(y, x, u);
            assertNull(g[1]);
        }
    }

    @Test
    void noGradAndStopGradientCutTheTape() {
        Tensor x = Tensor.of(new float[] {2});
        try (var tape = GradientTape.persistent()) {
            tape.watch(x);
            Tensor y;
            try (var ng = GradientTape.noGrad()) {
                y = x.mul(x);
            }
            assertNull(tape.gradient(y, x));
            Tensor z = x.mul(x.stopGradient());
            assertEquals(2, tape.gradient(z, x).item());
        }
    }

    @Test
    void gradientsNobodyAskedForAreNotComputed() {
        AtomicInteger batchGradients = new AtomicInteger();
        Tensor batch = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        Variable w = new Variable("w", Tensor.ones(2, 2));
        try (var tape = new GradientTape()) {
            // the input batch passes through an op whose gradient function counts its calls
            Tensor seen = CustomGradient.apply("spy", in -> CustomGradient.result(in[0].mul(1),
                    dy -> { batchGradients.incrementAndGet(); return new Tensor[] {dy}; }), batch);
            Tensor loss = seen.matmul(w).sum();
            assertArrayEquals(new float[] {4, 4, 6, 6}, tape.gradient(loss, w).toFloatArray());
        }
        assertEquals(0, batchGradients.get());
    }

    @Test
    void minimizeDifferentiatesEveryVariableTheClosureRead() {
        Variable a = new Variable("a", Tensor.of(new float[] {1}));
        Variable b = new Variable("b", Tensor.of(new float[] {2}));
        Variable frozen = new Variable("frozen", Tensor.of(new float[] {3}), false);
        new SGD(0.5).minimize(() -> a.mul(b).add(frozen));
        assertEquals(0, a.item(), 1e-7);     // a -= 0.5 * b
        assertEquals(1.5, b.item(), 1e-7);   // b -= 0.5 * a
        assertEquals(3, frozen.item());
        try (var tape = new GradientTape()) {
            a.add(b).mul(frozen);
            assertEquals(List.of(a, b), tape.watchedVariables());
        }
    }

    @Test
    void assigningAVariableBeforeTakingGradientsIsAnError() {
        Variable w = new Variable("W0", Tensor.of(new float[] {1, 2}));
        try (var tape = new GradientTape()) {
            Tensor y = w.mul(w).sum();
            w.assign(Tensor.of(new float[] {5, 5}));
            var e = assertThrows(IllegalStateException.class, () -> tape.gradient(y, w));
            assertTrue(e.getMessage().contains("'W0' was assigned after mul read it"), e.getMessage());
        }
    }

    @Test
    void tapesArePerThread() throws Exception {
        Tensor x = Tensor.of(new float[] {2});
        try (var tape = new GradientTape()) {
            tape.watch(x);
            Tensor[] other = new Tensor[1];
            Thread t = new Thread(() -> other[0] = x.mul(x));
            t.start();
            t.join();
            assertNull(tape.gradient(other[0], x), "an op on another thread must not land on this tape");
        }
    }
}
