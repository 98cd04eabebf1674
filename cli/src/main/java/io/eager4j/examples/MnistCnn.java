package io.eager4j.examples;

import io.eager4j.DType;
import io.eager4j.Device;
import io.eager4j.GradientTape;
import io.eager4j.Rng;
import io.eager4j.Tensor;
import io.eager4j.Traced;
import io.eager4j.data.Batch;
import io.eager4j.data.DataSet;
import io.eager4j.data.DataSets;
import io.eager4j.data.Mnist;
import io.eager4j.nn.Conv2D;
import io.eager4j.nn.Dense;
import io.eager4j.nn.Dropout;
import io.eager4j.nn.Flatten;
import io.eager4j.nn.Layer;
import io.eager4j.nn.MaxPool2D;
import io.eager4j.nn.NN;
import io.eager4j.nn.Padding;
import io.eager4j.nn.Sequential;
import io.eager4j.optim.Adam;
import io.eager4j.optim.Optimizer;
import io.eager4j.parallel.DataParallel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * TensorFlow's "Deep MNIST for Experts" convolutional network with the layer API: conv 5x5x32
 * SAME + ReLU + max-pool 2x2, conv 5x5x64 SAME + ReLU + max-pool 2x2, dense 3136 -> 1024 + ReLU,
 * dropout (keep 0.5), dense 1024 -> 10; softmax cross-entropy, Adam 1e-3, batches of 128 from
 * the 55,000 training images. One file: copy it and change it.
 * <pre>{@code
 * bin/eager4j train-cnn                                          # runs this very code
 * java --add-modules jdk.incubator.vector -cp ... io.eager4j.examples.MnistCnn [mnist-folder]
 * }</pre>
 */
public final class MnistCnn {
    private MnistCnn() {}

    /** The network; its parameters are conv1.kernel, conv1.bias, conv2.*, dense1.*, dense2.*. */
    public static Sequential model() {
        return new Sequential(
                new Conv2D(1, 32, 5, Padding.SAME, NN.RELU), new MaxPool2D(2, Padding.SAME),
                new Conv2D(32, 64, 5, Padding.SAME, NN.RELU), new MaxPool2D(2, Padding.SAME),
                new Flatten(), new Dense(7 * 7 * 64, 1024, NN.RELU), new Dropout(0.5),
                new Dense(1024, 10));
    }

    /** Flat 784-pixel rows as NHWC images [n, 28, 28, 1]. */
    static Tensor images(Batch b) {
        return b.images().reshape(-1, 28, 28, 1);
    }

    public static void main(String[] args) {
        Config config = Config.defaults();
        DataSets mnist = Mnist.readDataSets(args.length > 0 ? Path.of(args[0]) : null, true);
        Result r = train(mnist, config);
        System.out.println("validation accuracy = " + r.validationAccuracy());
        System.out.println("test accuracy = " + r.testAccuracy());
        System.out.printf("training time = %.1f s%n", r.trainSeconds());
    }

