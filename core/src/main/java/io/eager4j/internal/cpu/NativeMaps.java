package io.eager4j.internal.cpu;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Which file a native address belongs to, read from Linux's /proc/self/maps (for the start-up log). */
final class NativeMaps {
    private NativeMaps() {}

    static Optional<Path> fileContaining(MemorySegment symbol) {
        long address = symbol.address();
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/self/maps"));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // not Linux, or no procfs: the caller falls back to the library name
        }
        for (String line : lines) {
            // "7f1c2a000000-7f1c2a200000 r-xp 00000000 08:01 1234  /usr/lib/x86_64-linux-gnu/libfoo.so"
            String[] f = line.trim().split("\\s+", 6);
            int dash = f[0].indexOf('-');
            if (f.length < 6 || dash < 0 || !f[5].startsWith("/")) {
                continue;
            }
            long start = Long.parseUnsignedLong(f[0], 0, dash, 16);
            long end = Long.parseUnsignedLong(f[0], dash + 1, f[0].length(), 16);
            if (Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0) {
                return Optional.of(Path.of(f[5]));
            }
        }
        return Optional.empty();
    }
}
