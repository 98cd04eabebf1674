package io.eager4j.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the emulated device catches that a real GPU would only corrupt or hang on: writes outside
 * an allocation, barriers reached divergently, double frees, use after free, calls without a
 * context; and that barriers, shared memory and warp shuffles work. Kernels from
 * {@code emulator_checks.cu}, launched through the same bindings as the backend's.
 */
class EmulatorTest {
    static CudaBackend gpu;
    static MemorySegment module;

    @BeforeAll
    static void compileChecks() {
        assumeTrue(Emulator.enabled(), "these check the emulator: set EAGER4J_CUDA=emulated");
        gpu = GpuSupport.backend();
        String src = KernelCache.class.getClassLoader().getResource("io/eager4j/cuda/emulator_checks.cu") == null ? null
                : new String(readResource("emulator_checks.cu"));
        String ptx = Nvrtc.compile("emulator_checks.cu", src, Map.of(), "compute_90");
        module = Driver.loadModule(Arena.global().allocateFrom(ptx));
    }

    static byte[] readResource(String name) {
        try (var in = EmulatorTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Launches {@code kernel} over grid x block with int and pointer (long) arguments, then waits. */
    static void launch(String kernel, int grid, int block, Object... args) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment params = a.allocate(ADDRESS, Math.max(1, args.length));
            for (int i = 0; i < args.length; i++) {
                params.setAtIndex(ADDRESS, i, args[i] instanceof Integer v ? a.allocateFrom(JAVA_INT, v) : a.allocateFrom(JAVA_LONG, (Long) args[i]));
            }
            Driver.launch(Driver.function(module, kernel), grid, block, 0, gpu.stream(), params, kernel);
        }
        Driver.synchronize(gpu.stream(), kernel);
    }

    static long upload(float[] values) {
        long p = Driver.memAlloc(values.length * 4L);
        try (Arena a = Arena.ofConfined()) {
            Driver.copyToDevice(p, a.allocateFrom(JAVA_FLOAT, values), values.length * 4L);
        }
        return p;
    }

