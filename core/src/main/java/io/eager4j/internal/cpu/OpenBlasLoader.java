package io.eager4j.internal.cpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds and loads OpenBLAS, once per process. Order: the file named by system property
 * {@value #PATH_PROPERTY} (used alone); the org.bytedeco:openblas linux-x86_64 jar on the class path
 * (extracted into the user cache by {@link BundledOpenBlas}); the system library (Debian
 * libopenblas0-pthread). Every failure is kept as a reason string for the start-up log.
 */
@SuppressWarnings("restricted") // loading a native library is the point of this class
public final class OpenBlasLoader {
    public static final String PATH_PROPERTY = "eager4j.openblas.path";

    static final List<Path> SYSTEM_PATHS = List.of(
            Path.of("/usr/lib/x86_64-linux-gnu/libopenblas.so.0"),
            Path.of("/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0"),
            Path.of("/usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblas.so.0"),
            Path.of("/usr/lib/x86_64-linux-gnu/openblas-serial/libopenblas.so.0"),
            Path.of("/usr/lib64/libopenblas.so.0"),
            Path.of("/usr/lib/libopenblas.so.0"));

    /** The outcome of the search: a library, or null with every reason it failed. */
    public record Result(OpenBlasLibrary library, List<String> reasons) {
        public Result {
            reasons = List.copyOf(reasons);
        }
    }

    private static final class Holder {
        static final Result RESULT = search();
    }

    private OpenBlasLoader() {}

    /** The process-wide OpenBLAS, searched for on first call. */
    public static Result result() {
        return Holder.RESULT;
    }

    /** The loaded library (its file: {@code library().get().file()}), if any. */
    public static Optional<OpenBlasLibrary> library() {
        return Optional.ofNullable(Holder.RESULT.library());
    }

    private static Result search() {
        List<String> reasons = new ArrayList<>();
        OpenBlasLibrary lib = null;
        try {
            String explicit = System.getProperty(PATH_PROPERTY, "").strip();
            if (!explicit.isEmpty()) { // an explicit choice is used alone, found or not
                lib = attempt(reasons, PATH_PROPERTY + "=" + explicit, () -> load(List.of(), Path.of(explicit), PATH_PROPERTY));
            } else {
                lib = attempt(reasons, "org.bytedeco jar", OpenBlasLoader::loadBundled);
                if (lib == null) {
                    lib = attempt(reasons, "system", OpenBlasLoader::loadSystem);
                }
            }
        } catch (IllegalCallerException e) { // the JVM forbids native code: no point trying other files
            reasons.add("native access denied (pass --enable-native-access=ALL-UNNAMED): " + e.getMessage());
        }
        return new Result(lib, reasons);
    }

    private interface Attempt {
        OpenBlasLibrary load() throws IOException;
    }

    /** The library, or null with the reason added; a native-access refusal ends the whole search. */
    private static OpenBlasLibrary attempt(List<String> reasons, String what, Attempt attempt) {
        try {
            return attempt.load();
        } catch (IllegalCallerException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            reasons.add(what + ": " + e.getMessage());
            return null;
        }
    }

    private static OpenBlasLibrary loadBundled() throws IOException {
        List<Path> files = BundledOpenBlas.extract();
        return load(files.subList(0, files.size() - 1), files.getLast(), "org.bytedeco jar");
    }

    /** Tries the system library by name (dlopen's search path), then the usual Linux paths. */
    static OpenBlasLibrary loadSystem() {
        List<String> tried = new ArrayList<>();
        OpenBlasLibrary lib = attempt(tried, "libopenblas.so.0 by name",
                () -> init(SymbolLookup.libraryLookup("libopenblas.so.0", Arena.global()), null, "system"));
        for (int i = 0; lib == null && i < SYSTEM_PATHS.size(); i++) {
            Path p = SYSTEM_PATHS.get(i);
            if (Files.exists(p)) {
                lib = attempt(tried, p.toString(), () -> load(List.of(), p, "system"));
            }
        }
        if (lib == null) {
            throw new IllegalStateException("tried " + String.join(", ", tried) + " and the usual /usr/lib paths;"
                    + " install one with apt-get install libopenblas0-pthread");
        }
        return lib;
    }

    /**
     * Loads {@code dependencies} in order, then {@code blas}, and sets it to one thread. Public so a
     * launcher or test can load a particular file; repeated loads of one file share one mapping.
     */
    public static OpenBlasLibrary load(List<Path> dependencies, Path blas, String source) {
        if (!Files.isRegularFile(blas)) {
            throw new IllegalStateException("no such file " + blas);
        }
        for (Path dep : dependencies) {
            // loaded first, so blas's NEEDED entries resolve to these copies by soname
            SymbolLookup.libraryLookup(dep, Arena.global());
        }
        return init(SymbolLookup.libraryLookup(blas, Arena.global()), blas, source);
    }

    private static OpenBlasLibrary init(SymbolLookup lookup, Path file, String source) {
        MemorySegment sgemm = lookup.find("cblas_sgemm").orElseThrow(
                () -> new IllegalStateException("no symbol cblas_sgemm in " + (file == null ? "libopenblas.so.0" : file)));
        Path where = file != null ? file : NativeMaps.fileContaining(sgemm).orElse(Path.of("libopenblas.so.0"));
        int threads = -1;
        String config = "";
        Linker linker = Linker.nativeLinker(); // start-up calls only, so plain bound handles suffice
        try {
            Optional<MemorySegment> set = lookup.find("openblas_set_num_threads");
            if (set.isPresent()) {
                // 2 threads on a busy 2-core box ran 15-60x slower (DESIGN.md): one thread unless measured otherwise
                linker.downcallHandle(set.get(), FunctionDescriptor.ofVoid(JAVA_INT)).invokeExact(1);
            }
            Optional<MemorySegment> get = lookup.find("openblas_get_num_threads");
            if (get.isPresent()) {
                threads = (int) linker.downcallHandle(get.get(), FunctionDescriptor.of(JAVA_INT)).invokeExact();
            }
            Optional<MemorySegment> conf = lookup.find("openblas_get_config");
            if (conf.isPresent()) {
                MemorySegment s = (MemorySegment) linker.downcallHandle(conf.get(), FunctionDescriptor.of(ADDRESS))
                        .invokeExact();
                config = s.equals(MemorySegment.NULL) ? "" : s.reinterpret(Long.MAX_VALUE).getString(0).strip();
            }
        } catch (Throwable t) {
            throw new IllegalStateException("calling OpenBLAS in " + where + " failed: " + t, t);
        }
        return new OpenBlasLibrary(where, source, sgemm, config, threads);
    }
}
