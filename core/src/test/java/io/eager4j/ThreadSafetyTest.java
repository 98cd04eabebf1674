package io.eager4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.eager4j.nn.NN;
import io.eager4j.optim.Adam;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ThreadSafetyTest {
    /** A small seeded MLP trained for a few steps; returns its final weights. */
    static float[] train(long seed) {
        Rng.setSeed(seed);
        Variable w0 = Variable.create("W0", 8, 16), b0 = Variable.create("b0", 16);
        Variable w1 = Variable.create("W1", 16, 3), b1 = Variable.create("b1", 3);
        Rng data = new Rng(seed + 100);
        Tensor x = data.normal(0, 1, 32, 8);
        Tensor y = x.slice(new int[] {0, 0}, new int[] {32, 3}).argmax(1).oneHot(3);
        Adam opt = new Adam(1e-2);
        for (int step = 0; step < 20; step++) {
            opt.minimize(() -> {
                Tensor h = NN.dropout(x.matmul(w0).add(b0).relu(), 0.75, Rng.current());
                return NN.softmaxCrossEntropy(h.matmul(w1).add(b1), y).mean();
            });
        }
        return w1.toFloatArray();
    }

    @Test
    void concurrentTrainingIsBitIdenticalToSequential() throws Exception {
        List<float[]> sequential = new ArrayList<>();
        for (long s = 0; s < 4; s++) sequential.add(train(s));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> futures = new ArrayList<>();
            for (long s = 0; s < 4; s++) {
                long seed = s;
                futures.add(pool.submit(() -> train(seed)));
            }
            for (int i = 0; i < 4; i++) assertArrayEquals(sequential.get(i), futures.get(i).get());
        } finally {
            pool.shutdown();
        }
    }
}
