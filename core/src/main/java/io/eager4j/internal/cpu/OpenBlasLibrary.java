package io.eager4j.internal.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * One loaded OpenBLAS.
 *
 * @param file    the shared library file, as loaded (or as found in /proc/self/maps when loaded by name)
 * @param source  how it was found: "eager4j.openblas.path", "org.bytedeco jar" or "system"
 * @param sgemm   address of {@code cblas_sgemm}
 * @param config  what {@code openblas_get_config()} says (version, kernel), or "" if it has no such symbol
 * @param threads what {@code openblas_get_num_threads()} reported after we set it to 1; -1 if unknown
 */
public record OpenBlasLibrary(Path file, String source, MemorySegment sgemm, String config, int threads) {

    /** E.g. {@code libopenblas.so.0 from org.bytedeco jar, 1 thread}. */
    public String describe() {
        String t = threads < 0 ? "threads unknown" : threads + (threads == 1 ? " thread" : " threads");
        return file.getFileName() + " from " + source + ", " + t;
    }
}
