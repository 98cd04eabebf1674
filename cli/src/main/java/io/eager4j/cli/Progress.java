package io.eager4j.cli;

import io.eager4j.examples.SeedMnist;
import java.io.PrintWriter;
import java.io.Writer;

/**
 * Training progress on standard error: on a terminal, a bar redrawn in place at most ten times a
 * second (steps, steps/s, time left, current loss); otherwise a plain line every {@code logEvery}
 * steps. Standard output goes through {@link #around} so that its lines never land in the bar.
 * <pre>{@code
 * Progress p = new Progress(err, Progress.stderrIsTerminal(), 500);
 * PrintWriter out = p.around(stdout);
 * }</pre>
 */
final class Progress implements SeedMnist.Listener {
    private static final long REDRAW_NANOS = 100_000_000;
    private static final int WIDTH = 24;

    private final PrintWriter err;
    private final boolean terminal;
    private final int logEvery;
    private final long redrawNanos;
    private String command = "train-mnist";   // names the lines written when stderr is not a terminal
    private int total;
    private long start;
    private long nextDraw;
    private boolean drawn;   // a bar is on screen, so the cursor is not at a line start

    Progress(PrintWriter err, boolean terminal, int logEvery) {
        this(err, terminal, logEvery, REDRAW_NANOS);
    }

    Progress(PrintWriter err, boolean terminal, int logEvery, long redrawNanos) {
        this.err = err;
        this.terminal = terminal;
        this.logEvery = logEvery;
        this.redrawNanos = redrawNanos;
    }

    /** The command the non-terminal lines name (train-mnist by default). */
    Progress named(String commandName) {
        this.command = commandName;
        return this;
    }

    /**
     * bin/eager4j passes {@code -Deager4j.stderr.tty=true|false} (it can test file descriptor 2);
     * otherwise a console attached to a terminal is the nearest thing Java can see.
     */
    static boolean stderrIsTerminal() {
        String told = System.getProperty("eager4j.stderr.tty");
        if (told != null) return Boolean.parseBoolean(told);
        var console = System.console();
        return console != null && console.isTerminal() && !"dumb".equals(System.getenv("TERM"));
    }

    @Override
    public void started(int steps) {
        total = steps;
        start = System.nanoTime();
        nextDraw = start;   // the first step draws at once
    }

    @Override
    public void step(int step, double loss, double batchAccuracy) {
        int done = step + 1;
        long now = System.nanoTime();
        if (terminal) {
            if (now - nextDraw >= 0 || done == total) {   // nanoTime may be negative: compare differences
                nextDraw = now + redrawNanos;
                synchronized (err) {
                    err.print("\r" + line(done, now, loss) + "\033[K");
                    err.flush();
                    drawn = true;
                }
            }
        } else if (done % logEvery == 0 || done == total) {
            err.println(command + ": " + line(done, now, loss));
            err.flush();
        }
    }

    @Override
    public void finished() {
        synchronized (err) {
            if (drawn) {
                err.println();   // keep the final bar
                err.flush();
                drawn = false;
            }
        }
    }

    String line(int done, long now, double loss) {
        double seconds = (now - start) / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        String eta = rate > 0 ? clock((total - done) / rate) : "?";
        StringBuilder b = new StringBuilder();
        if (terminal) {
            int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
            b.append('[').append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ");
        }
        return b.append(done).append('/').append(total).append(" steps  ")
                .append(String.format("%.1f steps/s  ETA %s  loss %.4f", rate, eta, loss)).toString();
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
    }

    /** {@code out}, but each write first wipes a bar that is on screen. */
    PrintWriter around(PrintWriter out) {
        if (!terminal) return out;
        return new PrintWriter(new Writer() {
            @Override
            public void write(char[] cbuf, int off, int len) {
                synchronized (err) {
                    if (drawn) {
                        err.print("\r\033[K");
                        err.flush();
                        drawn = false;
                    }
                }
                out.write(cbuf, off, len);
            }

            @Override
            public void flush() {
                out.flush();
            }

            @Override
            public void close() {
                out.close();
            }
        }, true);
    }
}
