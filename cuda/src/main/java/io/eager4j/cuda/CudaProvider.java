package io.eager4j.cuda;

import io.eager4j.internal.Backend;
import io.eager4j.internal.DeviceProvider;

/**
 * Opens {@code gpu:N} for {@code Device.gpu(N)}; found by {@link java.util.ServiceLoader}, never
 * called directly. Loading this class loads nothing native: the driver is first touched in
 * {@link #open}, so machines without CUDA pay nothing.
 * <pre>{@code
 * try (var gpu = Device.gpu(0).use()) {          // EAGER4J_CUDA=emulated: the emulated device
 *     Tensor x = Tensor.ones(2, 3).mul(2);         // on gpu:0
 *     System.out.println(x.sum().item());          // 12.0
 * }
 * }</pre>
 */
public final class CudaProvider implements DeviceProvider {
    @Override
    public String kind() {
        return "gpu";
    }

    @Override
    public Backend open(int index) {
        if (Driver.UNAVAILABLE != null) {
            throw new IllegalStateException(Driver.UNAVAILABLE);
        }
        int rc = Driver.init();
        if (rc != 0) {
            throw new IllegalStateException("CUDA not available: cuInit failed: " + Driver.errorString(rc));
        }
        int count = Driver.deviceCount();
        if (count == 0) {
            throw new IllegalStateException("CUDA not available: the driver found no CUDA device");
        }
        if (index >= count) {
            throw new IllegalStateException("gpu:" + index + " not available: " + count + " CUDA device"
                    + (count == 1 ? "" : "s") + " found; use gpu:0" + (count > 1 ? " to gpu:" + (count - 1) : ""));
        }
        CudaBackend backend = new CudaBackend(index, new CudaContext(index));
        if (Emulator.enabled() && !"1".equals(System.getenv("EAGER4J_QUIET"))) {
            System.err.println(Emulator.LINE);
        }
        return backend;
    }
}
