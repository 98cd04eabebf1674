package io.eager4j.cuda;

import io.eager4j.internal.Buffer;
import java.lang.ref.Cleaner;

/**
 * Device memory holding {@code size} elements. When nobody references the buffer any more, the
 * Cleaner hands its block back to the allocator's cache (not to cuMemFree): the next buffer of that
 * size class reuses it. Reuse is safe because all work runs in order on one stream.
 */
final class GpuBuffer implements Buffer {
    private static final Cleaner CLEANER = Cleaner.create();

    final long ptr;           // 0 for an empty buffer
    private final int size;
    final long bytes;         // bytes in use (elements x element size)

    GpuBuffer(Allocator allocator, int size, int elementBytes, String op) {
        this.size = size;
        this.bytes = (long) size * elementBytes;
        if (bytes == 0) {
            this.ptr = 0;
            return;
        }
        long block = Allocator.sizeClass(bytes);
        this.ptr = allocator.allocate(block, bytes, op);
        long p = ptr;
        // the action must not capture `this`, or the buffer would never become unreachable
        CLEANER.register(this, () -> allocator.release(p, block));
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public String toString() {
        return "GpuBuffer[" + size + " elements at 0x" + Long.toHexString(ptr) + "]";
    }
}
