package io.eager4j.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where the CPU backends get their result arrays. Eagerly that is {@code new float[n]}. While a
 * trace records, each op's arrays are written down; in a replay the trace's buffer plan hands back
 * arrays it reuses by liveness, so a replayed step allocates only what outlives it. Only results
 * made on the calling thread come from here, never scratch kept between calls. Not API.
 */
public final class Alloc {
    private static final class State {
        List<Object> log;     // recording: this op's arrays
        Object[] plan;        // replaying: this op's arrays in order; null entries are made fresh
        int next;
    }

    private static volatile int users;   // threads recording or replaying; 0 keeps the eager path to one read
    private static final ThreadLocal<State> STATE = ThreadLocal.withInitial(State::new);

    private Alloc() {}

    /** A zeroed float[n]. */
    public static float[] floats(int n) {
        return (float[]) take(float[].class, n, true);
    }

    /** A float[n] whose every element the caller writes: a reused array is not zeroed first. */
    public static float[] floatsOverwritten(int n) {
        return (float[]) take(float[].class, n, false);
    }

    public static int[] ints(int n) {
        return (int[]) take(int[].class, n, true);
    }

    public static byte[] bytes(int n) {
        return (byte[]) take(byte[].class, n, true);
    }

    private static Object take(Class<?> type, int n, boolean zero) {
        if (users == 0) return fresh(type, n);
        State s = STATE.get();
        if (s.plan != null && s.next < s.plan.length) {
            Object a = s.plan[s.next++];
            if (a != null && a.getClass() == type && java.lang.reflect.Array.getLength(a) == n) {
                if (zero) clear(a);
                return a;
            }
        }
        Object a = fresh(type, n);
        if (s.log != null) s.log.add(a);
        return a;
    }

    private static Object fresh(Class<?> type, int n) {
        if (type == float[].class) return new float[n];
        if (type == int[].class) return new int[n];
        return new byte[n];
    }

    private static void clear(Object a) {
        switch (a) {
            case float[] f -> Arrays.fill(f, 0f);
            case int[] i -> Arrays.fill(i, 0);
            case byte[] b -> Arrays.fill(b, (byte) 0);
            default -> throw new IllegalStateException("not a planned array: " + a.getClass());
        }
    }

    /** Fills an array the plan has freed with NaN (or -1), so a plan that reused a live array shows in results. */
    public static void poison(Object a) {
        switch (a) {
            case float[] f -> Arrays.fill(f, Float.NaN);
            case int[] i -> Arrays.fill(i, -1);
            case byte[] b -> Arrays.fill(b, (byte) 7);
            default -> { }
        }
    }

    /** The heap array behind a CPU buffer, or null for device memory. */
    public static Object arrayOf(Buffer b) {
        return b instanceof CpuBuffer c ? c.array() : null;
    }

    // ---- the trace's side

    public static synchronized void enter() {
        users++;
    }

    public static synchronized void exit() {
        users--;
        State s = STATE.get();
        s.log = null;
        s.plan = null;
    }

    /** Starts writing down the arrays the next op makes on this thread. */
    public static void record() {
        STATE.get().log = new ArrayList<>();
    }

    /** The arrays made since {@link #record}, in order; stops writing down. */
    public static List<Object> recorded() {
        State s = STATE.get();
        List<Object> made = s.log == null ? List.of() : s.log;
        s.log = null;
        return made;
    }

    /** The arrays the next op gets, in order of its requests. */
    public static void plan(Object[] arrays) {
        State s = STATE.get();
        s.plan = arrays;
        s.next = 0;
    }
}
