package io.eager4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eager4j.Device;
import io.eager4j.Rng;
import io.eager4j.Tensor;
import io.eager4j.nn.BatchNorm;
import io.eager4j.nn.Conv2D;
import io.eager4j.nn.Dense;
import io.eager4j.nn.Dropout;
import io.eager4j.nn.Flatten;
import io.eager4j.nn.MaxPool2D;
import io.eager4j.nn.NN;
import io.eager4j.nn.Padding;
import io.eager4j.nn.Sequential;
import io.eager4j.optim.Adam;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A small CNN built under {@code gpu:0}'s device scope lives there (variables included) and trains
 * to the CPU's losses from the same seed: the layers' fused bias+ReLU, pooling, batch norm and
 * dropout through the CUDA backend.
 */
class GpuLayerTest {
    static List<Double> train(Device device) {
        Rng.setSeed(11);
        try (var scope = device.use()) {
            Sequential model = new Sequential(new Conv2D(1, 4, 3, Padding.SAME, NN.RELU), new BatchNorm(4), new MaxPool2D(2),
                    new Flatten(), new Dense(7 * 7 * 4, 16, NN.RELU), new Dropout(0.25), new Dense(16, 10));
            for (var v : model.namedVariables().values()) assertEquals(device, v.device(), "variables are made on the scope's device");
            Tensor x = new Rng(3).normal(0, 1, 8, 14, 14, 1).to(device);
            Tensor y = Tensor.of(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, 8).to(device);
            Adam adam = new Adam(1e-2);
            List<Double> losses = new ArrayList<>();
            for (int step = 0; step < 4; step++) {
                losses.add(adam.minimize(() -> NN.sparseSoftmaxCrossEntropy(model.apply(x), y).mean()).item());
            }
            return losses;
        }
    }

    @Test
    void aModelMadeUnderTheGpuScopeTrainsLikeOnTheCpu() {
        Device gpu = GpuSupport.device();
        List<Double> cpu = train(Device.cpu()), dev = train(gpu);
        for (int s = 0; s < cpu.size(); s++) {
            assertTrue(Math.abs(cpu.get(s) - dev.get(s)) <= 1e-4 * (1 + cpu.get(s)), "loss at step " + s + ": cpu " + cpu + ", gpu " + dev);
        }
        assertTrue(cpu.get(3) < cpu.get(0), "it learns: " + cpu);
    }
}