    static float[] download(long p, int n) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = a.allocate(JAVA_FLOAT, n);
            Driver.copyToHost(host, p, n * 4L);
            return host.toArray(JAVA_FLOAT);
        }
    }

    @Test
    void aWritePastTheEndIsCaughtAndNamed() {
        long r = Driver.memAlloc(100 * 4);
        var e = assertThrows(IllegalStateException.class, () -> launch("overrun", 1, 128, 100, r));
        assertTrue(e.getMessage().contains("an illegal memory access was encountered: kernel overrun wrote at byte offset 400"
                + " of a 400-byte allocation (past its end) (through argument 1)"), e.getMessage());
        launch("copy", 1, 32, 100, r, r);   // reported once: the device goes on
        Driver.memFree(r);
    }

    @Test
    void aWriteBeforeTheStartIsCaught() {
        long r = Driver.memAlloc(64);
        var e = assertThrows(IllegalStateException.class, () -> launch("underrun", 1, 32, r));
        assertTrue(e.getMessage().contains("kernel underrun wrote 4 bytes before the start of a 64-byte allocation"), e.getMessage());
        Driver.memFree(r);
    }

    @Test
    void aBarrierNotEveryThreadReachesIsReportedNotHung() {
        long r = Driver.memAlloc(32 * 4);
        var e = assertThrows(IllegalStateException.class, () -> launch("divergent", 1, 32, r));
        assertTrue(e.getMessage().contains("kernel divergent: __syncthreads reached by 16 of the 32 threads of block (0,0,0)"
                + " while 16 had returned"), e.getMessage());
        var two = assertThrows(IllegalStateException.class, () -> launch("twoBarriers", 1, 32, r));
        assertTrue(two.getMessage().contains("kernel twoBarriers: threads of block (0,0,0) wait at different __syncthreads"), two.getMessage());
        Driver.memFree(r);
    }

    @Test
    void barriersAndSharedMemoryWork() {
        int n = 1000;   // 4 blocks of 256, the last one partial
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = i;
        long dx = upload(x), dr = upload(new float[n]);
        launch("reverse", 4, 256, n, dx, dr);
        float[] got = download(dr, n);
        for (int b = 0; b < 4; b++) {
            for (int t = 0; t < 256; t++) {
                int i = b * 256 + t, j = b * 256 + 255 - t;
                if (j < n) assertEquals(i < n ? i : 0, got[j], "element " + j);
            }
        }
        Driver.memFree(dx);
        Driver.memFree(dr);
    }

    @Test
    void warpShufflesExchangeWithinEachWarp() {
        float[] x = new float[128];
        for (int i = 0; i < x.length; i++) x[i] = i % 7 + i / 32;
        long dx = upload(x), dr = upload(new float[4]);
        launch("warpSums", 2, 64, dx, dr);
        float[] expected = new float[4];
        for (int i = 0; i < x.length; i++) expected[i / 32] += x[i];
        assertArrayEquals(expected, download(dr, 4));
        Driver.memFree(dx);
        Driver.memFree(dr);
    }

    @Test
    void doubleFreeAndUseAfterFreeAreErrors() {
        long r = Driver.memAlloc(256), x = Driver.memAlloc(256);
        Driver.memFree(r);
        var twice = assertThrows(IllegalStateException.class, () -> Driver.memFree(r));
        assertTrue(twice.getMessage().contains("was freed already (double free)"), twice.getMessage());
        var stale = assertThrows(IllegalStateException.class, () -> launch("copy", 1, 32, 64, x, r));
        assertTrue(stale.getMessage().contains("kernel copy argument 2: 0x" + Long.toHexString(r)
                + " points into freed device memory (use after free)"), stale.getMessage());
        var read = assertThrows(IllegalStateException.class, () -> download(r, 4));
        assertTrue(read.getMessage().contains("cuMemcpyDtoH: 0x" + Long.toHexString(r) + " is in a freed allocation"), read.getMessage());
        Driver.memFree(x);
    }

    @Test
    void aThreadWithoutTheContextIsRefused() throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                Driver.memAlloc(64);
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        t.start();
        t.join();
        assertTrue(thrown.get() != null && thrown.get().getMessage().contains("no CUDA context is current on this thread"), String.valueOf(thrown.get()));
    }

    @Test
    void compileErrorsReadAsNvrtcLogs() {
        String src = "extern \"C\" __global__ void k(float* r) {\n    r[0] = nope;\n}\n";
        var e = assertThrows(Nvrtc.CompileError.class, () -> Nvrtc.compile("broken.cu", src, Map.of(), "compute_90"));
        assertTrue(e.getMessage().contains("broken.cu(2): error: 'nope' was not declared in this scope\n      r[0] = nope;\n\n"), e.getMessage());
        assertTrue(e.getMessage().contains("1 error detected in the compilation of \"broken.cu\"."), e.getMessage());
        assertEquals(6, e.status);   // NVRTC_ERROR_COMPILATION
    }

    @Test
    void anUnknownOptionIsRefusedAsNvrtcDoes() {
        var e = assertThrows(Nvrtc.CompileError.class, () -> Nvrtc.compile("ok.cu", "extern \"C\" __global__ void k() {}", Map.of(), "volta"));
        assertEquals(5, e.status);   // NVRTC_ERROR_INVALID_OPTION, which KernelCache answers with compute_90
    }

    /** A graph's parameter copy reads the host memory at each launch; nothing captured runs before one. */
    @Test
    void aCapturedGraphRunsAtEachLaunchWithTheParametersOfThatLaunch() {
        CudaGraphs graphs = (CudaGraphs) gpu.graphs();
        GpuBuffer src = (GpuBuffer) gpu.fromArray(io.eager4j.DType.FLOAT32, new float[] {1, 2, 3});
        GpuBuffer dst = (GpuBuffer) gpu.fromArray(io.eager4j.DType.FLOAT32, new float[] {0, 0, 0});
        graphs.begin(1);
        graphs.bindNext(new int[] {0});
        GpuBuffer u = (GpuBuffer) gpu.random(io.eager4j.DType.FLOAT32, 3, false, 7, 0, 0, 1);   // its offset from slot 0
        graphs.copy(dst, src);
        var graph = graphs.end();
        assertArrayEquals(new float[] {0, 0, 0}, (float[]) gpu.toArray(io.eager4j.DType.FLOAT32, dst), "nothing runs while captured");
        for (long offset : new long[] {5, 9}) {
            graph.set(0, offset);
            graph.launch();
            float[] expected = (float[]) gpu.toArray(io.eager4j.DType.FLOAT32, gpu.random(io.eager4j.DType.FLOAT32, 3, false, 7, offset, 0, 1));
            assertArrayEquals(expected, (float[]) gpu.toArray(io.eager4j.DType.FLOAT32, u), "draws at offset " + offset);
        }
        assertArrayEquals(new float[] {1, 2, 3}, (float[]) gpu.toArray(io.eager4j.DType.FLOAT32, dst));
    }

    @Test
    void waitingForTheGpuWhileCapturingFailsTheCapture() {
        CudaGraphs graphs = (CudaGraphs) gpu.graphs();
        graphs.begin(1);
        var e = assertThrows(IllegalStateException.class, () -> Driver.synchronize(gpu.stream(), "a wait inside a capture"));
        assertTrue(e.getMessage().contains("operation not permitted when stream is capturing"), e.getMessage());
        var end = assertThrows(IllegalStateException.class, graphs::end);
        assertTrue(end.getMessage().contains("cuStreamEndCapture"), end.getMessage());
        gpu.toArray(io.eager4j.DType.FLOAT32, gpu.full(io.eager4j.DType.FLOAT32, 2, 1));   // the stream works again
    }
}
