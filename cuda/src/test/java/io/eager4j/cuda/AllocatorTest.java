package io.eager4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The caching allocator's logic over a fake device memory (no GPU needed). */
class AllocatorTest {
    /** A device with {@code capacity} bytes that hands out increasing addresses. */
    static final class FakeMemory implements Allocator.Memory {
        final long capacity;
        long used, next = 0x1000;
        final List<Long> freed = new ArrayList<>();
        int allocs;

        FakeMemory(long capacity) {
            this.capacity = capacity;
        }

        @Override
        public long alloc(long bytes) {
            if (used + bytes > capacity) return 0;
            allocs++;
            used += bytes;
            long p = next;
            next += bytes;
            return p;
        }

        @Override
        public void free(long ptr) {
            freed.add(ptr);
            used -= 512;   // the test frees 512-byte blocks only
        }

        @Override
        public long[] info() {
            return new long[] {capacity - used, capacity};
        }
    }

    @Test
    void sizeClassesWasteAtMostAQuarter() {
        assertEquals(512, Allocator.sizeClass(1));
        assertEquals(512, Allocator.sizeClass(512));
        for (long b : new long[] {513, 1000, 4124, 401_408, 1L << 30, (1L << 30) + 1, 3_000_000_007L}) {
            long c = Allocator.sizeClass(b);
            assertTrue(c >= b && c <= b + b / 4 + 1, b + " -> " + c);
            assertEquals(c, Allocator.sizeClass(c), "a class is its own class");
        }
    }

    @Test
    void releasedBlocksAreReusedWithoutTheDriver() {
        FakeMemory mem = new FakeMemory(1 << 20);
        Allocator a = new Allocator("gpu:0", mem);
        long p = a.allocate(512, 400, "test");
        a.release(p, 512);
        assertEquals(512, a.cachedBytes());
        assertEquals(p, a.allocate(512, 300, "test"));
        assertEquals(1, mem.allocs);
        assertEquals(0, a.cachedBytes());
        assertEquals(512, a.liveBytes());
    }

    @Test
    void outOfMemoryReleasesTheCacheThenSaysHowMuchWasAskedAndFree() {
        FakeMemory mem = new FakeMemory(1800);
        Allocator a = new Allocator("gpu:0", mem);
        long p = a.allocate(512, 512, "test");
        a.release(p, 512);                       // cached, but the driver still counts it
        a.allocate(1536, 1536, "test");         // fits only once the cache is given back
        assertEquals(List.of(p), mem.freed);
        var e = assertThrows(IllegalStateException.class, () -> a.allocate(4096, 4000, "matmul"));
        assertEquals("matmul on gpu:0: out of GPU memory: asked for 4000 bytes, 264 bytes free of 1800 bytes (1536 bytes held by live tensors);"
                + " use a smaller batch or drop references to tensors you no longer need", e.getMessage());
    }
}
