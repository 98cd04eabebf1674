package io.eager4j.cli;

import io.eager4j.examples.SeedMnist;
import io.eager4j.parallel.AllReduce;
import java.io.PrintWriter;

/**
 * One worker of a {@code --spark} run: the eager4j-spark module calls {@link #run} in each of its
 * barrier tasks with the driver's command line. The command then trains as one replica: its shard
 * of each global batch, gradients combined through {@code comm}; only rank 0 prints, saves and
 * writes checkpoints.
 * <pre>{@code
 * int status = Replica.run(args, allReduce, stepListener, out, err);   // args: "train-mnist", "--steps", ...
 * }</pre>
 */
public final class Replica {
    private static final ThreadLocal<Replica> CURRENT = new ThreadLocal<>();

    final AllReduce comm;
    final SeedMnist.Listener listener;

    private Replica(AllReduce comm, SeedMnist.Listener listener) {
        this.comm = comm;
        this.listener = listener;
    }

    /** Runs the command as replica {@code comm.rank()} of {@code comm.size()}; returns its exit status. */
    public static int run(String[] args, AllReduce comm, SeedMnist.Listener listener, PrintWriter out, PrintWriter err) {
        CURRENT.set(new Replica(comm, listener));
        try {
            return Main.run(args, out, err);
        } finally {
            CURRENT.remove();
        }
    }

    /** This thread's replica, or null in a run of one process. */
    static Replica current() {
        return CURRENT.get();
    }
}
