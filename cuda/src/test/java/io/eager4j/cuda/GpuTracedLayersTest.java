package io.eager4j.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eager4j.DType;
import io.eager4j.Device;
import io.eager4j.Rng;
import io.eager4j.Tensor;
import io.eager4j.Traced;
import io.eager4j.Variable;
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
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * A small CNN (convolution through im2col and cuBLAS, batch norm, max pooling, a convolution and its
 * pool as one op, dropout, dense) trained
 * on gpu:0 eagerly and as a traced step replayed as one CUDA graph: the same losses and parameters,
 * bit for bit.
 */
class GpuTracedLayersTest {
    static List<Object> train(boolean traced) {
        Rng.setSeed(11);
        try (var scope = GpuSupport.device().use()) {
            // the second ReLU conv and its max pool run as one op (conv2dBiasReluMaxPool, composed on the GPU)
            Sequential model = new Sequential(new Conv2D(1, 4, 3, Padding.SAME, NN.RELU), new BatchNorm(4), new MaxPool2D(2),
                    new Conv2D(4, 4, 3, Padding.SAME, NN.RELU), new MaxPool2D(2), new Flatten(), new Dropout(0.3), new Dense(2 * 2 * 4, 3));
            Adam adam = new Adam(0.01);
            BiFunction<Tensor, Tensor, Tensor> step = (x, y) -> adam.minimize(() -> NN.sparseSoftmaxCrossEntropy(model.apply(x), y).mean());
            Traced replay = Traced.of(step);
            Rng data = new Rng(4);
            List<Object> out = new ArrayList<>();
            for (int s = 0; s < 4; s++) {
                Tensor x = data.normal(0, 1, 6, 8, 8, 1), y = data.uniform(0, 3, 6).cast(DType.INT32);
                out.add((traced ? replay.call(x, y) : step.apply(x, y)).item());
            }
            for (Variable v : model.namedVariables().values()) out.add(v.toFloatArray());
            if (traced) out.add(replay.toString());
            return out;
        }
    }

    @Test
    void aTracedCnnStepOnGpuIsOneGraphWithTheEagerBits() {
        List<Object> eager = train(false), traced = train(true);
        String replays = (String) traced.remove(traced.size() - 1);
        assertTrue(replays.contains("one CUDA graph"), replays);
        assertEquals(eager.size(), traced.size());
        for (int i = 0; i < eager.size(); i++) {
            if (eager.get(i) instanceof float[] e) assertArrayEquals(e, (float[]) traced.get(i), "variable " + i);
            else assertEquals(eager.get(i), traced.get(i), "loss " + i);
        }
    }
}
