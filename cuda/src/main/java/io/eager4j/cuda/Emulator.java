package io.eager4j.cuda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The emulated CUDA device, switched on by {@code EAGER4J_CUDA=emulated} (or
 * {@code -Deager4j.cuda=emulated}): the driver API, cuBLAS and NVRTC are served by one library,
 * built with g++ from the C++ sources in this jar on first use and cached by their content hash
 * ({@code ~/.cache/eager4j/cuda-emulator/<hash>}). Everything above the native boundary (the bindings, the backend, the
 * kernel sources, the launches, the allocator) is the code that runs on a real GPU.
 */
final class Emulator {
    private Emulator() {}

    static final String SWITCH = "EAGER4J_CUDA";
    static final String LINE = "eager4j: gpu:0 = emulated CUDA device (no GPU; kernels run on the CPU)";
    static final List<String> SOURCES = List.of("emu_driver.cpp", "emu_graph.cpp", "emu_memory.cpp", "emu_module.cpp", "emu_exec.cpp",
            "emu_cublas.cpp", "emu_nvrtc.cpp");
    static final List<String> HEADERS = List.of("emu_abi.h", "emu_internal.h", "emu_shim.h");
    private static final List<String> FILES = java.util.stream.Stream.concat(HEADERS.stream(), SOURCES.stream()).toList();
    private static final String LIBRARY = "libeager4j_cuda_emu.so";

    private static Path built;

    /** The switch's value: the property first, then the environment; null when unset. */
    static String setting() {
        String v = System.getProperty("eager4j.cuda");
        if (v == null) v = System.getenv(SWITCH);
        return v == null || v.isBlank() ? null : v.trim();
    }

    static boolean enabled() {
        return setting() != null;
    }

    /** The emulation library, built on first use; an IllegalStateException with one line when it cannot be. */
    static synchronized Path library() {
        if (built != null) return built;
        String v = setting();
        if (!"emulated".equals(v.toLowerCase(Locale.ROOT))) {
            throw new IllegalStateException(SWITCH + "=" + v + " is not a CUDA mode: the one value is 'emulated' (or unset it for a real GPU)");
        }
        Path cxx = compiler();
        StringBuilder all = new StringBuilder(cxx.toString());
        for (String f : FILES) all.append('\n').append(f).append('\n').append(KernelCache.resource("emu/" + f));
        Path dir = KernelCache.userCache().resolve("cuda-emulator").resolve(KernelCache.sha256(all.toString()).substring(0, 16));
        Path lib = dir.resolve(LIBRARY);
        if (!Files.isRegularFile(lib)) build(cxx, dir, lib);
        return built = lib;
    }

    /** {@code -Deager4j.cuda.cxx=PATH} or {@code EAGER4J_CXX}, else g++ on the PATH. */
    static Path compiler() {
        String forced = System.getProperty("eager4j.cuda.cxx", System.getenv("EAGER4J_CXX"));
        if (forced != null && !forced.isBlank()) {
            Path p = Path.of(forced);
            if (Files.isExecutable(p)) return p;
            throw new IllegalStateException("CUDA emulation (" + SWITCH + "=emulated) needs a C++ compiler, and " + forced
                    + " is not one; install g++ or point EAGER4J_CXX at one");
        }
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(java.io.File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "g++"))) return Path.of(d, "g++");
        }
        throw new IllegalStateException("CUDA emulation (" + SWITCH + "=emulated) needs g++ to build its library and kernels,"
                + " and there is none on the PATH; install g++ (apt-get install g++) or unset " + SWITCH);
    }

    /** Headers first, the library last and by an atomic move: a library present means a complete folder. */
    private static void build(Path cxx, Path dir, Path lib) {
        try {
            Files.createDirectories(dir);
            Path work = Files.createTempDirectory(dir, "build");
            List<String> cmd = new ArrayList<>(List.of(cxx.toString(), "-std=c++17", "-O2", "-shared", "-fPIC", "-pthread",
                    "-fvisibility=hidden", "-DEAGER4J_EMU_CXX=\"" + cxx + "\"", "-o", work.resolve(LIBRARY).toString()));
            for (String f : FILES) {
                Files.writeString(work.resolve(f), KernelCache.resource("emu/" + f), StandardCharsets.UTF_8);
                if (f.endsWith(".cpp")) cmd.add(work.resolve(f).toString());
            }
            cmd.add("-ldl");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                String first = out.lines().filter(l -> l.contains("error")).findFirst().orElse(out.strip());
                throw new IllegalStateException("CUDA emulation: " + cxx + " could not build the emulator library: " + first);
            }
            for (String h : HEADERS) move(work.resolve(h), dir.resolve(h));
            move(work.resolve(LIBRARY), lib);
            for (String f : SOURCES) Files.deleteIfExists(work.resolve(f));
            Files.deleteIfExists(work);
        } catch (IOException e) {
            throw new IllegalStateException("CUDA emulation: cannot build the emulator library in " + dir + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("CUDA emulation: interrupted while building the emulator library");
        }
    }

    private static void move(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
