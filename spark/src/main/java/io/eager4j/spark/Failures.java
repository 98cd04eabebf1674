package io.eager4j.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ExecutorLostFailure;
import org.apache.spark.TaskEndReason;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.TaskKilled;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * The barrier stage's failed tasks as Spark's listener bus reports them: which worker (a task's
 * index is its rank) and why. Tasks Spark killed because another failed are left out.
 */
final class Failures extends SparkListener {
    record Failure(int worker, String reason, boolean lost) {}

    private final List<Failure> failures = new ArrayList<>();

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
        TaskEndReason r = end.reason();
        if (r instanceof TaskFailedReason f && !(r instanceof TaskKilled)) {
            String first = f.toErrorString().lines().findFirst().orElse("").strip();
            first = first.replaceFirst("^java\\.lang\\.[A-Za-z]+(Exception|Error): ", "");
            failures.add(new Failure(end.taskInfo().index(), first, r instanceof ExecutorLostFailure));
            notifyAll();
        }
    }

    /**
     * The failure to report, waiting for the bus up to {@code ms} for a first one and as long again
     * for its cause: a lost worker (its process died), or a worker's own error, rather than a peer's
     * all-reduce that only saw it go.
     */
    synchronized Failure first(long ms) throws InterruptedException {
        for (int round = 0; round < 2; round++) {
            long end = System.currentTimeMillis() + ms;
            while (System.currentTimeMillis() < end && (round == 0 ? failures.isEmpty() : cause() == null)) {
                wait(Math.max(1, end - System.currentTimeMillis()));
            }
        }
        Failure cause = cause();
        return cause != null ? cause : failures.isEmpty() ? null : failures.getFirst();
    }

    private Failure cause() {
        return failures.stream().filter(Failure::lost).findFirst()
                .orElse(failures.stream().filter(f -> !f.reason().contains(": all-reduce: ")).findFirst().orElse(null));
    }
}
