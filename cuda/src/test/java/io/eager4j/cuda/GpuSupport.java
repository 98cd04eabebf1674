package io.eager4j.cuda;

import static org.junit.jupiter.api.Assertions.fail;

import io.eager4j.Device;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds gpu:0 for the GPU tests. Without one they skip with the reason, unless
 * {@code EAGER4J_REQUIRE_GPU=1} (the GPU check sets it): then a missing GPU fails them.
 */
final class GpuSupport {
    private GpuSupport() {}

    private static volatile CudaBackend backend;

    static boolean required() {
        return "1".equals(System.getenv("EAGER4J_REQUIRE_GPU"));
    }

    /** gpu:0 through the public API, or the test is skipped (failed when a GPU is required). */
    static Device device() {
        try {
            return Device.gpu(0);
        } catch (IllegalStateException e) {
            return absent(e.getMessage());
        }
    }

    /** A backend of gpu:0 of its own, for comparing primitives one by one with the reference. */
    static CudaBackend backend() {
        device();   // skips or fails with the reason first
        if (backend == null) {
            synchronized (GpuSupport.class) {
                if (backend == null) backend = (CudaBackend) new CudaProvider().open(0);
            }
        }
        return backend;
    }

    private static <T> T absent(String reason) {
        if (required()) {
            fail("EAGER4J_REQUIRE_GPU=1 but gpu:0 cannot be opened: " + reason);
        }
        Assumptions.abort("no GPU: " + reason);
        return null;
    }
}
