package io.eager4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CustomGradientTest {
    /** The seed's op: clip, softmax, clip, -log(sm) * y, mean; gradient sm - y. */
    static Tensor softmaxLoss(Tensor logits, Tensor labels) {
        return CustomGradient.apply("softmax_loss", in -> {
            Tensor e = in[0].clip(-20, 20).exp();
            Tensor sm = e.div(e.sum(new int[] {1}, true));
            Tensor loss = sm.clip(1e-10, 1).log().neg().mul(in[1]).mean();
            return CustomGradient.result(loss, dy -> new Tensor[] {sm.sub(in[1]), null});
        }, logits, labels);
    }

    @Test
    void customRuleIsTheOneUsedEvenWhenItIsNotTheTrueDerivative() {
        // true derivative of x^2 is 2x; the rule says 10x, and 10x is what comes back
        Tensor x = Tensor.of(new double[] {1, -3});
        try (var tape = new GradientTape()) {
            tape.watch(x);
            Tensor y = CustomGradient.apply("square", in -> {
                Tensor v = in[0].mul(in[0]);
                return CustomGradient.result(v, dy -> new Tensor[] {dy.mul(in[0]).mul(10)});
            }, x);
            assertArrayEquals(new double[] {1, 9}, y.toDoubleArray());
            assertArrayEquals(new double[] {10, -30}, tape.gradient(y.sum(), x).toDoubleArray());
        }
    }

    @Test
    void seedLossReturnsExactlySoftmaxMinusLabels() {
        Tensor logits = Tensor.of(new float[] {1, 2, 3, 0, 0, 5}, 2, 3);
        Tensor labels = Tensor.of(new float[] {0, 0, 1, 1, 0, 0}, 2, 3);
        try (var tape = new GradientTape()) {
            tape.watch(logits, labels);
            Tensor loss = softmaxLoss(logits, labels);
            Tensor[] g = tape.gradient(loss, logits, labels);
            Tensor e = logits.exp();
            Tensor sm = e.div(e.sum(new int[] {1}, true));
            assertArrayEquals(sm.sub(labels).toFloatArray(), g[0].toFloatArray(), 0f);
            assertNull(g[1]);
            double expected = (-Math.log(Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3)))
                    - Math.log(1 / (2 + Math.exp(5)))) / 6;
            assertEquals(expected, loss.item(), 1e-6);
        }
    }

    @Test
    void gradientCheckerCatchesTheSeedsUnscaledGradient() {
        // the seed's sm - y is N*C times the true gradient of the mean: the checker must say so
        var r = GradientCheck.check(in -> softmaxLoss(in[0], in[1]),
                Tensor.of(new double[] {1, 2, 3, 0, 0, 5}, 2, 3), Tensor.of(new double[] {0, 0, 1, 1, 0, 0}, 2, 3));
        assertFalse(r.passed(), r.toString());
    }

    @Test
    void aGradientThatIgnoresDyIsNamedAndTheWeightExplained() {
        // f = sum(x^2) at x = 3 whose gradient function returns 2x without multiplying by dy
        var r = GradientCheck.check(in -> CustomGradient.apply("square_sum",
                v -> CustomGradient.result(v[0].mul(v[0]).sum(), dy -> new Tensor[] {v[0].mul(2)}), in[0]), Tensor.of(new double[] {3}));
        assertFalse(r.passed());
        String s = r.toString();
        assertTrue(s.startsWith("gradients differ; worst: input 0 element 0: tape 6.0, numeric 7.92"), s);
        assertTrue(s.contains("the values are of the output times a random weight 1.32"), s);
        assertTrue(s.contains("the gradient function seems to ignore its upstream gradient dy"), s);

        // the same gradient scaled by dy, but wrong (3x): the weight is explained, dy is not blamed
        var wrong = GradientCheck.check(in -> CustomGradient.apply("square_sum",
                v -> CustomGradient.result(v[0].mul(v[0]).sum(), dy -> new Tensor[] {dy.mul(v[0]).mul(3)}), in[0]), Tensor.of(new double[] {3}));
        assertFalse(wrong.passed());
        assertFalse(wrong.toString().contains("ignore its upstream gradient"), wrong.toString());
        assertTrue(GradientCheck.check(in -> in[0].mul(in[0]).sum(), Tensor.of(new double[] {3})).note().isEmpty());
    }

    /** d/dx of sum(x^3) through a custom "cube" op, taken on an inner tape while {@code outer} records. */
    static Tensor cubeGradient(Tensor x, boolean differentiable) {
        try (var inner = new GradientTape()) {
            inner.watch(x);
            Tensor y = CustomGradient.apply("cube", in -> {
                java.util.function.Function<Tensor, Tensor[]> grad = dy -> new Tensor[] {dy.mul(in[0].pow(2)).mul(3)};
                Tensor v = in[0].pow(3);
                return differentiable ? CustomGradient.differentiableResult(v, grad) : CustomGradient.result(v, grad);
            }, x);
            return inner.gradient(y.sum(), x);
        }
    }

    @Test
    void secondDerivativeThroughFirstOrderCustomOpIsANamedError() {
        Tensor x = Tensor.of(new double[] {0.5, 1.5});
        try (var outer = new GradientTape()) {
            outer.watch(x);
            Tensor g = cubeGradient(x, false);
            assertArrayEquals(new double[] {0.75, 6.75}, g.toDoubleArray(), 1e-12);
            var e = assertThrows(IllegalStateException.class, () -> outer.gradient(g.sum(), x));
            assertTrue(e.getMessage().startsWith("cube: its gradient is first-order"), e.getMessage());
        }
    }

    @Test
    void declaredDifferentiableGradientGivesSecondDerivative() {
        Tensor x = Tensor.of(new double[] {0.5, 1.5});
        try (var outer = new GradientTape()) {
            outer.watch(x);
            Tensor g = cubeGradient(x, true);
            assertArrayEquals(new double[] {3, 9}, outer.gradient(g.sum(), x).toDoubleArray(), 1e-12);
        }
    }

    @Test
    void wrongGradientCountAndShapeAreNamedErrors() {
        Tensor x = Tensor.of(new float[] {1, 2}), y = Tensor.of(new float[] {3, 4});
        try (var tape = GradientTape.persistent()) {
            tape.watch(x, y);
            Tensor one = CustomGradient.apply("softmax_loss",
                    in -> CustomGradient.result(in[0].mul(in[1]).sum(), dy -> new Tensor[] {in[1]}), x, y);
            var e = assertThrows(IllegalStateException.class, () -> tape.gradient(one, x));
            assertEquals("softmax_loss returned 1 gradient for 2 inputs", e.getMessage());
            Tensor bad = CustomGradient.apply("shaped",
                    in -> CustomGradient.result(in[0].sum(), dy -> new Tensor[] {dy}), x);
            var e2 = assertThrows(IllegalStateException.class, () -> tape.gradient(bad, x));
            assertEquals("shaped: gradient 0 has shape [] but input 0 has shape [2]", e2.getMessage());
        }
    }

    @Test
    void forwardMayPrintAndIsNotRecordedInside() {
        AtomicInteger calls = new AtomicInteger();
        Tensor x = Tensor.of(new float[] {1, 2});
        try (var tape = new GradientTape()) {
            tape.watch(x);
            Tensor y = CustomGradient.apply("counted", in -> {
                calls.incrementAndGet();
                return CustomGradient.result(in[0].exp().sum(), dy -> new Tensor[] {in[0].mul(0).add(dy)});
            }, x);
            assertArrayEquals(new float[] {1, 1}, tape.gradient(y, x).toFloatArray());
        }
        assertEquals(1, calls.get());
    }
}
