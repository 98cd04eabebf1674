package io.eager4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.eager4j.Device;
import io.eager4j.Tensor;
import io.eager4j.internal.DeviceProvider;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Machines without the NVIDIA driver: one clear line, and the CPU untouched. */
class NoGpuTest {
    static final String MESSAGE = "CUDA not available: tried libcuda.so.1, libcuda.so";

    @Test
    void providerIsFoundByServiceLoader() {
        var kinds = ServiceLoader.load(DeviceProvider.class).stream().map(p -> p.type().getName()).toList();
        assertEquals(java.util.List.of(CudaProvider.class.getName()), kinds);
    }

    @Test
    void gpuFailsWithOneLineAndCpuWorkIsUnaffected() {
        assumeFalse(Driver.LIB.available(), "a CUDA driver is installed here (" + Driver.LIB.name() + ")");
        var e = assertThrows(IllegalStateException.class, () -> Device.gpu(0));
        assertEquals(MESSAGE, e.getMessage());
        assertNull(e.getCause());
        // asking again gives the same answer (a failed holder class would say NoClassDefFoundError)
        assertEquals(MESSAGE, assertThrows(IllegalStateException.class, () -> Device.parse("/gpu:1")).getMessage());
        assertEquals(MESSAGE, assertThrows(IllegalStateException.class, () -> new CudaProvider().open(0)).getMessage());
        assertEquals(8.0, Tensor.ones(2, 2).add(1).sum().item());
        assertEquals(Device.cpu(), Tensor.ones(2).device());
    }

    @Test
    void providerClassLoadsNoNativeLibrary() {
        // kind() is all Device asks before open(): it must not need CUDA
        assertEquals("gpu", new CudaProvider().kind());
    }
}
