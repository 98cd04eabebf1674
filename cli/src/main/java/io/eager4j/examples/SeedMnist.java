package io.eager4j.examples;

import io.eager4j.CustomGradient;
import io.eager4j.DType;
import io.eager4j.Device;
import io.eager4j.GradientTape;
import io.eager4j.Rng;
import io.eager4j.Tensor;
import io.eager4j.Traced;
import io.eager4j.Variable;
import io.eager4j.data.Batch;
import io.eager4j.data.DataSet;
import io.eager4j.data.DataSets;
import io.eager4j.data.Mnist;
import io.eager4j.nn.NN;
import io.eager4j.optim.Adam;
import io.eager4j.optim.Optimizer;
import io.eager4j.parallel.DataParallel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The seed program: TensorFlow 1.4's eager MNIST example in Java, as close to the Python as Java
 * allows. An MLP 784-150-10 (ReLU, dropout keeping 75% while training) learns through a custom
 * softmax loss with a hand-written gradient, trained by Adam for 3000 steps of 128 images, then
 * scored on the validation and test sets. One file: copy it and change it.
 * <pre>{@code
 * bin/eager4j train-mnist                                        # runs this very code
 * java --add-modules jdk.incubator.vector -cp ... io.eager4j.examples.SeedMnist [mnist-folder]
 * }</pre>
 */
public final class SeedMnist {
    private final Config config;
    private final Variable W0, b0, W1, b1;   // named like the seed's tf.get_variable('W0', ...)
    private int step;                        // the seed's global step: softmax_loss prints from it
    private double batchAccuracy;            // of the latest forward (NaN unless logged or a listener needs it)
    private final boolean everyAccuracy;     // a listener wants every step's batch accuracy
    private boolean tracedAccuracy;          // --trace: the step being traced returns its batch accuracy
    private Tensor accuracy;                 // ... as this tensor

    SeedMnist(Config config) {   // package-private for tests; train() is the way in
        this.config = config;
        everyAccuracy = config.listeners().stream().anyMatch(Listener::needsBatchAccuracy);
        W0 = Variable.create("W0", 784, config.hidden());   // Glorot uniform, get_variable's default
        b0 = Variable.create("b0", config.hidden());
        W1 = Variable.create("W1", config.hidden(), 10);
        b1 = Variable.create("b1", 10);
    }

    /** The seed's custom op: softmax cross-entropy whose gradient is simply {@code sm - y}. */
    Tensor softmaxLoss(Tensor logits, Tensor labels) {
        return CustomGradient.apply("softmax_loss", in -> {
            Tensor x = in[0].clip(-20, 20);
            Tensor y = in[1];
            Tensor sm = NN.softmax(x, 1);
            Tensor loss = sm.clip(1e-10, 1).log().neg().mul(y).mean();   // mean over ALL elements, as the seed
            boolean log = step % config.logEvery() == 0;
            if (config.trace()) {   // no host reads inside a traced step: trainTraced prints after it
                accuracy = tracedAccuracy ? sm.argmax(1).equal(y.argmax(1)).cast(DType.FLOAT32).mean() : null;
                return CustomGradient.result(loss, dy -> new Tensor[] {sm.sub(y), null});
            }
            // five more ops a step (~15 us of ~750): only when printed or asked for
            batchAccuracy = log || everyAccuracy ? sm.argmax(1).equal(y.argmax(1)).cast(DType.FLOAT32).mean().item() : Double.NaN;
            if (log) print(batchAccuracy, loss.item());
            // exactly the seed's gradient: unscaled by the mean's 1/N, and dy ignored
            return CustomGradient.result(loss, dy -> new Tensor[] {sm.sub(y), null});
        }, logits, labels);
    }

    /** The seed's three lines for a logged step (over several replicas, their means: the global batch's). */
    private void print(double accuracy, double loss) {
        accuracy = config.parallel().mean(accuracy);
        loss = config.parallel().mean(loss);
        config.out().println("step: " + step);
        config.out().println("accuracy = " + (float) accuracy);
        config.out().println("loss = " + (float) loss);
    }

    /** 784 pixels -> hidden ReLU units (dropout) -> 10 logits. */
    Tensor model(Tensor x, double keepProb) {
        Tensor h = x.matmul(W0).add(b0).relu();
        h = NN.dropout(h, keepProb, Rng.current());
        return h.matmul(W1).add(b1);
    }

