package io.eager4j.cuda;

import io.eager4j.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One device's primary context, its stream and its cuBLAS handle. The driver keeps a current
 * context per thread, so every thread that touches the device makes it current once.
 */
final class CudaContext {
    private final int device;
    private final String arch;
    private final MemorySegment context;
    private final MemorySegment stream;
    private final ThreadLocal<Boolean> entered = ThreadLocal.withInitial(() -> false);
    private final Staging staging = new Staging();
    private volatile MemorySegment cublas;

    CudaContext(int ordinal) {
        this.device = Driver.device(ordinal);
        this.arch = "compute_" + Driver.attribute(device, Driver.ATTR_CC_MAJOR) + Driver.attribute(device, Driver.ATTR_CC_MINOR);
        this.context = Driver.retainPrimaryContext(device);
        enter();
        this.stream = Driver.createStream();
    }

    String arch() {
        return arch;
    }

    MemorySegment stream() {
        return stream;
    }

    void enter() {
        if (!entered.get()) {
            Driver.setCurrent(context);
            entered.set(true);
        }
    }

    /** Created on the first matmul, so element-wise work needs no cuBLAS. */
    MemorySegment cublas() {
        MemorySegment h = cublas;
        if (h == null) {
            synchronized (this) {
                if (cublas == null) {
                    enter();
                    cublas = Cublas.create(stream);
                }
                h = cublas;
            }
        }
        return h;
    }

    /** Uploads beyond this size go through a synchronous copy rather than keep that much page-locked memory. */
    private static final long ASYNC_LIMIT = 16 << 20;

    /**
     * Copies a heap array into {@code r}: queued on the stream through page-locked staging memory
     * (a batch does not stall the kernels before it), or for very large arrays synchronously.
     */
    void upload(GpuBuffer r, Object array) {
        if (r.bytes == 0) return;
        if (r.bytes <= ASYNC_LIMIT) {
            staging.upload(r.ptr, heap(array), r.bytes, stream);
        } else {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment host = a.allocate(r.bytes, 16);
                host.copyFrom(heap(array));
                // legacy-stream copy: it waits for work queued on our (blocking) stream, so a recycled block is safe
                Driver.copyToDevice(r.ptr, host, r.bytes);
            }
        }
        java.lang.ref.Reference.reachabilityFence(r);
    }

    /** Waits for the stream, then copies {@code x} into a new array of {@code dtype}'s Java type. */
    Object download(GpuBuffer x, DType dtype) {
        Driver.synchronize(stream, "GPU work before reading values (a kernel failed)");
        Object out = switch (dtype) {
            case FLOAT32 -> new float[x.size()];
            case FLOAT64 -> new double[x.size()];
            case INT32 -> new int[x.size()];
            case BOOL -> new byte[x.size()];
        };
        if (x.bytes == 0) return out;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment staging = a.allocate(x.bytes, 16);
            Driver.copyToHost(staging, x.ptr, x.bytes);
            heap(out).copyFrom(staging);
        }
        java.lang.ref.Reference.reachabilityFence(x);
        return out;
    }

    private static MemorySegment heap(Object array) {
        return switch (array) {
            case float[] f -> MemorySegment.ofArray(f);
            case double[] d -> MemorySegment.ofArray(d);
            case int[] i -> MemorySegment.ofArray(i);
            case byte[] b -> MemorySegment.ofArray(b);
            default -> throw new IllegalArgumentException("unsupported array type " + array.getClass());
        };
    }

}
