package io.eager4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run-time path through our NVRTC bindings (needs libnvrtc, not a GPU): every source compiles
 * to PTX with every kernel, the PTX lands in the disk cache, and a second request reads it back.
 */
class NvrtcCompileTest {
    @TempDir
    Path cache;

    @BeforeEach
    void needNvrtcAndPrivateCache() {
        assumeTrue(Nvrtc.UNAVAILABLE == null, () -> Nvrtc.UNAVAILABLE);
        System.setProperty("eager4j.cuda.cache", cache.toString());
    }

    @AfterEach
    void restoreCache() {
        System.clearProperty("eager4j.cuda.cache");
    }

    @Test
    void everySourceCompilesAndIsCachedOnDisk() throws Exception {
        for (String source : KernelCache.SOURCES) {
            String ptx = KernelCache.ptx(source, "compute_90");
            if (Emulator.enabled()) {
                // the emulator's "PTX" is a shared object: load it and look every kernel up
                GpuSupport.backend();
                MemorySegment module = Driver.loadModule(Arena.global().allocateFrom(ptx));
                for (String kernel : KernelCache.kernelNames(source)) Driver.function(module, kernel);
            } else {
                KernelSourcesNvccTest.assertDefinesEveryKernel(source, ptx);
            }
            Path file = cache.resolve(KernelCache.key(source, "compute_90") + ".ptx");
            assertEquals(ptx, Files.readString(file), source + " was not cached at " + file);
            Files.writeString(file, ptx + "// from the cache\n");
            assertTrue(KernelCache.ptx(source, "compute_90").endsWith("// from the cache\n"), "second request compiled again");
        }
    }

    @Test
    void realAndEmulatedModulesNeverShareACacheEntry() {
        // the emulator found this: keyed by source and architecture only, a GPU host's PTX and the
        // emulator's shared objects landed in one file and each was handed the other's
        assertTrue(!KernelCache.key("elementwise.cu", "compute_90", "libnvrtc.so.13")
                .equals(KernelCache.key("elementwise.cu", "compute_90", "emulated (/x/libeager4j_cuda_emu.so)")));
    }

    @Test
    void compileErrorsCarryTheLog() {
        var e = assertThrows(Nvrtc.CompileError.class, () -> Nvrtc.compile("broken.cu", "extern \"C\" __global__ void k() { nope; }", Map.of(), "compute_90"));
        assertTrue(e.getMessage().startsWith("NVRTC could not compile broken.cu for compute_90"), e.getMessage());
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }
}
