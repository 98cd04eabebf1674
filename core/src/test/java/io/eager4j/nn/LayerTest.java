package io.eager4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eager4j.DType;
import io.eager4j.Initializers;
import io.eager4j.Rng;
import io.eager4j.Tensor;
import io.eager4j.Variable;
import io.eager4j.optim.Adam;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The layer API: names, modes, summaries, and training a layer of one's own. */
class LayerTest {
    static Sequential cnn() {
        return new Sequential(
                new Conv2D(1, 4, 5, Padding.SAME, Tensor::relu), new MaxPool2D(2, Padding.SAME),
                new Conv2D(4, 8, 3, Padding.SAME, Tensor::relu), new MaxPool2D(2, Padding.SAME),
                new Flatten(), new Dense(7 * 7 * 8, 16, Tensor::relu), new Dropout(0.5), new Dense(16, 10));
    }

    /** A user's layer: plain fields, a list of layers, and a variable of its own. */
    static final class Mine extends Layer {
        final Dense in = new Dense(3, 4, Tensor::tanh);
        final List<Layer> blocks = List.of(new Dense(4, 4), new BatchNorm(4));
        final Variable scale = new Variable("scale", Tensor.ones(4));
        final Dense out = new Dense(4, 2);

        @Override
        public Tensor apply(Tensor x) {
            Tensor h = in.apply(x);
            for (Layer b : blocks) h = b.apply(h);
            return out.apply(h.mul(scale));
        }
    }

    @Test
    void namesFollowSequentialCountsAndFieldNames() {
        Rng.setSeed(1);
        assertEquals(List.of("conv1.kernel", "conv1.bias", "conv2.kernel", "conv2.bias", "dense1.kernel", "dense1.bias",
                "dense2.kernel", "dense2.bias"), List.copyOf(cnn().namedParameters().keySet()));
        Mine m = new Mine();
        assertEquals(List.of("in.kernel", "in.bias", "blocks.0.kernel", "blocks.0.bias", "blocks.1.gamma", "blocks.1.beta",
                "scale", "out.kernel", "out.bias"), List.copyOf(m.namedParameters().keySet()));
        assertEquals(List.of("blocks.1.moving_mean", "blocks.1.moving_variance"), List.copyOf(m.namedState().keySet()));
        assertEquals(9, m.parameters().size());
        Sequential named = new Sequential(new Dense("encoder", 2, 3, x -> x, Initializers.glorotUniform(), DType.FLOAT32), new Dense(3, 1));
        assertEquals(List.of("encoder.kernel", "encoder.bias", "dense1.kernel", "dense1.bias"), List.copyOf(named.namedParameters().keySet()));
        assertThrows(IllegalArgumentException.class, () -> new Sequential(new Dense(2, 2), new Dense("dense1", 2, 2, x -> x,
                Initializers.glorotUniform(), DType.FLOAT32)));
    }

    @Test
    void summaryListsOutputShapesAndParameterCounts() {
        String s = cnn().summary(28, 28, 1);
        assertTrue(s.contains("conv1 (Conv2D)               [None, 28, 28, 4]             104"), s);
        assertTrue(s.contains("maxpool2 (MaxPool2D)         [None, 7, 7, 8]                 0"), s);
        assertTrue(s.contains("flatten1 (Flatten)           [None, 392]                     0"), s);
        assertTrue(s.contains("dense1 (Dense)               [None, 16]                   6288"), s);
        long total = 104 + (3 * 3 * 4 * 8 + 8) + (392 * 16 + 16) + (16 * 10 + 10);
        assertTrue(s.contains("Output: [None, 10]; parameters: " + String.format("%,d", total) + " trainable, 0 non-trainable"), s);
    }

    @Test
    void dropoutAndBatchNormFollowTheMode() {
        Tensor x = Rng.current().normal(0, 1, 8, 4).mul(3).add(5);
        Dropout d = new Dropout(0.5);
        assertNotEquals(List.of(x.toFloatArray()), List.of(d.apply(x).toFloatArray()));
        d.eval();
        assertArrayEquals(x.toFloatArray(), d.apply(x).toFloatArray());

        BatchNorm bn = new BatchNorm(4);
        Tensor y = bn.apply(x);   // training: normalized by the batch's own statistics
        assertEquals(0, y.mean(0).abs().max().item(), 1e-5);
        float[] moved = bn.namedState().get("moving_mean").toFloatArray();
        float[] mean = x.mean(0).toFloatArray();
        for (int c = 0; c < 4; c++) assertEquals(0.01 * mean[c], moved[c], 1e-5, "moving mean moved 1% toward the batch's");
        bn.eval();
        Tensor z = bn.apply(x);   // inference: (x - moving_mean) / sqrt(moving_var + eps)
        assertEquals((x.toFloatArray()[0] - moved[0]) / Math.sqrt(bn.namedState().get("moving_variance").toFloatArray()[0] + 1e-3),
                z.toFloatArray()[0], 1e-4);
        assertArrayEquals(moved, bn.namedState().get("moving_mean").toFloatArray(), "eval mode leaves the averages alone");
    }

