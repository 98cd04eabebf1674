package io.eager4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Kernel ops with Java bodies on the CPU: gradient checks, first-order-only backward, refused shapes. */
class CustomKernelCpuTest {
    /** y = x^2 elementwise; dx = 2 x dy. */
    static CustomKernel square() {
        return CustomKernel.named("square").cpu(a -> {
            int n = java.lang.reflect.Array.getLength(a.arrays()[0]);
            for (int i = 0; i < n; i++) a.set(1, i, a.get(0, i) * a.get(0, i));
        }, a -> {
            int n = java.lang.reflect.Array.getLength(a.arrays()[0]);
            for (int i = 0; i < n; i++) a.set(2, i, 2 * a.get(0, i) * a.get(1, i));
        }).build();
    }

    @Test
    void javaBodiesGradientCheckInFloat64AndRunInFloat32() {
        var r = GradientCheck.check(in -> square().apply(in[0]).mul(in[0]), Tensor.of(new double[] {0.5, -1.5, 2, 3}, 2, 2));
        assertTrue(r.passed(), r.toString());
        assertEquals(9.0, square().apply(Tensor.of(new float[] {3}, 1)).item());
    }

    @Test
    void aSecondDerivativeThroughAKernelIsANamedError() {
        Tensor x = Tensor.of(new double[] {1, 2});
        var e = assertThrows(IllegalStateException.class, () -> {
            try (var outer = new GradientTape()) {
                outer.watch(x);
                Tensor g;
                try (var inner = new GradientTape()) {
                    inner.watch(x);
                    g = inner.gradient(square().apply(x).sum(), x);
                }
                outer.gradient(g.sum(), x);
            }
        });
        assertTrue(e.getMessage().startsWith("square: its gradient is first-order"), e.getMessage());
    }

    @Test
    void aGradientInTensorOpsTakesSecondDerivatives() {
        CustomKernel sq = CustomKernel.named("square").cpu(a -> {
            int n = java.lang.reflect.Array.getLength(a.arrays()[0]);
            for (int i = 0; i < n; i++) a.set(1, i, a.get(0, i) * a.get(0, i));
        }, null).differentiableGradient((in, dy) -> new Tensor[] {dy.mul(in[0]).mul(2)}).build();
        Tensor x = Tensor.of(new double[] {1, 2, 3});
        try (var outer = new GradientTape()) {
            outer.watch(x);
            Tensor g;
            try (var inner = new GradientTape()) {
                inner.watch(x);
                g = inner.gradient(sq.apply(x).mul(x).sum(), x);   // d/dx x^3 = 3x^2
            }
            assertEquals(java.util.List.of(3.0, 12.0, 27.0), java.util.Arrays.stream(g.toDoubleArray()).boxed().toList());
            assertEquals(java.util.List.of(6.0, 12.0, 18.0), java.util.Arrays.stream(outer.gradient(g.sum(), x).toDoubleArray()).boxed().toList());
        }
    }

    @Test
    void badDeclarationsAndShapesAreRefusedByName() {
        assertEquals("nothing: give it a CUDA kernel, a CPU body, or both",
                assertThrows(IllegalStateException.class, () -> CustomKernel.named("nothing").build()).getMessage());
        CustomKernel bad = CustomKernel.named("bad_shape").cpu(a -> {}, null).output(s -> new int[] {-1}).build();
        assertEquals("bad_shape: its output shape for inputs [3] is [-1]; the shape function must give dimensions >= 0",
                assertThrows(IllegalStateException.class, () -> bad.apply(Tensor.ones(3))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> CustomKernel.named("has space"));
    }
}
