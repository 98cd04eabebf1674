package io.eager4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kernel source compiles with {@code nvcc -ptx -arch=sm_90} and defines every kernel the
 * backend launches, so a syntax error cannot hide until someone finds a GPU.
 */
class KernelSourcesNvccTest {
    static Stream<String> sources() {
        return KernelCache.SOURCES.stream();
    }

    static Path nvcc() {
        List<Path> candidates = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty()) candidates.add(Path.of(dir, "nvcc"));
        }
        try (Stream<Path> cudas = Files.list(Path.of("/usr/local"))) {
            cudas.filter(p -> p.getFileName().toString().startsWith("cuda")).sorted().forEach(p -> candidates.add(p.resolve("bin/nvcc")));
        } catch (IOException noUsrLocal) {
            // PATH only
        }
        return candidates.stream().filter(Files::isExecutable).findFirst().orElse(null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void compilesWithNvccAndDefinesEveryKernel(String source, @TempDir Path dir) throws Exception {
        Path nvcc = nvcc();
        assumeTrue(nvcc != null, "nvcc not found on PATH or in /usr/local/cuda*/bin");
        for (var h : KernelCache.headers().entrySet()) Files.writeString(dir.resolve(h.getKey()), h.getValue());
        Files.writeString(dir.resolve(source), KernelCache.resource(source));
        Path ptx = dir.resolve(source + ".ptx");
        Process p = new ProcessBuilder(nvcc.toString(), "-ptx", "-arch=sm_90", "-o", ptx.toString(), source)
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "nvcc did not finish");
        assertEquals(0, p.exitValue(), "nvcc -ptx " + source + ":\n" + log);
        assertDefinesEveryKernel(source, Files.readString(ptx));
    }

    static void assertDefinesEveryKernel(String source, String ptx) {
        for (String kernel : KernelCache.kernelNames(source)) {
            assertTrue(ptx.contains(".entry " + kernel + "("), source + " lacks kernel " + kernel);
        }
    }
}
