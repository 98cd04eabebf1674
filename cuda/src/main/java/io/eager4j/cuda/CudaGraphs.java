package io.eager4j.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.eager4j.internal.Buffer;
import io.eager4j.internal.Graphs;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Set;

/**
 * CUDA graphs by stream capture (relaxed mode) on the backend's stream. A graph's first node copies
 * its parameter slots from page-locked host memory to the device, so each launch reads the values
 * set for it; kernels that take changing scalars (Adam's bias correction, Philox offsets) read them
 * there when {@link #bindNext} pointed them at a slot.
 */
final class CudaGraphs implements Graphs {
    private static final NativeLib LIB = Driver.LIB;
    private static final int CAPTURE_RELAXED = 2;   // CU_STREAM_CAPTURE_MODE_RELAXED: other threads may allocate
    private static final MethodHandle cuStreamBeginCapture = LIB.find("cuStreamBeginCapture_v2", fd(ADDRESS, JAVA_INT));
    private static final MethodHandle cuStreamEndCapture = LIB.find("cuStreamEndCapture", fd(ADDRESS, ADDRESS));
    private static final MethodHandle cuGraphInstantiate = LIB.find("cuGraphInstantiateWithFlags", fd(ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle cuGraphLaunch = LIB.find("cuGraphLaunch", fd(ADDRESS, ADDRESS));
    private static final MethodHandle cuGraphDestroy = LIB.find("cuGraphDestroy", fd(ADDRESS));
    private static final MethodHandle cuMemcpyDtoDAsync = LIB.find("cuMemcpyDtoDAsync_v2", fd(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS));

    private final CudaBackend backend;
    private final ThreadLocal<long[]> bound = new ThreadLocal<>();   // device addresses for the next call's scalars
    private final ThreadLocal<Boolean> capturing = ThreadLocal.withInitial(() -> false);
    private MemorySegment host;     // the capture in progress: its parameter slots, host and device side
    private GpuBuffer device;

    CudaGraphs(CudaBackend backend) {
        this.backend = backend;
    }

    private static FunctionDescriptor fd(java.lang.foreign.MemoryLayout... args) {
        return FunctionDescriptor.of(JAVA_INT, args);
    }

    @Override
    public void begin(int slots) {
        host = Driver.allocHost(8L * Math.max(1, slots));
        device = backend.alloc(io.eager4j.DType.FLOAT64, Math.max(1, slots), "graph parameters");
        call(() -> (int) cuStreamBeginCapture.invokeExact(backend.stream(), CAPTURE_RELAXED), "cuStreamBeginCapture");
        capturing.set(true);
        Driver.copyToDeviceAsync(device.ptr, host, device.bytes, backend.stream());   // the graph's first node
    }

    /**
     * The calls whose changing scalars this backend reads through {@link #take}: Adam's bias
     * correction, and the Philox offset of random draws. Dropout is the backend's default
     * composition here, whose draw is a {@code random} call.
     */
    private static final Set<String> SLOTTED = Set.of("adam", "random", "dropout");

    @Override
    public boolean slotted(String method) {
        return SLOTTED.contains(method);
    }

    @Override
    public void bindNext(int[] slots) {
        long[] at = new long[slots.length];
        for (int i = 0; i < slots.length; i++) at[i] = device.ptr + 8L * slots[i];
        bound.set(at);
    }

    /** True while this thread captures. */
    boolean capturing() {
        return capturing.get();
    }

    /** The device address of the calling op's {@code k}th changing scalar, or 0 when it is passed by value. */
    long take(int k, String op) {
        long[] at = bound.get();
        if (at == null) return 0;
        if (k >= at.length) throw new IllegalStateException(op + ": a CUDA graph gave it " + at.length + " parameter slots, it needs more");
        if (k == at.length - 1) bound.remove();
        return at[k];
    }

    @Override
    public void copy(Buffer dst, Buffer src) {
        GpuBuffer d = backend.gpu(dst, "copy"), s = backend.gpu(src, "copy");
        if (s.bytes == 0 || d.ptr == s.ptr) return;
        call(() -> (int) cuMemcpyDtoDAsync.invokeExact(d.ptr, s.ptr, s.bytes, backend.stream()), "cuMemcpyDtoDAsync");
    }

    @Override
    public Buffer like(Buffer src) {
        return backend.like(backend.gpu(src, "copy"));
    }

    @Override
    public Graph end() {
        MemorySegment h = host;
        GpuBuffer d = device;
        host = null;
        device = null;
        bound.remove();
        capturing.set(false);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment graph = a.allocate(ADDRESS), exec = a.allocate(ADDRESS);
            call(() -> (int) cuStreamEndCapture.invokeExact(backend.stream(), graph), "cuStreamEndCapture");
            MemorySegment g = graph.get(ADDRESS, 0);
            call(() -> (int) cuGraphInstantiate.invokeExact(exec, g, 0L), "cuGraphInstantiate");
            call(() -> (int) cuGraphDestroy.invokeExact(g), "cuGraphDestroy");
            return new Launchable(exec.get(ADDRESS, 0), h, d);
        }
    }

    @Override
    public void abort() {
        if (host == null) return;
        try {
            end();
        } catch (RuntimeException e) {
            // the capture was invalid: ending it is all that was asked
        }
    }

    /** An instantiated graph and its parameter slots; launches wait until the previous one has read them. */
    private final class Launchable implements Graph {
        private final MemorySegment exec, host;
        private final GpuBuffer params;   // kept: the graph's kernels read it
        private final MemorySegment done = Driver.createEvent();
        private boolean launched;

        Launchable(MemorySegment exec, MemorySegment host, GpuBuffer params) {
            this.exec = exec;
            this.host = host.reinterpret(params.bytes);
            this.params = params;
        }

        @Override
        public void set(int slot, long bits) {
            if (launched) {
                Driver.waitEvent(done);   // the last launch has copied the slots
                launched = false;
            }
            host.setAtIndex(JAVA_LONG, slot, bits);
        }

        @Override
        public void launch() {
            call(() -> (int) cuGraphLaunch.invokeExact(exec, backend.stream()), "cuGraphLaunch");
            Driver.recordEvent(done, backend.stream());
            launched = true;
        }
    }

    @FunctionalInterface
    private interface Native {
        int call() throws Throwable;
    }

    private static void call(Native n, String what) {
        int rc;
        try {
            rc = n.call();
        } catch (Throwable t) {
            throw NativeLib.rethrow(t);
        }
        Driver.check(rc, what);
    }
}
