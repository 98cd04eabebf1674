package io.eager4j.internal.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Helper threads for splitting one kernel call into blocks. Blocks are claimed, not assigned: the
 * calling thread starts on them at once and runs every block no helper has claimed, so when the machine
 * is busy and a helper is not scheduled the call simply runs on one thread (no collapse), and it never
 * waits for a block nobody started. A helper that ran a job polls for the next one for
 * {@link #LINGER_NANOS}, yielding its core to any other runnable thread between polls, then parks; the
 * caller spins only briefly, while a helper finishes a block it is already running. The caller claims
 * from the front and helpers from the back, so that each core keeps its share of a repeated split.
 */
public final class Workers {
    /** How long the caller spins for a helper's last block before parking (a wake-up costs ~10-50 us). */
    private static final long SPIN_NANOS = 50_000;
    /**
     * How long an idle helper polls before parking. A training step calls for a split product every
     * 0.2-0.4 ms; a parked helper took 40 us on average to claim its block (the caller then waited for
     * it), a polling one 5 us. Longer gaps than this mean a wake-up's cost no longer matters.
     */
    static final long LINGER_NANOS = 500_000;

    private final Thread[] helpers;
    private volatile Job job;

    /** {@code threads} counts the caller: 2 means one helper, 1 none (every block runs on the caller). */
    public Workers(int threads, String name) {
        helpers = new Thread[Math.max(0, threads - 1)];
        for (int i = 0; i < helpers.length; i++) {
            helpers[i] = Thread.ofPlatform().daemon().name(name + "-" + (i + 1)).unstarted(this::serve);
        }
        for (Thread h : helpers) h.start();
    }

    /** The caller and its helpers. */
    public int threads() {
        return helpers.length + 1;
    }

    /** Runs body(0) .. body(count - 1) across the threads; returns when all are done. */
    public void run(int count, IntConsumer body) {
        Job j = new Job(count, body, Thread.currentThread());
        job = j;
        for (Thread h : helpers) LockSupport.unpark(h);
        while (j.runOne(true)) { }
        long start = System.nanoTime();
        while (j.done.get() < count) {   // only blocks a helper is running right now
            if (System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
            else LockSupport.park(this);   // the helper finishing the last block unparks us
        }
        if (j.failure != null) {
            throw j.failure instanceof RuntimeException r ? r : new IllegalStateException(j.failure);
        }
    }

    private void serve() {
        Job last = null;
        long idleSince = System.nanoTime();
        while (true) {
            Job j = job;
            if (j == null || j == last) {
                if (System.nanoTime() - idleSince < LINGER_NANOS) Thread.yield();   // others runnable here go first
                else LockSupport.park(this);   // unpark before park is remembered: no lost wake-up
                continue;
            }
            last = j;
            while (j.runOne(false)) { }
            idleSince = System.nanoTime();
        }
    }

    private static final class Job {
        final int count;
        final IntConsumer body;
        final Thread owner;
        /** The unclaimed blocks [front, back), packed as back << 32 | front. */
        final AtomicLong unclaimed;
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable failure;

        Job(int count, IntConsumer body, Thread owner) {
            this.count = count;
            this.body = body;
            this.owner = owner;
            this.unclaimed = new AtomicLong((long) count << 32);
        }

        /**
         * Claims and runs one block; false when none is left to claim. The caller claims from the front,
         * helpers from the back, so with both running the same thread runs the same block of every split:
         * the seed's weight half that one core's share of the weight gradient wrote, its Adam update reads
         * and its share of the next forward reads stays in that core's L2.
         */
        boolean runOne(boolean front) {
            long u;
            int f, b;
            do {
                u = unclaimed.get();
                f = (int) u;
                b = (int) (u >>> 32);
                if (f >= b) return false;
            } while (!unclaimed.compareAndSet(u, front ? (long) b << 32 | (f + 1) : (long) (b - 1) << 32 | f));
            int i = front ? f : b - 1;
            try {
                body.accept(i);
            } catch (Throwable t) {
                failure = t;
            } finally {
                if (done.incrementAndGet() == count) LockSupport.unpark(owner);
            }
            return true;
        }
    }
}
