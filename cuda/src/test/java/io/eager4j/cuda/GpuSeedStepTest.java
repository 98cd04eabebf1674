package io.eager4j.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eager4j.CustomGradient;
import io.eager4j.Device;
import io.eager4j.Rng;
import io.eager4j.Tensor;
import io.eager4j.Traced;
import io.eager4j.Variable;
import io.eager4j.nn.NN;
import io.eager4j.optim.Adam;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The seed's training step (784-150-10 MLP, dropout 0.75 from Philox, custom softmax loss with
 * gradient sm - y, Adam) run on gpu:0 and on the CPU from the same seed: same dropout masks, so
 * the losses and the trained weights agree to float32 rounding. Skips without a GPU.
 */
class GpuSeedStepTest {
    record Run(List<Double> losses, List<float[]> weights, String replays) {}

    static Tensor softmaxLoss(Tensor logits, Tensor labels) {
        return CustomGradient.apply("softmax_loss", in -> {
            Tensor sm = NN.softmax(in[0].clip(-20, 20), 1);
            Tensor loss = sm.clip(1e-10, 1).log().neg().mul(in[1]).mean();
            return CustomGradient.result(loss, dy -> new Tensor[] {sm.sub(in[1]), null});
        }, logits, labels);
    }

    static Run train(Device device, float[] images, int[] labels, int steps) {
        return train(device, images, labels, steps, false);
    }

    static Run train(Device device, float[] images, int[] labels, int steps, boolean traced) {
        Rng.setSeed(1234);
        try (var scope = device.use()) {
            Variable w0 = Variable.create("W0", 784, 150), b0 = Variable.create("b0", 150);
            Variable w1 = Variable.create("W1", 150, 10), b1 = Variable.create("b1", 10);
            Tensor x = Tensor.of(images, 128, 784);
            Tensor y = Tensor.of(labels, 128).oneHot(10);
            Adam adam = new Adam(1e-3);
            List<Double> losses = new ArrayList<>();
            java.util.function.BiFunction<Tensor, Tensor, Tensor> step = (xs, ys) -> adam.minimize(() -> {
                Tensor h = xs.matmul(w0).add(b0).relu();
                h = NN.dropout(h, 0.75, Rng.current());
                return softmaxLoss(h.matmul(w1).add(b1), ys);
            });
            Traced replay = Traced.of(step);
            for (int s = 0; s < steps; s++) {
                Tensor loss = traced ? replay.call(x, y) : step.apply(x, y);
                assertEquals(device, loss.device());
                losses.add(loss.item());
            }
            List<float[]> weights = new ArrayList<>();
            for (Variable v : List.of(w0, b0, w1, b1)) weights.add(v.toFloatArray());
            return new Run(losses, weights, replay.toString());
        }
    }

    /** A batch of 128 random images and their labels, from {@code seed}. */
    static float[] images(long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] images = new float[128 * 784];
        for (int i = 0; i < images.length; i++) images[i] = r.nextFloat();
        return images;
    }

    static int[] labels(long seed) {
        java.util.Random r = new java.util.Random(~seed);
        int[] labels = new int[128];
        for (int i = 0; i < labels.length; i++) labels[i] = r.nextInt(10);
        return labels;
    }

    /** Replays on the GPU run the same kernels on the same values: the same bits as eager steps there. */
    @Test
    void tracedStepsOnGpuGiveTheEagerBits() {
        Device gpu = GpuSupport.device();
        float[] images = images(8);
        int[] labels = labels(8);
        Run eager = train(gpu, images, labels, 4, false), traced = train(gpu, images, labels, 4, true);
        assertTrue(traced.replays().contains("one CUDA graph"), traced.replays());
        assertEquals(eager.losses(), traced.losses());
        for (int v = 0; v < 4; v++) assertArrayEquals(eager.weights().get(v), traced.weights().get(v));
    }

    /** A graph overwrites its buffers at each launch: values taken from its variables must not change. */
    @Test
    void valuesHeldAcrossGraphLaunchesStayAndOutsideAssignmentsAreRead() {
        Device gpu = GpuSupport.device();
        try (var scope = gpu.use()) {
            Variable w = new Variable("w", Tensor.of(new float[] {1, 2, 3}, 3));
            Adam adam = new Adam(0.1);
            Traced step = Traced.of(x -> adam.minimize(() -> x.mul(w).sum()));
            Tensor x = Tensor.of(new float[] {1, -1, 2}, 3);
            step.call(x);
            step.call(x);
            assertTrue(step.toString().contains("one CUDA graph"), step.toString());
            Tensor held = w.value();
            float[] before = held.toFloatArray();
            step.call(x);
            step.call(x);
            assertArrayEquals(before, held.toFloatArray());
            assertTrue(w.toFloatArray()[0] < before[0], "the variable itself moves on");
            w.assign(Tensor.of(new float[] {10, 20, 30}, 3));
            Tensor loss = step.call(x);
            assertEquals(10 - 20 + 60, loss.item(), 1e-6);   // the loss before this step's update, from the assigned value
        }
    }

    /** What cannot be in a graph (here a tensor made from a Java array inside the step) replays op by op, still right. */
    @Test
    void aStepThatCannotBeAGraphReplaysOpByOp() {
        Device gpu = GpuSupport.device();
        try (var scope = gpu.use()) {
            Traced f = Traced.of(x -> x.add(Tensor.of(new float[] {1, 2, 3}, 3)));
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(new float[] {1 + i, 2 + i, 3 + i}, f.call(Tensor.full(io.eager4j.DType.FLOAT32, i, 3)).toFloatArray());
            }
            assertTrue(f.toString().contains("op by op"), f.toString());
        }
    }

    @Test
    void seedStepsOnGpuMatchTheCpu() {
        Device gpu = GpuSupport.device();
        float[] images = images(7);
        int[] labels = labels(7);
        Run cpu = train(Device.cpu(), images, labels, 5), dev = train(gpu, images, labels, 5);
        for (int s = 0; s < cpu.losses().size(); s++) {
            double e = cpu.losses().get(s), a = dev.losses().get(s);
            assertTrue(Math.abs(e - a) <= 1e-5 * (1 + Math.abs(e)), "loss at step " + s + ": cpu " + e + ", gpu " + a);
        }
        assertTrue(cpu.losses().get(4) < cpu.losses().get(0), "the seed step should reduce the loss: " + cpu.losses());
        String[] names = {"W0", "b0", "W1", "b1"};
        for (int v = 0; v < names.length; v++) {
            float[] e = cpu.weights().get(v), a = dev.weights().get(v);
            for (int i = 0; i < e.length; i++) {
                assertTrue(Math.abs(e[i] - a[i]) <= 1e-5, names[v] + "[" + i + "] after 5 steps: cpu " + e[i] + ", gpu " + a[i]);
            }
        }
    }
}
