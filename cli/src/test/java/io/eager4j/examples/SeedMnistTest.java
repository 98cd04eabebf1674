package io.eager4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eager4j.Device;
import io.eager4j.GradientTape;
import io.eager4j.Initializers;
import io.eager4j.Rng;
import io.eager4j.Tensor;
import io.eager4j.Variable;
import io.eager4j.data.DataSets;
import io.eager4j.data.Dataset;
import io.eager4j.data.Mnist;
import io.eager4j.data.RealData;
import io.eager4j.parallel.DataParallel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeedMnistTest {
    private final StringWriter printed = new StringWriter();

    private SeedMnist seed(int logEvery) {
        return new SeedMnist(new SeedMnist.Config(1, 2, 150, 0.75, 1e-3, 0, Device.cpu(), logEvery, false, false, DataParallel.single(), Checkpointing.NONE,
                new PrintWriter(printed, true), List.of(), v -> {}));
    }

    @Test
    void softmaxLossKnownAnswerAndTheSeedsUnscaledGradient() {
        // row 0: equal logits, softmax 1/3 each; row 1: logits (0, ln 3, 0), softmax (1/5, 3/5, 1/5)
        float ln3 = (float) Math.log(3);
        Tensor logits = Tensor.of(new float[] {0, 0, 0, 0, ln3, 0}, 2, 3);
        Tensor y = Tensor.of(new float[] {1, 0, 0, 0, 1, 0}, 2, 3);
        Tensor loss;
        Tensor grad;
        try (GradientTape tape = new GradientTape()) {
            tape.watch(logits);
            // times 5: the seed's gradient ignores dy, so this must not change it
            loss = seed(1).softmaxLoss(logits, y).mul(5);
            grad = tape.gradient(loss, logits);
        }
        // mean over all 6 elements of -log(sm) * y = (ln 3 + ln 5/3) / 6 = ln 5 / 6
        assertEquals(5 * Math.log(5) / 6, loss.item(), 1e-6);
        float[] expected = {1 / 3f - 1, 1 / 3f, 1 / 3f, 1 / 5f, 3 / 5f - 1, 1 / 5f};   // sm - y, not divided by 6
        assertArrayEquals(expected, grad.toFloatArray(), 1e-6f);
        // printed by the op's forward at step 0, as the seed does every 500 steps
        List<String> lines = printed.toString().lines().toList();
        assertEquals(3, lines.size(), lines.toString());
        assertEquals("step: 0", lines.get(0));
        assertEquals("accuracy = 1.0", lines.get(1));   // argmax of equal values is the first: right for row 0
        assertEquals(Math.log(5) / 6, Float.parseFloat(lines.get(2).substring("loss = ".length())), 1e-6);
    }

    @Test
    void clipsLogitsToPlusMinus20() {
        Tensor logits = Tensor.of(new float[] {1000, -1000}, 1, 2);
        Tensor y = Tensor.of(new float[] {0, 1}, 1, 2);
        // clipped: softmax of (20, -20) puts e^-40 on the true class, then clipped to 1e-10: -ln(1e-10) / 2
        assertEquals(-Math.log(1e-10) / 2, seed(1000).softmaxLoss(logits, y).item(), 1e-4);
    }

    @Test
    void variablesAreTheSeedsGlorotUniformW0b0W1b1() {
        Rng.setSeed(3);
        List<Variable> vars = seed(1).variables();
        assertEquals(List.of("W0", "b0", "W1", "b1"), vars.stream().map(Variable::name).toList());
        int[][] shapes = {{784, 150}, {150}, {150, 10}, {10}};
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(shapes[i], vars.get(i).shape());
            double limit = Initializers.glorotLimit(shapes[i]);
            float max = 0;
            for (float v : vars.get(i).toFloatArray()) max = Math.max(max, Math.abs(v));
            assertTrue(max <= limit && max > (shapes[i].length == 2 ? 0.9 : 0.5) * limit, vars.get(i).name() + " max " + max + " limit " + limit);
        }
    }

    @Test
    void batchAccuracyIsComputedWhenLoggedOrWhenAListenerNeedsIt() {
        DataSets mnist = Mnist.readDataSets(RealData.folder(Dataset.MNIST, "EAGER4J_DATA", null), true);
        List<Double> quiet = new ArrayList<>(), alone = new ArrayList<>(), every = new ArrayList<>();
        SeedMnist.Listener needs = new SeedMnist.Listener() {
            @Override public void step(int step, double loss, double accuracy) { every.add(accuracy); }
            @Override public boolean needsBatchAccuracy() { return true; }
        };
        SeedMnist.train(mnist, config(4, List.of((step, loss, accuracy) -> alone.add(accuracy))));
        SeedMnist.train(mnist, config(4, List.of((step, loss, accuracy) -> quiet.add(accuracy), needs)));
        // logged every 2 steps: only those have it, unless a listener needs every step's
        assertTrue(alone.get(0) >= 0 && Double.isNaN(alone.get(1)) && alone.get(2) >= 0 && Double.isNaN(alone.get(3)), alone.toString());
        assertEquals(quiet, every);
        assertTrue(every.stream().allMatch(a -> a >= 0 && a <= 1), every.toString());
        assertEquals(alone.get(0), every.get(0));   // same seed, same batches: the same numbers
    }

    @Test
    void tracedTrainingPrintsAndEndsBitForBitAsEager() {
        List<String> runs = new ArrayList<>();
        List<List<float[]>> weights = new ArrayList<>();
        for (boolean trace : new boolean[] {false, true}) {
            DataSets mnist = Mnist.readDataSets(RealData.folder(Dataset.MNIST, "EAGER4J_DATA", null), true);   // same batches
            StringWriter out = new StringWriter();
            List<Double> losses = new ArrayList<>();
            var c = new SeedMnist.Config(25, 32, 150, 0.75, 1e-3, 1, Device.cpu(), 10, false, trace, DataParallel.single(), Checkpointing.NONE, new PrintWriter(out, true),
                    List.of((step, loss, accuracy) -> losses.add(loss)), v -> {});
            SeedMnist.Result r = SeedMnist.train(mnist, c);
            runs.add(out + " losses " + losses + " test " + r.testAccuracy());
            weights.add(r.variables().stream().map(Tensor::toFloatArray).toList());
        }
        assertEquals(runs.get(0), runs.get(1));
        assertTrue(runs.get(1).contains("step: 20\naccuracy = "), runs.get(1));
        for (int i = 0; i < 4; i++) assertArrayEquals(weights.get(0).get(i), weights.get(1).get(i));
    }

    private static SeedMnist.Config config(int steps, List<SeedMnist.Listener> listeners) {
        return new SeedMnist.Config(steps, 32, 150, 0.75, 1e-3, 1, Device.cpu(), 2, false, false, DataParallel.single(), Checkpointing.NONE,
                new PrintWriter(Writer.nullWriter()), listeners, v -> {});
    }
}
