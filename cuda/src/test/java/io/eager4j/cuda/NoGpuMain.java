package io.eager4j.cuda;

import io.eager4j.Device;
import io.eager4j.Tensor;

/**
 * For {@link NoGpuTest}, in a JVM of its own: {@code gpu:0} fails with the line expected for the
 * mode, again on a second try (a failed holder class would say NoClassDefFoundError), through
 * every entry point, and the CPU still works. Prints "NO-GPU OK" or throws.
 */
public final class NoGpuMain {
    private NoGpuMain() {}

    public static void main(String[] args) {
        String expected = switch (args[0]) {
            case "none" -> Driver.LIB.available() ? null : NoGpuTest.MESSAGE;
            case "emulated" -> "CUDA emulation (EAGER4J_CUDA=emulated) needs a C++ compiler, and /nonexistent/g++ is not one;"
                    + " install g++ or point EAGER4J_CXX at one";
            case "wrong-value" -> "EAGER4J_CUDA=emulate is not a CUDA mode: the one value is 'emulated' (or unset it for a real GPU)";
            default -> throw new IllegalArgumentException(args[0]);
        };
        if (expected == null) {
            System.out.println("a CUDA driver is installed here (" + Driver.LIB.name() + "): NO-GPU OK (nothing to check)");
            return;
        }
        check(expected, () -> Device.gpu(0));
        check(expected, () -> Device.parse("/gpu:1"));
        check(expected, () -> new CudaProvider().open(0));
        if (Tensor.ones(2, 2).add(1).sum().item() != 8.0 || !Device.cpu().equals(Tensor.ones(2).device())) {
            throw new AssertionError("CPU work changed");
        }
        System.out.println("NO-GPU OK");
    }

    private static void check(String expected, Runnable open) {
        try {
            open.run();
            throw new AssertionError("gpu:0 opened; expected: " + expected);
        } catch (IllegalStateException e) {
            if (!expected.equals(e.getMessage()) || e.getCause() != null) {
                throw new AssertionError("expected one line\n  " + expected + "\nbut got\n  " + e.getMessage() + " (cause " + e.getCause() + ")");
            }
        }
    }
}
