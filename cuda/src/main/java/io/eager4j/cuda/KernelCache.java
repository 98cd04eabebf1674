package io.eager4j.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The kernels: CUDA C sources shipped as resources, compiled by NVRTC on first use for the
 * device's architecture, cached in memory and on disk
 * ({@code $XDG_CACHE_HOME/eager4j/cuda/<sha256(source + arch)>.ptx}), loaded once per device.
 */
final class KernelCache {
    static final String HEADER = "eager4j_common.cuh";
    /** Every kernel source, each compiled as one module. */
    static final List<String> SOURCES = List.of("elementwise.cu", "shape.cu", "reduce.cu", "random.cu");

    private final String arch;
    private final Map<String, MemorySegment> modules = new ConcurrentHashMap<>();
    private final Map<String, MemorySegment> functions = new ConcurrentHashMap<>();

    /** {@code arch} such as compute_90, from the device's compute capability. */
    KernelCache(String arch) {
        this.arch = arch;
    }

    /** Kernel families per source; each family has one kernel per element type, name_f32 and so on. */
    private static final Map<String, List<String>> FAMILIES = Map.of(
            "elementwise.cu", List.of("unary", "binary", "compare", "clip", "where", "fill", "onehot", "adam", "cast"),
            "shape.cu", List.of("gather", "pad", "place"),
            "reduce.cu", List.of("reduce", "argmax"),
            "random.cu", List.of("random"));
    static final List<String> TYPES = List.of("f32", "f64", "i32", "u8");

    /** The source file that defines kernel {@code name} (such as binary_f32). */
    static String sourceOf(String name) {
        String family = name.substring(0, name.indexOf('_'));
        for (var e : FAMILIES.entrySet()) {
            if (e.getValue().contains(family)) return e.getKey();
        }
        throw new IllegalArgumentException("no kernel family " + family);
    }

    /** Every kernel the backend may launch from {@code source}; casts go from each type to each. */
    static List<String> kernelNames(String source) {
        List<String> names = new java.util.ArrayList<>();
        for (String family : FAMILIES.get(source)) {
            for (String t : TYPES) {
                if (family.equals("cast")) {
                    for (String to : TYPES) names.add("cast_" + t + "_" + to);
                } else {
                    names.add(family + "_" + t);
                }
            }
        }
        return names;
    }

    /** The CUfunction for {@code name}; the calling thread has the device's context current. */
    MemorySegment function(String name) {
        MemorySegment f = functions.get(name);
        if (f == null) {
            MemorySegment module = modules.computeIfAbsent(sourceOf(name), this::load);
            f = functions.computeIfAbsent(name, n -> Driver.function(module, n));
        }
        return f;
    }

    private MemorySegment load(String source) {
        String ptx = ptx(source, arch);
        return Driver.loadModule(Arena.global().allocateFrom(ptx));
    }

    /** PTX for one source file: from the disk cache, else compiled by NVRTC (and cached). */
    static String ptx(String source, String arch) {
        String text = resource(source);
        String header = resource(HEADER);
        Path file = cacheDir().resolve(sha256(header + "\n" + text + "\n" + arch) + ".ptx");
        try {
            if (Files.isRegularFile(file)) {
                return Files.readString(file);
            }
        } catch (IOException unreadable) {
            // compile again below
        }
        String ptx = compile(source, text, header, arch);
        store(file, ptx);
        return ptx;
    }

    private static String compile(String source, String text, String header, String arch) {
        try {
            return Nvrtc.compile(source, text, Map.of(HEADER, header), arch);
        } catch (Nvrtc.CompileError e) {
            // an NVRTC older than the GPU rejects its architecture; PTX for sm_90 still JITs forward
            if (e.status == 5 && !arch.equals("compute_90")) {
                return Nvrtc.compile(source, text, Map.of(HEADER, header), "compute_90");
            }
            throw e;
        }
    }

    /** Written through a temporary file and a move, so a concurrent reader never sees half a file. */
    private static void store(Path file, String ptx) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "ptx", ".tmp");
            Files.writeString(tmp, ptx);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | UnsupportedOperationException e) {
            // a read-only home only costs a recompile next time
        }
    }

    /** {@code -Deager4j.cuda.cache=DIR} overrides, for tests. */
    static Path cacheDir() {
        String forced = System.getProperty("eager4j.cuda.cache");
        if (forced != null) {
            return Path.of(forced);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("eager4j").resolve("cuda");
    }

    static String resource(String name) {
        try (InputStream in = KernelCache.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("kernel source " + name + " is missing from the eager4j-cuda jar; rebuild it");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
