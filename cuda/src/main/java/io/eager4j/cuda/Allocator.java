package io.eager4j.cuda;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * A caching device allocator: blocks come in size classes (four per power of two, so at most 25%
 * is wasted) and go back to per-class free lists instead of cuMemFree, which synchronizes the
 * device. When the driver runs out, the cache is released and unreachable buffers are collected
 * before giving up with a message that says how much was asked and how much is free.
 */
final class Allocator {
    private static final long MIN_BLOCK = 512;

    /** The driver calls, separate so tests can run the cache's logic without a GPU. */
    interface Memory {
        /** A device pointer, or 0 when out of memory. */
        long alloc(long bytes);

        void free(long ptr);

        /** {free, total} bytes. */
        long[] info();
    }

    static final Memory DRIVER = new Memory() {
        @Override
        public long alloc(long bytes) {
            return Driver.memAlloc(bytes);
        }

        @Override
        public void free(long ptr) {
            Driver.memFree(ptr);
        }

        @Override
        public long[] info() {
            return Driver.memInfo();
        }
    };

    private final String device;
    private final Memory memory;
    private final Map<Long, ArrayDeque<Long>> free = new HashMap<>();
    private long cachedBytes, liveBytes;

    Allocator(String device, Memory memory) {
        this.device = device;
        this.memory = memory;
    }

    static long sizeClass(long bytes) {
        if (bytes <= MIN_BLOCK) {
            return MIN_BLOCK;
        }
        long step = Long.highestOneBit(bytes - 1) / 4;
        return (bytes + step - 1) / step * step;
    }

    /** A block of {@code block} bytes (a size class); the calling thread has the context current. */
    long allocate(long block, long asked, String op) {
        long p = take(block);
        if (p != 0) {
            return p;
        }
        p = memory.alloc(block);
        for (int attempt = 0; p == 0 && attempt < 3; attempt++) {
            // The Java heap does not feel GPU memory pressure: collect, let the Cleaner return
            // unreachable buffers, then give the whole cache back to the driver and retry.
            if (attempt > 0) {
                System.gc();
                sleep(50L * attempt);
            }
            p = take(block);
            if (p == 0) {
                releaseCache();
                p = memory.alloc(block);
            }
        }
        if (p == 0) {
            long[] info = memory.info();
            throw new IllegalStateException(op + " on " + device + ": out of GPU memory: asked for " + mib(asked)
                    + ", " + mib(info[0]) + " free of " + mib(info[1]) + " (" + mib(liveBytes()) + " held by live tensors);"
                    + " use a smaller batch or drop references to tensors you no longer need");
        }
        synchronized (this) {
            liveBytes += block;
        }
        return p;
    }

    private synchronized long take(long block) {
        ArrayDeque<Long> list = free.get(block);
        if (list == null || list.isEmpty()) {
            return 0;
        }
        cachedBytes -= block;
        liveBytes += block;
        return list.pop();
    }

    /** Called by the Cleaner's thread: only bookkeeping, no driver call (it has no context). */
    synchronized void release(long ptr, long block) {
        free.computeIfAbsent(block, b -> new ArrayDeque<>()).push(ptr);
        cachedBytes += block;
        liveBytes -= block;
    }

    /** Frees every cached block; the calling thread has the context current. */
    void releaseCache() {
        Map<Long, ArrayDeque<Long>> blocks;
        synchronized (this) {
            blocks = new HashMap<>(free);
            free.clear();
            cachedBytes = 0;
        }
        for (ArrayDeque<Long> list : blocks.values()) {
            for (long p : list) memory.free(p);
        }
    }

    synchronized long cachedBytes() {
        return cachedBytes;
    }

    synchronized long liveBytes() {
        return liveBytes;
    }

    static String mib(long bytes) {
        if (bytes < 1 << 20) return bytes + " bytes";
        if (bytes < 1 << 30) return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
        return String.format(java.util.Locale.ROOT, "%.2f GiB", bytes / 1073741824.0);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
