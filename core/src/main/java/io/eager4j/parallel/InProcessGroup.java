package io.eager4j.parallel;

import java.lang.reflect.Array;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@link AllReduce#inProcess}: replicas meet at a barrier and each sums its share of the elements. */
final class InProcessGroup {
    private static final long TIMEOUT_S = 60;

    private final int n;
    private final CyclicBarrier barrier;
    private final Object[] arrays;   // each member's array of this call
    private Object sum;              // the shared result

    InProcessGroup(int n) {
        this.n = n;
        this.barrier = new CyclicBarrier(n);
        this.arrays = new Object[n];
    }

    AllReduce member(int rank) {
        return new AllReduce() {
            public int rank() { return rank; }
            public int size() { return n; }
            public void sum(float[] values) { reduce(rank, values); }
            public void sum(double[] values) { reduce(rank, values); }
        };
    }

    private void reduce(int rank, Object values) {
        arrays[rank] = values;
        await(rank);
        if (rank == 0) sum = Array.newInstance(values.getClass().getComponentType(), Array.getLength(values));
        for (int r = 0; r < n; r++) {
            if (arrays[r].getClass() != values.getClass() || Array.getLength(arrays[r]) != Array.getLength(values)) {
                barrier.reset();   // the others fail too, instead of waiting
                throw new IllegalStateException("all-reduce: replica " + r + " passed " + describe(arrays[r]) + ", replica "
                        + rank + " " + describe(values) + "; every replica must make the same calls in the same order");
            }
        }
        await(rank);
        int len = Array.getLength(values), from = (int) ((long) len * rank / n), to = (int) ((long) len * (rank + 1) / n);
        if (values instanceof float[]) {
            float[] out = (float[]) sum;
            for (int i = from; i < to; i++) {
                float s = ((float[]) arrays[0])[i];   // not 0 + ...: -0 would become +0
                for (int r = 1; r < n; r++) s += ((float[]) arrays[r])[i];
                out[i] = s;
            }
        } else {
            double[] out = (double[]) sum;
            for (int i = from; i < to; i++) {
                double s = ((double[]) arrays[0])[i];
                for (int r = 1; r < n; r++) s += ((double[]) arrays[r])[i];
                out[i] = s;
            }
        }
        await(rank);
        System.arraycopy(sum, 0, values, 0, len);
        await(rank);   // nobody starts the next call while another still copies this one
    }

    private static String describe(Object a) {
        return Array.getLength(a) + " " + a.getClass().getComponentType() + " values";
    }

    private void await(int rank) {
        try {
            barrier.await(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (TimeoutException | BrokenBarrierException e) {
            throw new IllegalStateException("all-reduce: replica " + rank + " waited for the other replicas in vain ("
                    + (e instanceof TimeoutException ? "none came within " + TIMEOUT_S + " s" : "one of them failed") + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("all-reduce: replica " + rank + " was interrupted", e);
        }
    }
}
