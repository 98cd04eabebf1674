package io.eager4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eager4j.internal.DeviceProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Machines without the NVIDIA driver: one clear line, and the CPU untouched. This module's tests
 * run with the emulator switched on, so the no-GPU path runs in a JVM of its own without it
 * ({@link NoGpuMain}), with a library path where no libcuda can be found.
 */
class NoGpuTest {
    static final String MESSAGE = "CUDA not available: tried libcuda.so.1, libcuda.so";

    @Test
    void providerIsFoundByServiceLoader() {
        var kinds = ServiceLoader.load(DeviceProvider.class).stream().map(p -> p.type().getName()).toList();
        assertEquals(List.of(CudaProvider.class.getName()), kinds);
    }

    @Test
    void gpuFailsWithOneLineAndCpuWorkIsUnaffected() throws Exception {
        String out = java(Map.of(), "none");
        assertTrue(out.contains("NO-GPU OK"), out);
    }

    @Test
    void emulationWithoutACompilerSaysSoInOneLine() throws Exception {
        String out = java(Map.of("EAGER4J_CUDA", "emulated", "EAGER4J_CXX", "/nonexistent/g++"), "emulated");
        assertTrue(out.contains("NO-GPU OK"), out);
    }

    @Test
    void aWrongSwitchValueIsNamed() throws Exception {
        String out = java(Map.of("EAGER4J_CUDA", "emulate"), "wrong-value");
        assertTrue(out.contains("NO-GPU OK"), out);
    }

    @Test
    void providerClassLoadsNoNativeLibrary() {
        // kind() is all Device asks before open(): it must not need CUDA
        assertEquals("gpu", new CudaProvider().kind());
    }

    /** Where this module's tests, its main code and core come from: works under Surefire and the JUnit console alike. */
    static String classPath() throws Exception {
        List<String> parts = new ArrayList<>();
        for (Class<?> c : List.of(NoGpuMain.class, CudaBackend.class, io.eager4j.Device.class)) {
            String p = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
            if (!parts.contains(p)) parts.add(p);
        }
        return String.join(java.io.File.pathSeparator, parts);
    }

    /** Runs NoGpuMain with {@code mode} in a JVM whose environment has no switch unless {@code env} sets it. */
    static String java(Map<String, String> env, String mode) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED", "-Deager4j.cpu=reference",
                "-Deager4j.warmup=false", "-cp", classPath(), NoGpuMain.class.getName(), mode));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("EAGER4J_CUDA");
        pb.environment().put("LD_LIBRARY_PATH", Files.createTempDirectory("no-cuda").toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "NoGpuMain did not finish");
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
