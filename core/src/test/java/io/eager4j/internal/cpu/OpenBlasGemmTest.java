package io.eager4j.internal.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * OpenBLAS from the org.bytedeco jar (a test dependency, so it should load here) and from the system.
 * With EAGER4J_REQUIRE_OPENBLAS=1 a library that does not load fails the test instead of skipping it.
 */
class OpenBlasGemmTest {
    static final Path SYSTEM = Path.of("/usr/lib/x86_64-linux-gnu/libopenblas.so.0");

    static OpenBlasLibrary requireLibrary() {
        OpenBlasLoader.Result r = OpenBlasLoader.result();
        if (r.library() == null) {
            String why = "OpenBLAS not loaded: " + String.join("; ", r.reasons());
            if ("1".equals(System.getenv("EAGER4J_REQUIRE_OPENBLAS"))) {
                fail(why + " (EAGER4J_REQUIRE_OPENBLAS=1)");
            }
            assumeTrue(false, why);
        }
        return r.library();
    }

    @Test
    void bundledMatchesReference() {
        OpenBlasLibrary lib = requireLibrary();
        if (System.getProperty(OpenBlasLoader.PATH_PROPERTY) == null) {
            assertEquals("org.bytedeco jar", lib.source(), "the test class path carries org.bytedeco:openblas");
        }
        assertEquals(1, lib.threads(), "OpenBLAS must run single-threaded by default");
        Gemm gemm = Gemms.select("openblas");
        assertInstanceOf(OpenBlasGemm.class, gemm, "eager4j.cpu=openblas must give OpenBLAS");
        assertEquals("openblas", gemm.name());
        assertTrue(GemmCheck.againstReference(gemm) > 500);
    }

    @Test
    void bundledFilesAreExtractedOnceIntoTheCache() throws Exception {
        requireLibrary();
        assumeTrue(System.getProperty(OpenBlasLoader.PATH_PROPERTY) == null, "an explicit path is in use");
        List<Path> first = BundledOpenBlas.extract();
        List<Path> again = BundledOpenBlas.extract();
        assertEquals(first, again, "a second start must reuse the cached folder");
        assertEquals(BundledOpenBlas.FILES.size(), first.size());
        for (Path p : first) {
            assertTrue(Files.isRegularFile(p), p + " missing");
            assertTrue(p.startsWith(BundledOpenBlas.cacheRoot().resolve("native")), p.toString());
        }
        assertEquals("libopenblas.so.0", first.getLast().getFileName().toString());
        assertEquals(first.getLast(), OpenBlasLoader.library().orElseThrow().file());
    }

    @Test
    void argumentsAreCheckedBeforeTheNativeCall() {
        requireLibrary();
        Gemm gemm = Gemms.select("openblas");
        var e = assertThrows(IllegalArgumentException.class,
                () -> gemm.sgemm(false, false, 4, 4, 4, new float[16], 1, new float[16], 0, new float[16], 0, false));
        assertTrue(e.getMessage().contains("A [4x4] needs 16 floats from offset 1"), e.getMessage());
    }

    @Test
    void systemLibraryMatchesReference() {
        assumeTrue(Files.exists(SYSTEM), SYSTEM + " absent (apt-get install libopenblas0-pthread)");
        OpenBlasLibrary lib = OpenBlasLoader.load(List.of(), SYSTEM, "system");
        assertEquals(SYSTEM, lib.file());
        assertEquals(1, lib.threads());
        OpenBlasGemm gemm = new OpenBlasGemm(lib);
        assertEquals(SYSTEM, gemm.library().file(), "the system library, not the bundled one, must run");
        SplittableRandom rnd = new SplittableRandom(3);
        for (int t = 0; t < 4; t++) {
            GemmCheck.one(gemm, (t & 1) != 0, (t & 2) != 0, 129, 13, 1037, t % 2 == 0, rnd);
            GemmCheck.one(gemm, (t & 1) != 0, (t & 2) != 0, 7, 150, 128, t % 2 == 1, rnd);
        }
    }

    @Test
    void missingFileIsAReasonNotACrash() {
        var e = assertThrows(IllegalStateException.class,
                () -> OpenBlasLoader.load(List.of(), Path.of("/nonexistent/libopenblas.so.0"), "test"));
        assertTrue(e.getMessage().contains("/nonexistent/libopenblas.so.0"), e.getMessage());
    }
}