    /** The seed's defaults, printing to standard output. */
    public static void main(String[] args) {
        Config config = Config.defaults();   // opens the device first: it warms up while the data loads
        DataSets mnist = Mnist.readDataSets(args.length > 0 ? Path.of(args[0]) : null, true);
        Result r = train(mnist, config);
        System.out.println("validation accuracy = " + r.validationAccuracy());
        System.out.println("test accuracy = " + r.testAccuracy());
        System.out.printf("training time = %.1f s%n", r.trainSeconds());
    }

    /** Trains on {@code mnist.train()} (one-hot labels) and scores the result; see {@link Config}. */
    public static Result train(DataSets mnist, Config config) {
        Rng.setSeed(config.seed());
        try (var d = config.device().use()) {
            SeedMnist m = new SeedMnist(config);
            config.onCreated().accept(m.variables());
            DataParallel dp = config.parallel();   // one process unless Spark runs several
            Optimizer optimizer = dp.wrap(new Adam(config.learningRate()));
            int first = config.checkpoints().resume(m.state(), optimizer);
            for (int i = 0; i < first; i++) mnist.train().nextBatch(config.batchSize()).close();   // the data where it stopped
            config.listeners().forEach(l -> l.started(config.steps()));
            long start = System.nanoTime();
            if (config.trace()) {
                m.trainTraced(mnist, optimizer, first);
                return m.finish(mnist, start);
            }
            for (m.step = first; m.step < config.steps(); m.step++) {
                try (Batch batch = mnist.train().nextBatch(config.batchSize())) {   // closed: the next batch is drawn into its array
                    Tensor x = dp.shard(batch.images());   // this replica's rows of the global batch
                    Tensor y = dp.shard(batch.labels());
                    Tensor loss = config.checkNumerics()
                            ? m.minimizeChecked(optimizer, x, y)
                            : optimizer.minimize(() -> m.softmaxLoss(m.model(x, config.keepProb()), y));
                    double value = dp.mean(loss.item());
                    for (Listener l : config.listeners()) l.step(m.step, value, m.batchAccuracy);
                    config.checkpoints().after(m.step + 1, m.state(), optimizer);
                }
            }
            return m.finish(mnist, start);
        }
    }

    private Result finish(DataSets mnist, long start) {
        double seconds = (System.nanoTime() - start) / 1e9;
        config.listeners().forEach(Listener::finished);
        if (!config.parallel().isChief()) return new Result(Double.NaN, Double.NaN, seconds, variables());   // rank 0 scores
        return new Result(accuracy(mnist.validation()), accuracy(mnist.test()), seconds, variables());
    }

    /**
     * {@code --trace}: the same step as a {@link Traced} function, recorded once and replayed. Steps
     * that print (or feed a listener) run a second trace that also returns the batch accuracy.
     */
    private void trainTraced(DataSets mnist, Optimizer optimizer, int first) {
        Traced[] traced = new Traced[2];
        for (int withAccuracy = 0; withAccuracy < 2; withAccuracy++) {
            boolean acc = withAccuracy == 1;
            traced[withAccuracy] = Traced.ofAll(xy -> {
                tracedAccuracy = acc;
                Tensor loss = optimizer.minimize(() -> softmaxLoss(model(xy[0], config.keepProb()), xy[1]));
                return new Tensor[] {loss, accuracy};
            });
        }
        for (step = first; step < config.steps(); step++) {
            try (Batch batch = mnist.train().nextBatch(config.batchSize())) {   // closed: the next batch is drawn into its array
                boolean log = step % config.logEvery() == 0;
                Tensor[] r = traced[log || everyAccuracy ? 1 : 0].callAll(batch.images(), batch.labels());
                double loss = r[0].item();
                batchAccuracy = r[1] == null ? Double.NaN : r[1].item();
                if (log) print(batchAccuracy, loss);
                for (Listener l : config.listeners()) l.step(step, loss, batchAccuracy);
                config.checkpoints().after(step + 1, state(), optimizer);
            }
        }
    }

    // ---- what the command line adds: configuration, scoring, --check-numerics

