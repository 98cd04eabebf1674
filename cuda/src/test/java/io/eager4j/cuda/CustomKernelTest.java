package io.eager4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eager4j.CustomKernel;
import io.eager4j.DType;
import io.eager4j.Device;
import io.eager4j.GradientCheck;
import io.eager4j.GradientTape;
import io.eager4j.Rng;
import io.eager4j.Tensor;
import org.junit.jupiter.api.Test;

/**
 * User kernels on the emulated GPU and on the CPU: the CUDA and Java bodies agree at awkward sizes,
 * gradients check in float64 on both devices, and each failure names the op.
 */
class CustomKernelTest {
    /** A GELU (tanh form) and its exact derivative, over T. */
    static final String GELU = """
            __device__ T geluOf(T x) { T c = (T) 0.7978845608028654; T u = c * (x + (T) 0.044715 * x * x * x); return (T) 0.5 * x * ((T) 1 + tanh(u)); }
            __device__ T geluGrad(T x) {
                T c = (T) 0.7978845608028654; T u = c * (x + (T) 0.044715 * x * x * x); T t = tanh(u);
                return (T) 0.5 * ((T) 1 + t) + (T) 0.5 * x * ((T) 1 - t * t) * c * ((T) 1 + (T) 3 * (T) 0.044715 * x * x);
            }
            extern "C" __global__ void gelu_forward(const T* x, T* y, int n, int m) {
                for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) y[i] = geluOf(x[i]);
            }
            extern "C" __global__ void gelu_backward(const T* x, const T* dy, T* dx, int n, int dn, int xn) {
                for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) dx[i] = dy[i] * geluGrad(x[i]);
            }
            """;

    static double geluOf(double x) {
        double u = 0.7978845608028654 * (x + 0.044715 * x * x * x);
        return 0.5 * x * (1 + Math.tanh(u));
    }

    static double geluGrad(double x) {
        double c = 0.7978845608028654, u = c * (x + 0.044715 * x * x * x), t = Math.tanh(u);
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x);
    }

    static CustomKernel gelu() {
        return CustomKernel.named("gelu").cuda(GELU, "gelu_forward", "gelu_backward")
                .cpu(a -> {
                    for (int i = 0; i < a.shape(0)[0]; i++) a.set(1, i, geluOf(a.get(0, i)));
                }, a -> {
                    for (int i = 0; i < a.shape(0)[0]; i++) a.set(2, i, a.get(1, i) * geluGrad(a.get(0, i)));
                }).build();
    }

    @Test
    void cudaAndJavaBodiesAgreeAndGradientsCheckOnBothDevices() {
        Device gpu = GpuSupport.device();
        CustomKernel gelu = gelu();
        for (int n : new int[] {1, 7, 129, 1031}) {
            Tensor x = new Rng(n).normal(0, 2, n);
            Tensor[] cpu = valueAndGrad(gelu, x), dev = valueAndGrad(gelu, x.to(gpu));
            assertEquals(gpu, dev[0].device());
            GpuGradientTest.close("gelu forward n=" + n, cpu[0], dev[0], 2e-6);
            GpuGradientTest.close("gelu gradient n=" + n, cpu[1], dev[1], 2e-6);
        }
        Tensor x64 = new Rng(3).normal(DType.FLOAT64, 0, 1.5, 13);
        var onCpu = GradientCheck.check(in -> gelu.apply(in[0]), x64);
        var onGpu = GradientCheck.check(in -> gelu.apply(in[0]), x64.to(gpu));
        assertTrue(onCpu.passed(), "cpu: " + onCpu);
        assertTrue(onGpu.passed(), "gpu (the float64 build of the same source): " + onGpu);
    }

    static Tensor[] valueAndGrad(CustomKernel k, Tensor x) {
        try (var tape = new GradientTape()) {
            tape.watch(x);
            Tensor y = k.apply(x);
            return new Tensor[] {y, tape.gradient(y.mul(y).sum(), x)};
        }
    }

    @Test
    void compileErrorsCarryTheLineOfTheUsersSource() {
        Device gpu = GpuSupport.device();
        String broken = "extern \"C\" __global__ void f(const T* x, T* y, int n, int m) {\n    int i = threadIdx.x;\n    y[i] = nope(x[i]);\n}\n";
        CustomKernel k = CustomKernel.named("broken_op").cuda(broken, "f", null).build();
        var e = assertThrows(IllegalStateException.class, () -> k.apply(Tensor.ones(4).to(gpu)));
        assertTrue(e.getMessage().contains("broken_op.cu(3): error:"), e.getMessage());
    }

    @Test
    void anOutOfBoundsWriteIsCaughtAndNamed() {
        Device gpu = GpuSupport.device();
        // 100 floats live in a 512-byte block of the caching allocator: index 128 is the first byte past it
        String overrun = "extern \"C\" __global__ void f(const T* x, T* y, int n, int m) {\n"
                + "    if (threadIdx.x == 0) y[m + 28] = x[0];\n}\n";
        CustomKernel k = CustomKernel.named("overrun_op").cuda(overrun, "f", null).build();
        var e = assertThrows(IllegalStateException.class, () -> k.apply(Tensor.ones(100).to(gpu)).toFloatArray());
        assertTrue(e.getMessage().contains("kernel f wrote at byte offset 512 of a 512-byte allocation (past its end)"), e.getMessage());
    }

    @Test
    void aMissingDeviceIsNamed() {
        Device gpu = GpuSupport.device();
        CustomKernel gpuOnly = CustomKernel.named("fused_softmax_loss").cuda(GELU, "gelu_forward", "gelu_backward").build();
        assertEquals("fused_softmax_loss has no CPU implementation; move the inputs to gpu:0 or give it a cpu body",
                assertThrows(IllegalStateException.class, () -> gpuOnly.apply(Tensor.ones(3))).getMessage());
        CustomKernel cpuOnly = CustomKernel.named("java_only").cpu(a -> {}, null).build();
        assertEquals("java_only has no CUDA implementation; move the inputs to the CPU or give it a cuda kernel",
                assertThrows(IllegalStateException.class, () -> cpuOnly.apply(Tensor.ones(3).to(gpu))).getMessage());
    }
}
