package io.eager4j.internal;

import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * Hooks through which code outside the tensor package (optimizers, layers, backends) takes part in
 * a trace ({@link io.eager4j.Traced}): host state a replay must advance, scalars a replay must
 * recompute, modes a trace depends on, and work that belongs before the trace (creating state).
 * Each hook costs one volatile read when nothing is being traced. Not API.
 */
public final class Tracing {
    /** What a thread's open trace is told; implemented in the tensor package. */
    public interface Recorder {
        Backend wrap(Backend real);

        void onReplay(Runnable hostStep);

        void dynamic(double value, DoubleSupplier atReplay);

        void guard(BooleanSupplier condition, boolean seen);

        /** The traced function's name, for errors. */
        String name();
    }

    private static volatile int open;   // traces being recorded, all threads
    private static final ThreadLocal<Recorder> CURRENT = new ThreadLocal<>();

    private Tracing() {}

    /** This thread's recorder, or null: the common case costs one volatile read. */
    public static Recorder recorder() {
        return open == 0 ? null : CURRENT.get();
    }

    /** Starts recording on this thread; returns the recorder that was open (traces nest by inlining). */
    public static synchronized Recorder begin(Recorder r) {
        Recorder previous = CURRENT.get();
        CURRENT.set(r);
        open++;
        return previous;
    }

    public static synchronized void end(Recorder previous) {
        open--;
        CURRENT.set(previous);
    }

    /** The backend ops should call now: {@code real}, or a recording view of it inside a trace. */
    public static Backend backend(Backend real) {
        Recorder r = recorder();
        return r == null ? real : r.wrap(real);
    }

    /** Host state the eager code just changed (a step counter): a replay changes it again, here. */
    public static void onReplay(Runnable hostStep) {
        Recorder r = recorder();
        if (r != null) r.onReplay(hostStep);
    }

    /**
     * A scalar computed on the host from state that changes between steps (Adam's bias correction):
     * the next op given exactly {@code value} gets {@code atReplay}'s value in a replay.
     */
    public static double dynamic(double value, DoubleSupplier atReplay) {
        Recorder r = recorder();
        if (r != null) r.dynamic(value, atReplay);
        return value;
    }

    /** A mode the traced code branched on (a layer's training flag): a replay needs the same. */
    public static boolean guard(boolean value, BooleanSupplier current) {
        Recorder r = recorder();
        if (r != null) r.guard(current, value);
        return value;
    }

    /** Runs {@code work} unrecorded (creating optimizer slots): its results are state, read by the trace. */
    public static <T> T outside(Supplier<T> work) {
        Recorder r = recorder();
        if (r == null) return work.get();
        CURRENT.set(null);
        try {
            return work.get();
        } finally {
            CURRENT.set(r);
        }
    }
}
