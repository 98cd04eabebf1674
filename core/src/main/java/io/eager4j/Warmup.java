package io.eager4j;

import io.eager4j.nn.NN;
import io.eager4j.optim.Adam;
import io.eager4j.optim.Optimizer;

/**
 * Trains two small MLPs on a daemon thread when the CPU device opens, so the JIT has compiled the tape,
 * the common ops and their kernels before a user's first steps need them, instead of running them
 * interpreted; on the CLI this overlaps loading the data. With {@code -Deager4j.warmup=traced} (what
 * {@code --trace} sets) it then replays a traced step of the smaller one, so that the replay path is
 * compiled too. Its own thread, tape, generator and variables: nothing it does is visible. Skipped on
 * one core and with {@code -Deager4j.warmup=false}.
 */
final class Warmup {
    private Warmup() {}

    static void start() {
        String mode = System.getProperty("eager4j.warmup", "true");
        if (!mode.equals("false") && Runtime.getRuntime().availableProcessors() > 1) {
            boolean traced = mode.equals("traced");
            Thread.ofPlatform().daemon().name("eager4j-warm-up").priority(Thread.MIN_PRIORITY).start(() -> run(traced));
        }
    }

    /**
     * The warm-up itself; true when it ran to the end. {@code traced}: then 1500 replays of a traced step
     * too. Measured on the seed's --trace, 3 alternating pairs: 2.05-2.11 -> 1.89-1.94 s, though they run
     * into its first steps; the eager seed gained nothing from them (2.03-2.15 against 2.02-2.20 s).
     */
    static boolean run(boolean traced) {
        try {
            Rng rng = new Rng(1);
            // small: 784x150 in batches of 32 (the split-GEMM path) measured 0.2 s slower on the CLI, +6 MiB RSS
            int hid = 32, bat = 16;
            Variable w0 = Variable.create("warm-up/W0", 784, hid), b0 = Variable.create("warm-up/b0", hid);
            Variable w1 = Variable.create("warm-up/W1", hid, 10), b1 = Variable.create("warm-up/b1", 10);
            Tensor x = rng.uniform(0, 1, bat, 784), y = rng.uniform(0, 1, bat, 10).argmax(1).oneHot(10);
            Optimizer adam = new Adam(1e-3);
            for (int step = 0; step < 150; step++) {   // 60, 150, 400 measured: 150 best, 400 ran into training
                adam.minimize(() -> {
                    Tensor h = NN.dropout(x.matmul(w0).add(b0).relu(), 0.75, rng);
                    return NN.softmaxCrossEntropy(h.matmul(w1).add(b1), y).mean();
                }).item();
            }
            tinySteps(rng);
            if (traced) tracedSteps(rng);
            return true;
        } catch (RuntimeException e) {
            return false;   // only a head start: the user's own code meets any real problem and reports it
        }
    }

    /**
     * Many cheap steps, so the dispatch path and the kernels are called often enough for C2 (a method
     * needs some hundreds of calls; 150 steps left most of them to C1 until well into training), with a
     * custom-gradient loss built from the other common ops (clip, log, argmax, equal, cast). Measured on
     * the seed, 10 alternating runs: the first 50 steps 5.9 -> 4.0 ms each, the 3000 3.21 -> 3.12 s.
     */
    private static void tinySteps(Rng rng) {
        Tiny m = new Tiny("V", rng);
        for (int step = 0; step < 600; step++) m.adam.minimize(() -> m.loss(m.x, m.y, true)).item();
    }

    /** The tiny MLP's step as a {@link Traced} function, replayed: the replay's own code and buffer plan. */
    private static void tracedSteps(Rng rng) {
        Tiny m = new Tiny("T", rng);
        Traced step = Traced.of((x, y) -> m.adam.minimize(() -> m.loss(x, y, false))).named("warm-up");
        for (int i = 0; i < 1500; i++) step.call(m.x, m.y).item();
    }

    /** A 16-8-4 MLP with the seed's custom-gradient loss, built from the other common ops. */
    private static final class Tiny {
        final Variable w0, b0, w1, b1;
        final Tensor x, y;
        final Optimizer adam = new Adam(1e-3);
        final Rng rng;

        Tiny(String name, Rng rng) {
            this.rng = rng;
            w0 = Variable.create("warm-up/" + name + "0", 16, 8);
            b0 = Variable.create("warm-up/" + name + "b0", 8);
            w1 = Variable.create("warm-up/" + name + "1", 8, 4);
            b1 = Variable.create("warm-up/" + name + "b1", 4);
            x = rng.uniform(0, 1, 4, 16);
            y = rng.uniform(0, 1, 4, 4).argmax(1).oneHot(4);
        }

        /** {@code readAccuracy}: also reads the batch accuracy on the host, as logged eager steps do (not in a trace). */
        Tensor loss(Tensor x, Tensor y, boolean readAccuracy) {
            Tensor logits = NN.dropout(x.matmul(w0).add(b0).relu(), 0.75, rng).matmul(w1).add(b1);
            return CustomGradient.apply("warm-up/loss", in -> {
                Tensor sm = NN.softmax(in[0].clip(-20, 20), 1);
                if (readAccuracy) sm.argmax(1).equal(in[1].argmax(1)).cast(DType.FLOAT32).mean().item();
                Tensor loss = sm.clip(1e-10, 1).log().neg().mul(in[1]).mean();
                return CustomGradient.result(loss, dy -> new Tensor[] {sm.sub(in[1]), null});
            }, logits, y);
        }
    }
}
