package io.eager4j.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The CUDA driver API (libcuda, installed with the NVIDIA driver). A holder: nothing loads until
 * a GPU is first asked for, so machines without CUDA never touch it. Names are the library's real
 * symbols, not cuda.h's macros (cuMemAlloc is cuMemAlloc_v2).
 */
final class Driver {
    private Driver() {}

    static final NativeLib LIB = NativeLib.cuda("libcuda.so.1", "libcuda.so");

    static final int OUT_OF_MEMORY = 2;   // CUDA_ERROR_OUT_OF_MEMORY
    static final int ATTR_CC_MAJOR = 75, ATTR_CC_MINOR = 76;

    private static final MethodHandle cuInit = LIB.find("cuInit", fd(JAVA_INT));
    private static final MethodHandle cuDeviceGetCount = LIB.find("cuDeviceGetCount", fd(ADDRESS));
    private static final MethodHandle cuDeviceGet = LIB.find("cuDeviceGet", fd(ADDRESS, JAVA_INT));
    private static final MethodHandle cuDeviceGetAttribute = LIB.find("cuDeviceGetAttribute", fd(ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle cuDevicePrimaryCtxRetain = LIB.find("cuDevicePrimaryCtxRetain", fd(ADDRESS, JAVA_INT));
    private static final MethodHandle cuCtxSetCurrent = LIB.find("cuCtxSetCurrent", fd(ADDRESS));
    private static final MethodHandle cuMemAlloc = LIB.find("cuMemAlloc_v2", fd(ADDRESS, JAVA_LONG));
    private static final MethodHandle cuMemFree = LIB.find("cuMemFree_v2", fd(JAVA_LONG));
    private static final MethodHandle cuMemGetInfo = LIB.find("cuMemGetInfo_v2", fd(ADDRESS, ADDRESS));
    private static final MethodHandle cuMemcpyHtoD = LIB.find("cuMemcpyHtoD_v2", fd(JAVA_LONG, ADDRESS, JAVA_LONG));
    private static final MethodHandle cuMemcpyDtoH = LIB.find("cuMemcpyDtoH_v2", fd(ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle cuMemcpyDtoD = LIB.find("cuMemcpyDtoD_v2", fd(JAVA_LONG, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle cuMemsetD8 = LIB.find("cuMemsetD8_v2", fd(JAVA_LONG, JAVA_BYTE, JAVA_LONG));
    private static final MethodHandle cuModuleLoadData = LIB.find("cuModuleLoadData", fd(ADDRESS, ADDRESS));
    private static final MethodHandle cuModuleGetFunction = LIB.find("cuModuleGetFunction", fd(ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle cuLaunchKernel = LIB.find("cuLaunchKernel", fd(ADDRESS,
            JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle cuStreamCreate = LIB.find("cuStreamCreate", fd(ADDRESS, JAVA_INT));
    private static final MethodHandle cuStreamSynchronize = LIB.find("cuStreamSynchronize", fd(ADDRESS));
    private static final MethodHandle cuGetErrorString = LIB.find("cuGetErrorString", fd(JAVA_INT, ADDRESS));
    private static final MethodHandle cuMemAllocHost = LIB.find("cuMemAllocHost_v2", fd(ADDRESS, JAVA_LONG));
    private static final MethodHandle cuMemFreeHost = LIB.find("cuMemFreeHost", fd(ADDRESS));
    private static final MethodHandle cuMemcpyHtoDAsync = LIB.find("cuMemcpyHtoDAsync_v2", fd(JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS));
    private static final MethodHandle cuEventCreate = LIB.find("cuEventCreate", fd(ADDRESS, JAVA_INT));
    private static final MethodHandle cuEventRecord = LIB.find("cuEventRecord", fd(ADDRESS, ADDRESS));
    private static final MethodHandle cuEventQuery = LIB.find("cuEventQuery", fd(ADDRESS));
    private static final MethodHandle cuEventSynchronize = LIB.find("cuEventSynchronize", fd(ADDRESS));

    static final int NOT_READY = 600;   // CUDA_ERROR_NOT_READY: cuEventQuery's "not yet"
    private static final int EVENT_DISABLE_TIMING = 2;

    /** Null when the driver loaded with every symbol; else the one line {@code Device.gpu} reports. */
    static final String UNAVAILABLE = LIB.problem("CUDA");

    /** All CUresult-returning: (args) -> int. */
    private static FunctionDescriptor fd(java.lang.foreign.MemoryLayout... args) {
        return FunctionDescriptor.of(JAVA_INT, args);
    }

    static void check(int rc, String what) {
        if (rc != 0) {
            throw new IllegalStateException(what + " failed: " + errorString(rc));
        }
    }

    static String errorString(int rc) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            if ((int) cuGetErrorString.invokeExact(rc, p) != 0 || p.get(ADDRESS, 0).equals(MemorySegment.NULL)) {
                return "CUDA error " + rc;
            }
            return p.get(ADDRESS, 0).reinterpret(4096).getString(0) + " (CUDA error " + rc + ")";
        } catch (Throwable t) {
            return "CUDA error " + rc;
        }
    }

    static int init() {
        try {
            return (int) cuInit.invokeExact(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int deviceCount() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment n = a.allocate(JAVA_INT);
            check((int) cuDeviceGetCount.invokeExact(n), "cuDeviceGetCount");
            return n.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int device(int ordinal) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment d = a.allocate(JAVA_INT);
            check((int) cuDeviceGet.invokeExact(d, ordinal), "cuDeviceGet(" + ordinal + ")");
            return d.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int attribute(int device, int attribute) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            check((int) cuDeviceGetAttribute.invokeExact(v, attribute, device), "cuDeviceGetAttribute");
            return v.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static MemorySegment retainPrimaryContext(int device) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment c = a.allocate(ADDRESS);
            check((int) cuDevicePrimaryCtxRetain.invokeExact(c, device), "cuDevicePrimaryCtxRetain");
            return c.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void setCurrent(MemorySegment context) {
        try {
            check((int) cuCtxSetCurrent.invokeExact(context), "cuCtxSetCurrent");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Device pointer, or 0 when the device is out of memory (the allocator decides what to do). */
    static long memAlloc(long bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_LONG);
            int rc = (int) cuMemAlloc.invokeExact(p, bytes);
            if (rc == OUT_OF_MEMORY) {
                return 0;
            }
            check(rc, "cuMemAlloc of " + bytes + " bytes");
            return p.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void memFree(long ptr) {
        try {
            check((int) cuMemFree.invokeExact(ptr), "cuMemFree");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {free, total} bytes of device memory. */
    static long[] memInfo() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment free = a.allocate(JAVA_LONG), total = a.allocate(JAVA_LONG);
            check((int) cuMemGetInfo.invokeExact(free, total), "cuMemGetInfo");
            return new long[] {free.get(JAVA_LONG, 0), total.get(JAVA_LONG, 0)};
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void copyToDevice(long dst, MemorySegment src, long bytes) {
        try {
            check((int) cuMemcpyHtoD.invokeExact(dst, src, bytes), "cuMemcpyHtoD");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void copyToHost(MemorySegment dst, long src, long bytes) {
        try {
            check((int) cuMemcpyDtoH.invokeExact(dst, src, bytes), "cuMemcpyDtoH");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void copyOnDevice(long dst, long src, long bytes) {
        try {
            check((int) cuMemcpyDtoD.invokeExact(dst, src, bytes), "cuMemcpyDtoD");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void memsetBytes(long dst, byte value, long bytes) {
        try {
            check((int) cuMemsetD8.invokeExact(dst, value, bytes), "cuMemsetD8");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Loads PTX (NUL-terminated) and JIT-compiles it for the current context's device. */
    static MemorySegment loadModule(MemorySegment ptx) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(ADDRESS);
            check((int) cuModuleLoadData.invokeExact(m, ptx), "cuModuleLoadData");
            return m.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static MemorySegment function(MemorySegment module, String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment f = a.allocate(ADDRESS);
            check((int) cuModuleGetFunction.invokeExact(f, module, a.allocateFrom(name)), "cuModuleGetFunction(" + name + ")");
            return f.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void launch(MemorySegment f, int grid, int block, int sharedBytes, MemorySegment stream, MemorySegment params, String name) {
        try {
            int rc = (int) cuLaunchKernel.invokeExact(f, grid, 1, 1, block, 1, 1, sharedBytes, stream, params, MemorySegment.NULL);
            check(rc, "launching kernel " + name);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static MemorySegment createStream() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(ADDRESS);
            check((int) cuStreamCreate.invokeExact(s, 0), "cuStreamCreate");
            return s.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Waits for queued work; a kernel's asynchronous failure surfaces here. */
    static void synchronize(MemorySegment stream, String what) {
        try {
            check((int) cuStreamSynchronize.invokeExact(stream), what);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Page-locked host memory of {@code bytes}, for asynchronous copies. */
    static MemorySegment allocHost(long bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            check((int) cuMemAllocHost.invokeExact(p, bytes), "cuMemAllocHost of " + bytes + " bytes");
            return p.get(ADDRESS, 0).reinterpret(bytes);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void freeHost(MemorySegment p) {
        try {
            check((int) cuMemFreeHost.invokeExact(p), "cuMemFreeHost");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Queues a copy from page-locked {@code src}, which must stay untouched until the copy has run. */
    static void copyToDeviceAsync(long dst, MemorySegment src, long bytes, MemorySegment stream) {
        try {
            check((int) cuMemcpyHtoDAsync.invokeExact(dst, src, bytes, stream), "cuMemcpyHtoDAsync");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static MemorySegment createEvent() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment e = a.allocate(ADDRESS);
            check((int) cuEventCreate.invokeExact(e, EVENT_DISABLE_TIMING), "cuEventCreate");
            return e.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Marks the point after everything queued on {@code stream} so far. */
    static void recordEvent(MemorySegment event, MemorySegment stream) {
        try {
            check((int) cuEventRecord.invokeExact(event, stream), "cuEventRecord");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Whether the work before the event's last record has run, without waiting. */
    static boolean eventDone(MemorySegment event) {
        try {
            int rc = (int) cuEventQuery.invokeExact(event);
            if (rc == NOT_READY) return false;
            check(rc, "cuEventQuery");
            return true;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void waitEvent(MemorySegment event) {
        try {
            check((int) cuEventSynchronize.invokeExact(event), "cuEventSynchronize");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        return NativeLib.rethrow(t);
    }
}