    /** Share of {@code set} classified right, without dropout. */
    double accuracy(DataSet set) {
        long correct = 0;
        try (var ng = GradientTape.noGrad()) {
            for (Batch b : set.batches(1000, false)) {
                Tensor logits = model(b.images(), 1.0);   // softmax keeps the argmax, so skip it
                correct += (long) logits.argmax(1).equal(b.labels().argmax(1)).cast(DType.FLOAT32).sum().item();
            }
        }
        return (double) correct / set.numExamples();
    }

    List<Variable> variables() {
        return List.of(W0, b0, W1, b1);
    }

    /** The variables by name, for checkpoints. */
    private Map<String, Variable> state() {
        Map<String, Variable> byName = new LinkedHashMap<>();
        for (Variable v : variables()) byName.put(v.name(), v);
        return byName;
    }

    /** {@code optimizer.minimize}, spelled out so the loss, logits, gradients and new values can be checked. */
    private Tensor minimizeChecked(Optimizer optimizer, Tensor x, Tensor y) {
        Tensor loss;
        List<Variable> vars;
        Tensor[] grads;
        try (GradientTape tape = new GradientTape()) {
            Tensor logits = model(x, config.keepProb());
            requireFinite(logits, "the logits (relu(x·W0 + b0)·W1 + b1, dropout applied)");
            loss = softmaxLoss(logits, y);
            requireFinite(loss, "the loss (output of softmax_loss)");
            vars = tape.watchedVariables();
            grads = tape.gradient(loss, vars.toArray(new Tensor[0]));
        }
        for (int i = 0; i < grads.length; i++) {
            requireFinite(grads[i], "the gradient of " + vars.get(i).name());
        }
        optimizer.applyGradients(vars, Arrays.asList(grads));
        for (Variable v : vars) {
            requireFinite(v, v.name() + " after the Adam update");
        }
        return loss;
    }

    private void requireFinite(Tensor t, String what) {
        if (t == null) return;
        float[] v = t.toFloatArray();
        int nan = 0, inf = 0, first = -1;
        for (int i = 0; i < v.length; i++) {
            if (Float.isFinite(v[i])) continue;
            if (Float.isNaN(v[i])) nan++; else inf++;
            if (first < 0) first = i;
        }
        if (first >= 0) {
            throw new ArithmeticException("check-numerics: NaN or infinity in " + what + " at step " + step + ": "
                    + nan + " NaN, " + inf + " infinite of " + v.length + " (first at flat index " + first
                    + " of shape " + Arrays.toString(t.shape()) + "); try a smaller --learning-rate");
        }
    }

    /**
     * Hears about training: {@link #step} runs once per step, after the update. Its batch accuracy is NaN
     * except at logged steps, unless a listener says it {@link #needsBatchAccuracy}.
     */
    public interface Listener {
        default void started(int steps) {}

        void step(int step, double loss, double batchAccuracy);

        /** True to get every step's batch accuracy (it costs a few ops a step). */
        default boolean needsBatchAccuracy() {
            return false;
        }

        default void finished() {}
    }

    /**
     * One run's settings. {@code seed} seeds {@link Rng} (initial values, dropout); {@code parallel}
     * makes this process one replica of a data-parallel run ({@code batchSize} is then the global
     * batch); {@code checkpoints} resumes and saves the run's state; {@code onCreated} sees the fresh
     * variables before the first step (to restore a checkpoint into them).
     */
    public record Config(int steps, int batchSize, int hidden, double keepProb, double learningRate, long seed,
                         Device device, int logEvery, boolean checkNumerics, boolean trace, DataParallel parallel,
                         Checkpointing checkpoints, PrintWriter out, List<Listener> listeners, Consumer<List<Variable>> onCreated) {
        public Config {
            listeners = List.copyOf(listeners);
        }

        /** The seed's: 3000 steps of 128, 150 hidden units, keep 0.75, Adam 1e-3, seed 0, CPU, log every 500. */
        public static Config defaults() {
            return new Config(3000, 128, 150, 0.75, 1e-3, 0, Device.cpu(), 500, false, false, DataParallel.single(),
                    Checkpointing.NONE, new PrintWriter(System.out, true), List.of(), vars -> {});
        }
    }

    /** Accuracies (fractions in [0, 1]), seconds spent in the steps (data loading excluded), the trained variables. */
    public record Result(double validationAccuracy, double testAccuracy, double trainSeconds, List<Variable> variables) {}
}
