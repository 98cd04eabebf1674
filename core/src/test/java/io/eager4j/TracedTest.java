package io.eager4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eager4j.nn.AvgPool2D;
import io.eager4j.nn.BatchNorm;
import io.eager4j.nn.Conv2D;
import io.eager4j.nn.Dense;
import io.eager4j.nn.Dropout;
import io.eager4j.nn.Embedding;
import io.eager4j.nn.Flatten;
import io.eager4j.nn.Layer;
import io.eager4j.nn.MaxPool2D;
import io.eager4j.nn.NN;
import io.eager4j.nn.Padding;
import io.eager4j.nn.Sequential;
import io.eager4j.optim.Adam;
import io.eager4j.optim.AdamW;
import io.eager4j.optim.Momentum;
import io.eager4j.optim.Optimizer;
import io.eager4j.optim.RMSProp;
import io.eager4j.optim.SGD;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Traced and eager training give the same bits (the trace's semantics and errors: TracedSemanticsTest). */
class TracedTest {
    @org.junit.jupiter.api.BeforeEach
    void fuseEverything() {
        TraceFusion.minElements = 0;   // the small test models' ops too, so the fused kernels are what is compared
    }

    @AfterEach
    void reset() {
        TracePlan.poisonFreed = false;
        TraceFusion.enabled = true;
        TraceFusion.minElements = 1 << 16;
    }

    /** The seed's model: matmul, bias, relu, dropout, a custom-gradient loss, Adam. */
    static final class Mlp {
        final Variable w0, b0, w1, b1;
        final Optimizer adam = new Adam(1e-3);

        Mlp(DType dtype) {
            Rng.setSeed(7);
            w0 = new Variable("W0", Initializers.glorotUniform().create(new int[] {20, 16}, dtype, Rng.current()));
            b0 = new Variable("b0", Tensor.zeros(dtype, 16));
            w1 = new Variable("W1", Initializers.glorotUniform().create(new int[] {16, 5}, dtype, Rng.current()));
            b1 = new Variable("b1", Tensor.zeros(dtype, 5));
        }

        Tensor loss(Tensor x, Tensor y) {
            Tensor h = NN.dropout(x.matmul(w0).add(b0).relu(), 0.75, Rng.current());
            Tensor logits = h.matmul(w1).add(b1);
            return CustomGradient.apply("softmax_loss", in -> {
                Tensor sm = NN.softmax(in[0].clip(-20, 20), 1);
                Tensor loss = sm.clip(1e-10, 1).log().neg().mul(in[1]).mean();
                return CustomGradient.result(loss, dy -> new Tensor[] {sm.sub(in[1]), null});
            }, logits, y);
        }

        Tensor step(Tensor x, Tensor y) {
            return adam.minimize(() -> loss(x, y));
        }

        List<Tensor> state() {
            return List.of(w0, b0, w1, b1);
        }
    }

    /** Batches from their own generator, the same for every run. */
    static List<Tensor[]> batches(DType dtype, int steps, int n) {
        Rng data = new Rng(99);
        List<Tensor[]> out = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            Tensor x = data.uniform(dtype, 0, 1, n, 20);
            Tensor y = data.uniform(dtype, 0, 1, n, 5).argmax(1).oneHot(5).cast(dtype);
            out.add(new Tensor[] {x, y});
        }
        return out;
    }

    /** Losses of each step, then every state tensor, as bits. */
    static List<Object> run(List<Tensor[]> data, BiFunction<Tensor, Tensor, Tensor> step, Supplier<List<Tensor>> state) {
        List<Object> out = new ArrayList<>();
        for (Tensor[] b : data) out.add(step.apply(b[0], b[1]).toDoubleArray());
        for (Tensor t : state.get()) out.add(t.toDoubleArray());
        out.add(Rng.current().offset());
        return out;
    }

    static void assertSameBits(List<Object> eager, List<Object> traced) {
        assertEquals(eager.size(), traced.size());
        for (int i = 0; i < eager.size(); i++) {
            if (eager.get(i) instanceof double[] e) {
                assertArrayEquals(e, (double[]) traced.get(i), 0.0, "entry " + i);   // 0.0: bit for bit (NaN == NaN)
            } else {
                assertEquals(eager.get(i), traced.get(i), "entry " + i);
            }
        }
    }

    @Test
    void seedMlpTrainsBitForBitAsEager() {
        List<Tensor[]> data = batches(DType.FLOAT32, 12, 32);
        Mlp e = new Mlp(DType.FLOAT32);
        List<Object> eager = run(data, e::step, e::state);
        Mlp t = new Mlp(DType.FLOAT32);
        Traced step = Traced.of(t::step);
        List<Object> traced = run(data, step::call, t::state);
        assertSameBits(eager, traced);
        assertEquals(1, step.traces());
        assertEquals(12, t.adam.steps());
        String ops = step.listing(data.get(0));
        assertTrue(ops.contains("biasRelu") && ops.contains("reluGrad") && ops.contains("adam") && ops.contains("dropout"), ops);
        // the logits' bias add and clip; x - max and exp; the loss's clip, log, neg and mul (sm itself has two readers)
        assertTrue(ops.contains("fused 2 elementwise ops") && ops.contains("fused 4 elementwise ops"), ops);
    }

    /** Every unary op, clip, and binary ops in every layout (main operand first and second), across block edges. */
    static Tensor chain(Tensor x, Tensor row, Tensor col) {
        Tensor t = x.add(row).mul(col).sub(0.25).abs().add(0.01).sqrt().neg().exp().clip(0.05, 0.95).log();
        t = Tensor.scalar(0.5).sub(t).maximum(row).minimum(col.add(2)).pow(row.abs().add(0.5)).div(col.add(3));
        return t.tanh().mul(3).sigmoid().sub(0.6).relu().add(t.sign().mul(0));
    }

    @Test
    void elementwiseChainsFuseIntoOnePassWithTheSameBits() {
        for (int[] s : new int[][] {{5, 7}, {3, 700}}) {
            Rng r = new Rng(s[1]);
            Tensor row = r.normal(0, 1, s[1]), col = r.uniform(0, 1, s[0], 1);
            Traced f = Traced.of((Tensor x) -> chain(x, row, col));
            for (int call = 0; call < 3; call++) {
                Tensor x = r.normal(0, 1, s);
                assertArrayEquals(chain(x, row, col).toFloatArray(), f.call(x).toFloatArray(), "shape " + java.util.Arrays.toString(s) + ", call " + call);
            }
            String ops = f.listing(Tensor.zeros(s));
            assertTrue(ops.contains("fused") && !ops.contains("unary") && !ops.contains("clip"), ops);
        }
    }

    @Test
    void float64OnTheReferenceBackendTooAndFusionOffGivesTheSame() {
        try (var ref = Device.cpuWith(new io.eager4j.internal.ReferenceBackend()).use()) {
            List<Tensor[]> data = batches(DType.FLOAT64, 6, 8);
            Mlp e = new Mlp(DType.FLOAT64);
            List<Object> eager = run(data, e::step, e::state);
            TraceFusion.enabled = false;
            Mlp t = new Mlp(DType.FLOAT64);
            assertSameBits(eager, run(data, Traced.of(t::step)::call, t::state));
        }
    }

    @Test
    void freedBuffersPoisonedChangeNothingAndThePlanReuses() {
        TracePlan.poisonFreed = true;
        List<Tensor[]> data = batches(DType.FLOAT32, 8, 32);
        Mlp e = new Mlp(DType.FLOAT32);
        List<Object> eager = run(data, e::step, e::state);
        Mlp t = new Mlp(DType.FLOAT32);
        Traced step = Traced.of(t::step);
        assertSameBits(eager, run(data, step::call, t::state));
        int[] counts = step.program(data.get(0)).plan().counts();
        assertTrue(counts[1] > counts[0], "the plan should serve more allocations than it holds arrays: " + counts[0] + " / " + counts[1]);
    }

    @Test
    void variablesAreUpdatedInPlaceButNeverInArraysSomebodyHolds() {
        List<Tensor[]> data = batches(DType.FLOAT32, 8, 16);
        Mlp t = new Mlp(DType.FLOAT32);
        Traced step = Traced.of(t::step);
        List<float[]> arrays = new ArrayList<>();
        Tensor held = null;
        float[] heldCopy = null, momentCopy = null;
        Tensor moment = null;
        for (int i = 0; i < 6; i++) {
            step.call(data.get(i));
            arrays.add((float[]) io.eager4j.internal.Alloc.arrayOf(t.w0.buffer));
            if (i == 3) {
                held = t.w0.value();   // a value somebody keeps: later steps must not write into it
                heldCopy = held.toFloatArray();
                moment = t.adam.slotTensors(java.util.Map.of("w0", t.w0)).get("w0/slot0");   // a checkpoint's read of Adam's state
                momentCopy = moment.toFloatArray();
            }
        }
        assertArrayEquals(heldCopy, held.toFloatArray());
        assertArrayEquals(momentCopy, moment.toFloatArray(), "a moment read between replays keeps its values");
        for (int i = 2; i < 6; i++) assertTrue(arrays.get(i) == arrays.get(1), "W0 updated in place from the first replay on, step " + i);
        float[] init = new float[20 * 16];
        java.util.Arrays.fill(init, 0.5f);
        Tensor assigned = Tensor.of(init, 20, 16);
        t.w0.assign(assigned);   // from outside: the next step reads it, and must not write into it
        step.call(data.get(6));
        assertArrayEquals(init, assigned.toFloatArray());
        assertTrue(io.eager4j.internal.Alloc.arrayOf(t.w0.buffer) != io.eager4j.internal.Alloc.arrayOf(assigned.buffer));
        step.call(data.get(7));
        assertArrayEquals(init, assigned.toFloatArray());
    }

    /** Every layer kind and primitive: conv, pools, batch norm, embedding, tanh, sigmoid, sparse loss. */
    static final class Everything {
        final Embedding embed;
        final Sequential conv;
        final Dense head;
        final Optimizer opt;

        Everything(Optimizer opt) {
            Rng.setSeed(3);
            embed = new Embedding(10, 4);
            // a ReLU conv and its max pool (one op), batch norm, a ReLU conv alone (another), an average pool
            conv = new Sequential(new Conv2D(4, 6, 3, Padding.SAME, NN.RELU), new MaxPool2D(2), new BatchNorm(6),
                    new Conv2D(6, 5, 2, Padding.VALID, NN.RELU), new AvgPool2D(2, Padding.SAME), new Flatten(), new Dropout(0.3));
            head = new Dense(5, 3, Tensor::tanh);
            this.opt = opt;
        }

        Tensor step(Tensor tokens, Tensor labels) {
            return opt.minimize(() -> {
                Tensor x = embed.apply(tokens).reshape(-1, 6, 6, 4);
                Tensor logits = head.apply(conv.apply(x)).sigmoid().mul(3);
                return NN.sparseSoftmaxCrossEntropy(logits, labels).mean();
            });
        }

        List<Tensor> state() {
            List<Tensor> s = new ArrayList<>(embed.parameters());
            s.addAll(conv.parameters());
            s.addAll(conv.namedState().values());
            s.addAll(head.parameters());
            return s;
        }
    }

    static List<Tensor[]> tokens(int steps) {
        Rng data = new Rng(5);
        List<Tensor[]> out = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            Tensor t = data.uniform(0, 10, 3 * 36).cast(DType.INT32).reshape(3 * 36);
            out.add(new Tensor[] {t, data.uniform(0, 3, 3).cast(DType.INT32)});
        }
        return out;
    }

    @Test
    void everyPrimitiveAndOptimizerTrainsBitForBit() {
        List<Tensor[]> data = tokens(5);
        for (Supplier<Optimizer> opt : List.<Supplier<Optimizer>>of(() -> new Adam(0.01), () -> new Momentum(0.1, 0.9, true),
                () -> new RMSProp(0.01), () -> new SGD(0.05), () -> new AdamW(0.01, 0.1))) {
            Everything e = new Everything(opt.get());
            List<Object> eager = run(data, e::step, e::state);
            Everything t = new Everything(opt.get());
            assertSameBits(eager, run(data, Traced.of(t::step)::call, t::state));
        }
    }

    @Test
    void trainingModeIsPartOfTheSignature() {
        List<Tensor[]> data = tokens(4);
        Everything e = new Everything(new Adam(0.01));
        List<Object> eager = alternatingModes(data, e, e::step);
        Everything t = new Everything(new Adam(0.01));
        Traced step = Traced.of(t::step);
        assertSameBits(eager, alternatingModes(data, t, step::call));
        assertEquals(2, step.traces());
    }

    private static List<Object> alternatingModes(List<Tensor[]> data, Everything m, BiFunction<Tensor, Tensor, Tensor> step) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            if (i % 2 == 0) m.conv.train(); else m.conv.eval();
            out.add(step.apply(data.get(i)[0], data.get(i)[1]).toDoubleArray());
        }
        out.addAll(run(List.of(), step, m::state));
        return out;
    }

    @Test
    void aNewBatchSizeTracesAgainAndTheOldTraceStays() {
        Mlp t = new Mlp(DType.FLOAT32);
        Traced step = Traced.of(t::step);
        for (int n : new int[] {16, 16, 8, 16, 8}) step.call(batches(DType.FLOAT32, 1, n).get(0));
        assertEquals(2, step.traces());
    }

    @Test
    void higherOrderGradientsInsideATrace() {
        Rng.setSeed(1);
        Variable w = new Variable("w", Rng.current().normal(0, 1, 4, 3));
        Traced hvp = Traced.of(x -> {
            try (GradientTape outer = new GradientTape()) {
                Tensor g;
                try (GradientTape inner = new GradientTape()) {
                    g = inner.gradient(x.matmul(w).tanh().sum(), w);
                }
                return outer.gradient(g.mul(g).sum(), w);
            }
        });
        for (int i = 0; i < 3; i++) {
            Tensor x = new Rng(i).normal(0, 1, 2, 4);
            double[] traced = hvp.call(x).toDoubleArray();
            Tensor g;
            Tensor expect;
            try (GradientTape outer = new GradientTape()) {
                try (GradientTape inner = new GradientTape()) {
                    g = inner.gradient(x.matmul(w).tanh().sum(), w);
                }
                expect = outer.gradient(g.mul(g).sum(), w);
            }
            assertArrayEquals(expect.toDoubleArray(), traced, 0.0);
        }
    }

    /** A user kernel (Java bodies, forward and backward) inside a traced training step. */
    @Test
    void customKernelsTrainInsideATraceBitForBit() {
        CustomKernel square = CustomKernelCpuTest.square();
        List<Tensor[]> data = batches(DType.FLOAT32, 5, 8);
        List<List<Object>> runs = new ArrayList<>();
        for (boolean traced : new boolean[] {false, true}) {
            Rng.setSeed(2);
            Variable w = new Variable("w", Rng.current().normal(0, 0.3, 20, 5));
            Adam adam = new Adam(0.01);
            BiFunction<Tensor, Tensor, Tensor> step = (x, y) -> adam.minimize(() -> square.apply(x.matmul(w)).mul(y).mean());
            runs.add(run(data, traced ? Traced.of(step)::call : step, () -> List.of(w)));
        }
        assertSameBits(runs.get(0), runs.get(1));
    }

    @Test
    void twoThreadsEachReplayTheirOwnTrace() throws Exception {
        List<Tensor[]> data = batches(DType.FLOAT32, 10, 16);
        Mlp e = new Mlp(DType.FLOAT32);
        List<Object> eager = run(data, e::step, e::state);
        List<List<Object>> results = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    Mlp t = new Mlp(DType.FLOAT32);
                    results.add(run(data, Traced.of(t::step)::call, t::state));
                } catch (Throwable x) {
                    errors.add(x);
                }
            }));
        }
        for (Thread th : threads) th.join();
        assertEquals(List.of(), errors);
        for (List<Object> r : results) assertSameBits(eager, r);
        assertNotEquals(0, results.size());
    }
}
