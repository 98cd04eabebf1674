package io.eager4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every binding against C functions of the real signatures, without a GPU: builds fake libcuda,
 * libcublas and libnvrtc with gcc and runs {@link FakeDriverMain} in a JVM that loads them (a JVM
 * of its own, because a loaded driver would stay loaded in this one). Skips without gcc.
 */
class FakeDriverTest {
    @Test
    void bindingsMeetTheirCFunctions(@TempDir Path dir) throws Exception {
        Path gcc = Stream.of("/usr/bin/gcc", "/usr/local/bin/gcc").map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
        assumeTrue(gcc != null, "gcc not found");
        Path src = dir.resolve("fake_cuda.c");
        try (var in = FakeDriverTest.class.getResourceAsStream("fake_cuda.c")) {
            Files.write(src, in.readAllBytes());
        }
        for (String[] lib : new String[][] {{"CUDA", "libcuda.so.1"}, {"CUBLAS", "libcublas.so.13"}, {"NVRTC", "libnvrtc.so.13"}}) {
            run(List.of(gcc.toString(), "-shared", "-fPIC", "-O1", "-DLIB_" + lib[0], "-o", dir.resolve(lib[1]).toString(), src.toString()), dir, "gcc " + lib[1]);
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Deager4j.cpu=reference", "-Deager4j.cuda.cache=" + dir.resolve("cache"), "-cp", classPath(),
                FakeDriverMain.class.getName()));
        String out = run(cmd, dir, "FakeDriverMain");
        assertTrue(out.contains("FAKE-DRIVER OK"), out);
    }

    /** Where this module's tests, its main code and core come from: works under Surefire and the JUnit console alike. */
    static String classPath() throws Exception {
        List<String> parts = new ArrayList<>();
        for (Class<?> c : List.of(FakeDriverMain.class, CudaBackend.class, io.eager4j.Device.class)) {
            String p = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
            if (!parts.contains(p)) parts.add(p);
        }
        return String.join(java.io.File.pathSeparator, parts);
    }

    static String run(List<String> cmd, Path dir, String what) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("LD_LIBRARY_PATH", dir.toString());   // the fakes before any real library
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), what + " did not finish");
        assertEquals(0, p.exitValue(), what + ":\n" + out);
        return out;
    }
}
