package io.eager4j;

/**
 * {@code -Deager4j.trace.profile=true}: a trace's nanoseconds per op over its replays, printed at exit as
 * microseconds per replay beside the program's listing.
 */
final class TraceProfile {
    private final String name;
    private final String[] ops;
    private final long[] nanos;
    private long replays;

    private TraceProfile(String name, String[] ops) {
        this.name = name;
        this.ops = ops;
        this.nanos = new long[ops.length];
    }

    /** A profile of the program whose ops {@code listing} gives one per line, printed at exit; null when profiling is off. */
    static TraceProfile of(String name, String listing) {
        if (!Boolean.getBoolean("eager4j.trace.profile")) return null;
        TraceProfile p = new TraceProfile(name, listing.split("\n"));
        Runtime.getRuntime().addShutdownHook(new Thread(p::print));
        return p;
    }

    void add(int op, long elapsed) {
        nanos[op] += elapsed;
    }

    void replayed() {
        replays++;
    }

    private void print() {
        long total = 0;
        StringBuilder s = new StringBuilder("eager4j: trace '" + name + "', " + replays + " replays, us per replay:\n");
        for (int i = 0; i < ops.length; i++) {
            total += nanos[i];
            s.append(String.format("%9.1f  %s%n", nanos[i] / 1e3 / Math.max(1, replays), ops[i]));
        }
        System.err.print(s.append(String.format("%9.1f  in all%n", total / 1e3 / Math.max(1, replays))));
    }
}
