package io.eager4j.internal;

/**
 * A device's way to record a replay's work once and launch it as one unit: a CUDA graph by stream
 * capture. Scalars that change from step to step (Adam's bias correction, random offsets) live in
 * parameter slots the graph uploads from host memory when it runs. Not API.
 */
public interface Graphs {
    /** Starts recording this thread's work on the device; the graph will carry {@code slots} 8-byte parameters. */
    void begin(int slots);

    /**
     * True when this device's {@code method} (a {@link Backend} method's name) reads its changing
     * scalars from the slots {@link #bindNext} gives it. A trace whose other calls take changing
     * scalars is not captured: their values would be frozen at the capture's.
     */
    boolean slotted(String method);

    /**
     * Where the next backend call's changing scalars come from, one slot per such argument in argument
     * order; a call that cannot take them from device memory fails the capture.
     */
    void bindNext(int[] slots);

    /** A device-to-device copy, queued (recorded while capturing). */
    void copy(Buffer dst, Buffer src);

    /** A new buffer of {@code src}'s size and element type. */
    Buffer like(Buffer src);

    /** Ends recording; throws, the capture discarded, when something in it could not be recorded. */
    Graph end();

    /** Ends a capture that failed part way, dropping what it recorded. */
    void abort();

    /** One recorded unit of work. */
    interface Graph {
        /** Parameter {@code slot}'s raw bits for the next launch. */
        void set(int slot, long bits);

        /** Queues the whole graph: one launch. */
        void launch();
    }
}
