package io.eager4j.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eager4j.Rng;
import io.eager4j.Tensor;
import io.eager4j.Traced;
import io.eager4j.Variable;
import io.eager4j.nn.NN;
import io.eager4j.optim.Adam;
import io.eager4j.optim.Optimizer;
import io.eager4j.optim.SGD;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** N replicas as threads of this process (AllReduce.inProcess) against one process on the global batch. */
class DataParallelTest {
    static final int ROWS = 16, IN = 20, HIDDEN = 12, CLASSES = 10, STEPS = 5;

    /** The seed's shape in small: relu(x W0 + b0), dropout 0.75, then W1 b1; its loss a mean over all elements. */
    static float[][] train(DataParallel dp, Function<Double, Optimizer> optimizer, boolean sumLoss) {
        Rng.setSeed(7);
        Variable w0 = Variable.create("W0", IN, HIDDEN), b0 = Variable.create("b0", HIDDEN);
        Variable w1 = Variable.create("W1", HIDDEN, CLASSES), b1 = Variable.create("b1", CLASSES);
        Optimizer opt = dp.wrap(optimizer.apply(0.05));
        Rng data = new Rng(99);   // the same global batches everywhere
        for (int step = 0; step < STEPS; step++) {
            Tensor gx = data.normal(0, 1, ROWS, IN), gy = data.uniform(0, 1, ROWS, CLASSES);
            Tensor x = dp.shard(gx), y = dp.shard(gy);
            opt.minimize(() -> {
                Tensor h = NN.dropout(x.matmul(w0).add(b0).relu(), 0.75, Rng.current());
                Tensor d = h.matmul(w1).add(b1).sub(y);
                return sumLoss ? d.mul(d).sum() : d.mul(d).mean();
            });
        }
        float[][] out = {w0.toFloatArray(), b0.toFloatArray(), w1.toFloatArray(), b1.toFloatArray(), {Rng.current().offset()}};
        dp.close();
        return out;
    }