    /** Trains on {@code mnist.train()} (one-hot labels) and scores the result on validation and test. */
    public static Result train(DataSets mnist, Config config) {
        Rng.setSeed(config.seed());
        try (var d = config.device().use()) {
            Sequential model = model();
            config.onCreated().accept(model);
            DataParallel dp = config.parallel();   // one process unless Spark runs several
            Optimizer adam = dp.wrap(new Adam(config.learningRate()));
            int first = config.checkpoints().resume(model.namedVariables(), adam);
            for (int i = 0; i < first; i++) mnist.train().nextBatch(config.batchSize()).close();   // the data where it stopped
            boolean every = config.listeners().stream().anyMatch(SeedMnist.Listener::needsBatchAccuracy);
            config.listeners().forEach(l -> l.started(config.steps()));
            // --trace: the same step recorded once and replayed (no host reads inside: accuracy is taken after)
            Traced traced = Traced.ofAll(xy -> step(model, adam, xy[0], xy[1]));
            long start = System.nanoTime();
            for (int step = first; step < config.steps(); step++) {
                try (Batch batch = mnist.train().nextBatch(config.batchSize())) {   // closed: the next batch is drawn into its array
                    Tensor x = dp.shard(images(batch)), y = dp.shard(batch.labels());   // this replica's rows
                    Tensor[] r = config.trace() ? traced.callAll(x, y) : step(model, adam, x, y);
                    double value = dp.mean(r[0].item());
                    if (config.checkNumerics()) requireFinite(step, value, model);
                    boolean log = step % config.logEvery() == 0;
                    double accuracy = log || every ? dp.mean(correct(r[1], y) / (double) y.dim(0)) : Double.NaN;
                    if (log) {
                        config.out().println("step: " + step);
                        config.out().println("accuracy = " + (float) accuracy);
                        config.out().println("loss = " + (float) value);
                    }
                    for (SeedMnist.Listener l : config.listeners()) l.step(step, value, accuracy);
                    config.checkpoints().after(step + 1, model.namedVariables(), adam);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            config.listeners().forEach(SeedMnist.Listener::finished);
            model.eval();
            if (!dp.isChief()) return new Result(Double.NaN, Double.NaN, seconds, model);   // rank 0 scores
            return new Result(accuracy(model, mnist.validation()), accuracy(model, mnist.test()), seconds, model);
        }
    }

    /** One Adam step: {loss, logits}. */
    private static Tensor[] step(Layer model, Optimizer adam, Tensor x, Tensor y) {
        Tensor[] logits = new Tensor[1];
        Tensor loss = adam.minimize(() -> {
            logits[0] = model.apply(x);
            return NN.softmaxCrossEntropy(logits[0], y).mean();
        });
        return new Tensor[] {loss, logits[0]};
    }

    private static long correct(Tensor logits, Tensor labels) {
        try (var ng = GradientTape.noGrad()) {
            return (long) logits.argmax(1).equal(labels.argmax(1)).cast(DType.FLOAT32).sum().item();
        }
    }

    /** Share of {@code set} classified right, in chunks of 250 images so memory stays bounded (~25 MB a layer). */
    public static double accuracy(Layer model, DataSet set) {
        long right = 0;
        try (var ng = GradientTape.noGrad()) {
            for (Batch b : set.batches(250, false)) right += correct(model.apply(images(b)), b.labels());
        }
        return (double) right / set.numExamples();
    }

    /** --check-numerics: the loss and every parameter after the update must be finite. */
    private static void requireFinite(int step, double loss, Layer model) {
        List<String> bad = new ArrayList<>();
        if (!Double.isFinite(loss)) bad.add("the loss (" + loss + ")");
        for (var e : model.namedParameters().entrySet()) {
            for (float v : e.getValue().toFloatArray()) {
                if (!Float.isFinite(v)) {
                    bad.add(e.getKey() + " after the Adam update");
                    break;
                }
            }
        }
        if (!bad.isEmpty()) {
            throw new ArithmeticException("check-numerics: NaN or infinity in " + String.join(", ", bad) + " at step " + step
                    + "; try a smaller --learning-rate");
        }
    }

    /**
     * One run's settings, as {@link SeedMnist.Config}'s; {@code onCreated} sees the fresh model before
     * the first step (to restore into it).
     */
    public record Config(int steps, int batchSize, double learningRate, long seed, Device device, int logEvery,
                         boolean checkNumerics, boolean trace, DataParallel parallel, Checkpointing checkpoints, PrintWriter out,
                         List<SeedMnist.Listener> listeners, Consumer<Layer> onCreated) {
        public Config {
            listeners = List.copyOf(listeners);
        }

        /** TF's tutorial: 2000 steps of 128 here (it ran 20,000 of 50), Adam 1e-3, seed 0, CPU, log every 100. */
        public static Config defaults() {
            return new Config(2000, 128, 1e-3, 0, Device.cpu(), 100, false, false, DataParallel.single(), Checkpointing.NONE,
                    new PrintWriter(System.out, true), List.of(), m -> {});
        }
    }

    /** Accuracies in [0, 1], seconds spent in the training steps, the trained model (in eval mode). */
    public record Result(double validationAccuracy, double testAccuracy, double trainSeconds, Layer model) {
        @Override
        public String toString() {
            return "validation " + validationAccuracy + ", test " + testAccuracy + ", " + trainSeconds + " s";
        }
    }
}