    @Test
    void anOptimizerTrainsAUsersLayerUnchanged() {
        Rng.setSeed(3);
        Mine m = new Mine();
        Tensor x = Rng.current().normal(0, 1, 32, 3), y = x.slice(new int[] {0, 0}, new int[] {32, 2}).argmax(1).oneHot(2);
        Adam adam = new Adam(0.05);
        double first = 0, last = 0;
        for (int step = 0; step < 60; step++) {
            last = adam.minimize(() -> NN.softmaxCrossEntropy(m.apply(x), y).mean()).item();
            if (step == 0) first = last;
        }
        assertTrue(last < 0.5 * first, first + " -> " + last);
    }

    @Test
    void reluTheConstantIsReluAndTheFusedLayerMatchesTheUnfusedOne() {
        Tensor x = Tensor.of(new float[] {-2, -0.5f, 0, 1.5f}, 2, 2);
        assertArrayEquals(x.relu().toFloatArray(), NN.RELU.apply(x).toFloatArray());
        Rng.setSeed(4);
        Dense fused = new Dense(2, 3, NN.RELU);
        Rng.setSeed(4);
        Dense plain = new Dense(2, 3, t -> t.relu());
        assertArrayEquals(plain.apply(x).toFloatArray(), fused.apply(x).toFloatArray());
    }

    /**
     * A Sequential runs a ReLU Conv2D and the MaxPool2D after it as one op: the layer-by-layer values
     * forward, the gradients to rounding (the fused filter and bias sums run in another order). The
     * first pair takes the fast backend's direct path, the second its GEMM tiles.
     */
    @Test
    void aSequentialPoolsItsConvolutionsInOneOpWithTheSameValues() {
        Rng.setSeed(8);
        Sequential model = new Sequential(new Conv2D(1, 32, 5, Padding.SAME, NN.RELU), new MaxPool2D(2, Padding.SAME),
                new Conv2D(32, 64, 3, Padding.SAME, NN.RELU), new MaxPool2D(2, Padding.SAME), new Flatten(), new Dense(3 * 3 * 64, 10));
        Tensor x = Rng.current().normal(0, 1, 5, 11, 11, 1);
        List<Variable> vars = List.copyOf(model.namedParameters().values());
        Tensor[] fused, plain;
        Tensor yFused, yPlain;
        try (var tape = new io.eager4j.GradientTape()) {
            yFused = model.apply(x);
            fused = tape.gradient(yFused.mul(yFused).sum(), vars.toArray(new Tensor[0]));
        }
        try (var tape = new io.eager4j.GradientTape()) {
            Tensor h = x;
            for (Layer l : model.layers().values()) h = l.apply(h);
            yPlain = h;
            plain = tape.gradient(yPlain.mul(yPlain).sum(), vars.toArray(new Tensor[0]));
        }
        assertArrayEquals(yPlain.toFloatArray(), yFused.toFloatArray());
        for (int i = 0; i < vars.size(); i++) {
            float[] e = plain[i].toFloatArray(), a = fused[i].toFloatArray();
            for (int j = 0; j < e.length; j++) {
                assertEquals(e[j], a[j], 1e-4 * (1 + Math.abs(e[j])), vars.get(i).name() + " gradient element " + j);
            }
        }
        assertTrue(model.summary(11, 11, 1).contains("conv1 (Conv2D)               [None, 11, 11, 32]"), "a summary still lists each layer");
    }

    @Test
    void float64LayersAndEmbeddings() {
        Dense d = new Dense(null, 3, 2, x -> x, Initializers.glorotUniform(), DType.FLOAT64);
        assertEquals(DType.FLOAT64, d.apply(Tensor.ones(DType.FLOAT64, 5, 3)).dtype());
        Embedding e = new Embedding(10, 4);
        assertArrayEquals(new int[] {2, 3, 4}, e.apply(Tensor.of(new int[] {1, 2, 3, 9, 0, 1}, 2, 3)).shape());
        assertEquals(List.of("embeddings"), List.copyOf(e.namedParameters().keySet()));
    }
}