    /** Runs {@code body} on n threads, replica i on thread i; returns their results in rank order. */
    static <T> List<T> replicas(int n, Function<AllReduce, T> body) throws Exception {
        List<AllReduce> group = AllReduce.inProcess(n);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (AllReduce comm : group) futures.add(pool.submit((Callable<T>) () -> body.apply(comm)));
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                try {
                    out.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : e;   // the replica's own error
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void twoReplicasOnHalvesMatchOneProcessOnTheWholeBatch() throws Exception {
        for (DataParallel.Reduction how : DataParallel.Reduction.values()) {
            boolean sumLoss = how == DataParallel.Reduction.SUM;   // a summed loss wants summed gradients
            float[][] one = train(DataParallel.single(), Adam::new, sumLoss);
            List<float[][]> two = replicas(2, c -> train(DataParallel.gradients(c, how), Adam::new, sumLoss));
            for (int v = 0; v < one.length; v++) {
                assertArrayEquals(two.get(0)[v], two.get(1)[v], "the replicas must stay bitwise identical (" + how + ")");
                for (int i = 0; i < one[v].length; i++) {
                    assertEquals(one[v][i], two.get(0)[v][i], 2e-5 + 2e-5 * Math.abs(one[v][i]), how + " variable " + v + "[" + i + "]");
                }
            }
            assertEquals(one[4][0], two.get(0)[4][0], "the random stream moves as one process's does");
            assertNotEquals(one[0][0], train(DataParallel.single(), Adam::new, !sumLoss)[0][0], "the reduction matters");
        }
    }

    @Test
    void aShardsDropoutMaskIsItsRowsOfTheOneProcessMask() throws Exception {
        Rng.setSeed(3);
        Tensor ones = Tensor.ones(8, 6);
        float[] whole = NN.dropout(ones, 0.5, Rng.current()).toFloatArray();
        float[] wholeUniform = Rng.current().uniform(0, 1, 8, 6).toFloatArray();
        long offset = Rng.current().offset();
        List<float[]> parts = replicas(4, c -> {
            Rng.setSeed(3);
            try (DataParallel dp = DataParallel.gradients(c, DataParallel.Reduction.MEAN)) {
                Tensor mine = dp.shard(ones);
                float[] mask = NN.dropout(mine, 0.5, Rng.current()).toFloatArray();
                float[] u = Rng.current().uniform(0, 1, 2, 6).toFloatArray();
                float[] out = new float[mask.length + u.length + 1];
                System.arraycopy(mask, 0, out, 0, mask.length);
                System.arraycopy(u, 0, out, mask.length, u.length);
                out[out.length - 1] = Rng.current().offset();
                return out;
            }
        });
        for (int r = 0; r < 4; r++) {
            float[] p = parts.get(r);
            for (int i = 0; i < 12; i++) {
                assertEquals(whole[r * 12 + i], p[i], "replica " + r + " mask element " + i);
                assertEquals(wholeUniform[r * 12 + i], p[12 + i], "replica " + r + " uniform element " + i);
            }
            assertEquals(offset, p[24], "every replica's generator moves past the whole draw");
        }
    }

    @Test
    void averagingEveryStepWithSgdIsTheMeanGradient() throws Exception {
        List<float[][]> averaged = replicas(2, c -> train(DataParallel.averaging(c, 1), SGD::new, false));
        List<float[][]> reduced = replicas(2, c -> train(DataParallel.gradients(c, DataParallel.Reduction.MEAN), SGD::new, false));
        for (int v = 0; v < 4; v++) {
            assertArrayEquals(averaged.get(0)[v], averaged.get(1)[v]);
            for (int i = 0; i < reduced.get(0)[v].length; i++) {
                assertEquals(reduced.get(0)[v][i], averaged.get(0)[v][i], 1e-5, "SGD is linear: averaging parameters = averaging gradients");
            }
        }
        // every 2 steps: after 5 the replicas have drifted apart for one step
        List<float[][]> drifted = replicas(2, c -> train(DataParallel.averaging(c, 2), Adam::new, false));
        assertNotEquals(drifted.get(0)[0][0], drifted.get(1)[0][0]);
    }

    @Test
    void badUseIsRefusedWithTheReason() throws Exception {
        var uneven = assertThrows(IllegalArgumentException.class, () -> replicas(2, c -> {
            try (DataParallel dp = DataParallel.gradients(c, DataParallel.Reduction.MEAN)) {
                return dp.shard(Tensor.ones(5, 2));
            }
        }));
        assertTrue(uneven.getMessage().contains("a global batch of 5 rows does not split evenly over 2 replicas"), uneven.getMessage());

        var inBlock = assertThrows(IllegalArgumentException.class, () -> replicas(2, c -> {
            try (DataParallel dp = DataParallel.gradients(c, DataParallel.Reduction.MEAN)) {
                return NN.dropout(dp.shard(Tensor.ones(6, 3)), 0.5, Rng.current());
            }
        }));
        assertTrue(inBlock.getMessage().contains("dropout: this worker's rows 3..5 of 6 start at element 9"), inBlock.getMessage());

        var lengths = assertThrows(IllegalStateException.class, () -> replicas(2, c -> {
            c.sum(new float[c.rank() + 1]);
            return null;
        }));
        assertTrue(lengths.getMessage().contains("passed 1 float values, replica 1 2 float values")
                || lengths.getMessage().contains("passed 2 float values, replica 0 1 float values")
                || lengths.getMessage().contains("one of them failed"), lengths.getMessage());

        var traced = assertThrows(IllegalStateException.class, () -> replicas(2, c -> {
            DataParallel dp = DataParallel.gradients(c, DataParallel.Reduction.MEAN);
            Variable w = new Variable("w", Tensor.of(new float[] {1, 2}));
            Optimizer opt = dp.wrap(new SGD(0.1));
            return Traced.of((Tensor x) -> opt.minimize(() -> w.mul(x).sum())).call(Tensor.of(new float[] {1, 1}));
        }));
        assertTrue(traced.getMessage().contains("cannot run inside a traced function"), traced.getMessage());
    }

    @Test
    void oneReplicaChangesNothing() {
        DataParallel dp = DataParallel.single();
        Tensor x = Tensor.ones(3, 2);
        Optimizer sgd = new SGD(0.1);
        assertSame(x, dp.shard(x));
        assertSame(sgd, dp.wrap(sgd));
        assertEquals(2.5, dp.mean(2.5));
        assertTrue(dp.isChief());
    }
}
