package io.eager4j.parallel;

import io.eager4j.DType;
import io.eager4j.Tensor;
import io.eager4j.Variable;
import io.eager4j.internal.RowShard;
import io.eager4j.internal.Tracing;
import io.eager4j.optim.Optimizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One replica of synchronous data-parallel training (PyTorch's DDP, Horovod): N replicas build the
 * same model from the same seed, each takes its rows of every global batch ({@link #shard}), and the
 * optimizer {@link #wrap wrapped} here sums or averages the gradients over all replicas before its
 * update, so the replicas stay identical without sending parameters. The training code is the
 * one-process code with two calls added:
 * <pre>{@code
 * DataParallel dp = DataParallel.gradients(allReduce, DataParallel.Reduction.MEAN);
 * Optimizer adam = dp.wrap(new Adam(1e-3));
 * Tensor x = dp.shard(batch.images()), y = dp.shard(batch.labels());
 * adam.minimize(() -> NN.softmaxCrossEntropy(model.apply(x), y).mean());
 * }</pre>
 * Random draws shaped like this thread's shard (dropout's masks) are taken at the shard's rows of
 * the one-process draw, so N replicas on N shards compute what one process computes on the global
 * batch, up to the order of the gradient sums. {@link #averaging} is the variant that instead lets
 * each replica step on its own shard and averages parameters and optimizer state every k steps.
 */
public final class DataParallel implements AutoCloseable {
    /** How the replicas' gradients combine. */
    public enum Reduction {
        /** The average: right for a loss that is a mean over the batch's rows (PyTorch DDP's default). */
        MEAN,
        /** The sum: right for a gradient summed over the rows (the seed's {@code sm - y}). */
        SUM
    }

    private final AllReduce comm;
    private final Reduction reduction;
    private final int averageEvery;   // 0: gradients are reduced every step

    private DataParallel(AllReduce comm, Reduction reduction, int averageEvery) {
        if (comm.size() > 1) RowShard.set(null);   // a new replica starts unsharded on this thread, whatever ran on it before
        this.comm = comm;
        this.reduction = reduction;
        this.averageEvery = averageEvery;
    }

    /** Gradients reduced over the replicas at every step: the replicas stay bitwise identical. */
    public static DataParallel gradients(AllReduce comm, Reduction reduction) {
        return new DataParallel(comm, reduction, 0);
    }

    /**
     * Each replica steps on its own shard; every {@code everySteps} steps parameters and optimizer
     * state are replaced by their average over the replicas (DL4J's parameter averaging): one
     * exchange per k steps instead of one per step, at the price of replicas that drift between them.
     */
    public static DataParallel averaging(AllReduce comm, int everySteps) {
        if (everySteps < 1) throw new IllegalArgumentException("DataParallel.averaging: every " + everySteps + " steps; use 1 or more");
        return new DataParallel(comm, Reduction.MEAN, everySteps);
    }

    /** A run that is not distributed: the batch is the shard and the optimizer is unchanged. */
    public static DataParallel single() {
        return gradients(AllReduce.single(), Reduction.MEAN);
    }

    public int rank() {
        return comm.rank();
    }

    public int size() {
        return comm.size();
    }

    /** Rank 0: the replica that reports and writes checkpoints. */
    public boolean isChief() {
        return comm.rank() == 0;
    }

    /** Rows per replica of a global batch; refuses one that does not split evenly. */
    public int shardRows(int globalRows) {
        if (globalRows % size() != 0) {
            throw new IllegalArgumentException("data parallel: a global batch of " + globalRows + " rows does not split evenly over "
                    + size() + " replicas (each would call the all-reduce on a different batch); use a multiple of " + size());
        }
        return globalRows / size();
    }

    /**
     * This replica's rows of a global batch ({@code rank * rows / size} on), and from now on this
     * thread's random draws of that many rows are the shard's rows of the one-process draw.
     */
    public Tensor shard(Tensor global) {
        if (size() == 1) return global;
        if (global.rank() == 0) throw new IllegalArgumentException("data parallel: cannot shard a scalar; pass a batch");
        int[] shape = global.shape();
        int rows = shardRows(shape[0]), first = rank() * rows;
        RowShard.set(new RowShard(first, rows, shape[0]));
        int[] begin = new int[shape.length], size = shape.clone();
        begin[0] = first;
        size[0] = rows;
        return global.slice(begin, size);
    }

    /** The optimizer's steps with the replicas' gradients combined (or, averaging, their parameters). */
    public Optimizer wrap(Optimizer inner) {
        return size() == 1 ? inner : new ReplicatedOptimizer(inner, this);
    }

    /** The mean of a number over the replicas (a loss or an accuracy to report). */
    public double mean(double value) {
        double[] v = {value};
        comm.sum(v);
        return v[0] / size();
    }

    boolean averagesParameters() {
        return averageEvery > 0;
    }

    int averageEvery() {
        return averageEvery;
    }

    /** Every tensor summed over the replicas (then divided by their number for MEAN); nulls stay null. */
    List<Tensor> reduce(String what, List<? extends Tensor> tensors, Reduction how) {
        if (Tracing.recorder() != null) {
            throw new IllegalStateException("data parallel: the all-reduce of the " + what + " cannot run inside a traced function"
                    + " (a replay does not stop to exchange values with other processes); call the step without Traced");
        }
        int floats = 0, doubles = 0;
        for (Tensor t : tensors) {
            if (t == null) continue;
            if (t.dtype() == DType.FLOAT64) doubles += t.size(); else floats += t.size();
        }
        float[] f = new float[floats];
        double[] d = new double[doubles];
        int fi = 0, di = 0;
        for (Tensor t : tensors) {
            if (t == null) continue;
            if (t.dtype() == DType.FLOAT64) {
                double[] a = t.toDoubleArray();
                System.arraycopy(a, 0, d, di, a.length);
                di += a.length;
            } else {
                float[] a = t.cast(DType.FLOAT32).toFloatArray();
                System.arraycopy(a, 0, f, fi, a.length);
                fi += a.length;
            }
        }
        if (floats > 0) comm.sum(f);
        if (doubles > 0) comm.sum(d);
        int n = size();
        if (how == Reduction.MEAN) {
            for (int i = 0; i < f.length; i++) f[i] /= n;
            for (int i = 0; i < d.length; i++) d[i] /= n;
        }
        List<Tensor> out = new ArrayList<>(tensors.size());
        fi = 0;
        di = 0;
        for (Tensor t : tensors) {
            if (t == null) {
                out.add(null);
                continue;
            }
            Tensor r;
            try (var on = t.device().use()) {
                if (t.dtype() == DType.FLOAT64) {
                    r = Tensor.of(java.util.Arrays.copyOfRange(d, di, di + t.size()), t.shape());
                    di += t.size();
                } else {
                    r = Tensor.of(java.util.Arrays.copyOfRange(f, fi, fi + t.size()), t.shape()).cast(t.dtype());
                    fi += t.size();
                }
            }
            out.add(r);
        }
        return out;
    }

    Reduction reduction() {
        return reduction;
    }

    /** Parameters and the optimizer's slots replaced by their mean over the replicas. */
    void average(List<Variable> vars, Optimizer optimizer) {
        Map<String, Variable> byKey = new LinkedHashMap<>();
        for (int i = 0; i < vars.size(); i++) byKey.put(Integer.toString(i), vars.get(i));
        Map<String, Tensor> slots = optimizer.slotTensors(byKey);
        List<Tensor> all = new ArrayList<>(vars);
        all.addAll(slots.values());
        List<Tensor> mean = reduce("parameters", all, Reduction.MEAN);
        for (int i = 0; i < vars.size(); i++) vars.get(i).assign(mean.get(i));
        Map<String, Tensor> averaged = new LinkedHashMap<>();
        int i = vars.size();
        for (String k : slots.keySet()) averaged.put(k, mean.get(i++));
        optimizer.restoreSlots(byKey, averaged, optimizer.steps());
    }

    /** Ends this thread's sharding of random draws and closes the all-reduce. */
    @Override
    public void close() {
        RowShard.set(null);
        comm.close();
    }
}
