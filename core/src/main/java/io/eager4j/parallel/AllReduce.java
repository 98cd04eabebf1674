package io.eager4j.parallel;

import java.util.ArrayList;
import java.util.List;

/**
 * Sums arrays across the N replicas of a data-parallel run (MPI's and NCCL's all-reduce): each
 * replica passes its array and gets back the element-wise sum over all replicas, the same bits on
 * every replica. Every replica must make the same calls, with the same lengths, in the same order.
 * The Spark trainer's is a TCP ring between workers; {@link #inProcess} joins threads of one process.
 * <pre>{@code
 * List<AllReduce> group = AllReduce.inProcess(2);   // one per thread
 * float[] g = {1, 2};
 * group.get(rank).sum(g);                            // g: the sum of both threads' arrays
 * }</pre>
 */
public interface AllReduce extends AutoCloseable {
    /** This replica's place, 0 to {@code size() - 1}: the fixed order of the reduction. */
    int rank();

    /** The number of replicas. */
    int size();

    /** Replaces {@code values} by their sum over all replicas. */
    void sum(float[] values);

    /** Replaces {@code values} by their sum over all replicas. */
    void sum(double[] values);

    /** Releases connections or threads; a no-op unless said otherwise. */
    @Override
    default void close() {}

    /** The one replica of a run that is not distributed: sums are the values themselves. */
    static AllReduce single() {
        return new AllReduce() {
            public int rank() { return 0; }
            public int size() { return 1; }
            public void sum(float[] values) {}
            public void sum(double[] values) {}
        };
    }

    /**
     * {@code n} replicas as threads of this process, one element each: rank i is element i. Sums run
     * in rank order; a replica that waits more than a minute for the others fails.
     */
    static List<AllReduce> inProcess(int n) {
        if (n < 1) throw new IllegalArgumentException("AllReduce.inProcess: " + n + " replicas; ask for 1 or more");
        InProcessGroup group = new InProcessGroup(n);
        List<AllReduce> members = new ArrayList<>();
        for (int r = 0; r < n; r++) members.add(group.member(r));
        return List.copyOf(members);
    }
}
