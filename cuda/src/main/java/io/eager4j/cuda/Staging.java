package io.eager4j.cuda;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Page-locked staging memory for uploads, so a batch copy is queued on the stream
 * ({@code cuMemcpyHtoDAsync}) instead of stalling it. A chunk goes back into use only once the
 * event recorded after its copy has passed: until then the copy may still be reading it.
 */
final class Staging {
    private static final long MIN_CHUNK = 1 << 16;
    private static final int MAX_CHUNKS = 4;

    private record Chunk(MemorySegment memory, MemorySegment event) {}

    private final ArrayDeque<Chunk> chunks = new ArrayDeque<>();   // least recently used first

    /** Queues a copy of {@code bytes} of {@code host} to device address {@code dst} on {@code stream}. */
    synchronized void upload(long dst, MemorySegment host, long bytes, MemorySegment stream) {
        Chunk c = take(bytes);
        MemorySegment.copy(host, 0, c.memory(), 0, bytes);
        Driver.copyToDeviceAsync(dst, c.memory(), bytes, stream);
        Driver.recordEvent(c.event(), stream);
        chunks.addLast(c);
    }

    private Chunk take(long bytes) {
        for (Iterator<Chunk> it = chunks.iterator(); it.hasNext(); ) {
            Chunk c = it.next();
            if (c.memory().byteSize() >= bytes && Driver.eventDone(c.event())) {
                it.remove();
                return c;
            }
        }
        if (chunks.size() >= MAX_CHUNKS) {
            Chunk old = chunks.pollFirst();
            Driver.waitEvent(old.event());
            if (old.memory().byteSize() >= bytes) return old;
            Driver.freeHost(old.memory());
            return new Chunk(Driver.allocHost(chunkSize(bytes)), old.event());
        }
        return new Chunk(Driver.allocHost(chunkSize(bytes)), Driver.createEvent());
    }

    private static long chunkSize(long bytes) {
        return Math.max(MIN_CHUNK, Long.highestOneBit(bytes - 1) << 1);
    }
}
