package io.eager4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eager4j.Rng;
import io.eager4j.Tensor;
import io.eager4j.nn.BatchNorm;
import io.eager4j.nn.Conv2D;
import io.eager4j.nn.Dense;
import io.eager4j.nn.Flatten;
import io.eager4j.nn.Layer;
import io.eager4j.nn.MaxPool2D;
import io.eager4j.nn.NN;
import io.eager4j.nn.Padding;
import io.eager4j.nn.Sequential;
import io.eager4j.optim.Adam;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layers (parameters and batch-norm state) and optimizer slots through safetensors files. */
class CheckpointsTest {
    static Sequential model(long seed, int hidden) {
        Rng.setSeed(seed);
        return new Sequential(new Conv2D(1, 3, 3, Padding.SAME, Tensor::relu), new BatchNorm(3), new MaxPool2D(2),
                new Flatten(), new Dense(4 * 4 * 3, hidden, Tensor::relu), new Dense(hidden, 10));
    }

    static final Tensor X = new Rng(9).normal(0, 1, 8, 8, 8, 1), Y = Tensor.of(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, 8);

    static void train(Layer m, Adam adam, int steps) {
        for (int i = 0; i < steps; i++) adam.minimize(() -> NN.sparseSoftmaxCrossEntropy(m.apply(X), Y).mean());
    }

    @Test
    void aRestoredLayerScoresExactlyTheSame(@TempDir Path dir) throws Exception {
        Sequential a = model(1, 16);
        train(a, new Adam(0.01), 3);
        Path file = dir.resolve("m.safetensors");
        Checkpoints.save(file, a);
        Sequential b = model(2, 16);   // other initial values
        Checkpoints.restore(file, b);
        a.eval();
        b.eval();
        assertArrayEquals(a.apply(X).toFloatArray(), b.apply(X).toFloatArray());
        assertArrayEquals(a.namedState().get("batchnorm1.moving_mean").toFloatArray(), b.namedState().get("batchnorm1.moving_mean").toFloatArray());
    }

    @Test
    void optimizerSlotsResumeTrainingExactly(@TempDir Path dir) throws Exception {
        Sequential a = model(1, 16);
        Adam adamA = new Adam(0.01);
        train(a, adamA, 3);
        Path file = dir.resolve("m.safetensors");
        Checkpoints.save(file, a, adamA);
        Sequential b = model(5, 16);
        Adam adamB = new Adam(0.01);
        Checkpoints.restore(file, b, adamB);
        assertEquals(3, adamB.steps());
        train(a, adamA, 2);
        train(b, adamB, 2);
        for (var e : a.namedVariables().entrySet()) {
            assertArrayEquals(e.getValue().toFloatArray(), b.namedVariables().get(e.getKey()).toFloatArray(), e.getKey());
        }
        var none = assertThrows(IllegalArgumentException.class, () -> {
            Path plain = dir.resolve("plain.safetensors");
            Checkpoints.save(plain, a);
            Checkpoints.restore(plain, model(1, 16), new Adam(0.01));
        });
        assertTrue(none.getMessage().endsWith("it holds no optimizer state (saved without one)"), none.getMessage());
    }

    @Test
    void everyMismatchIsListedAndNothingChanges(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("m.safetensors");
        Checkpoints.save(file, model(1, 16));
        Sequential other = new Sequential(new Conv2D(1, 3, 3, Padding.SAME), new BatchNorm(3), new MaxPool2D(2),
                new Flatten(), new Dense(4 * 4 * 3, 12), new Dense(12, 10), new Dense(10, 2));
        float[] before = other.namedParameters().get("dense1.kernel").toFloatArray();
        var e = assertThrows(IllegalArgumentException.class, () -> Checkpoints.restore(file, other));
        assertEquals(file + " does not fit the model: dense1.kernel has shape [48, 16] in the file but [48, 12] in the model;"
                + " dense1.bias has shape [16] in the file but [12] in the model;"
                + " dense2.kernel has shape [16, 10] in the file but [12, 10] in the model;"
                + " it has no tensor 'dense3.kernel'; it has no tensor 'dense3.bias'", e.getMessage());
        assertArrayEquals(before, other.namedParameters().get("dense1.kernel").toFloatArray());
        var extra = assertThrows(IllegalArgumentException.class, () -> Checkpoints.restore(file,
                new Sequential(new Conv2D(1, 3, 3, Padding.SAME), new BatchNorm(3))));
        assertTrue(extra.getMessage().contains("it holds 'dense1.kernel', which the model does not have"), extra.getMessage());
    }
}
