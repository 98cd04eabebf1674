package io.eager4j.bench;

import io.eager4j.Device;
import io.eager4j.Rng;
import io.eager4j.Tensor;
import io.eager4j.Traced;
import io.eager4j.data.Batch;
import io.eager4j.data.DataSets;
import io.eager4j.data.Mnist;
import io.eager4j.examples.MnistCnn;
import io.eager4j.nn.NN;
import io.eager4j.nn.Sequential;
import io.eager4j.optim.Adam;
import java.util.Arrays;

/**
 * The CNN workload: MnistCnn's training step on real MNIST batches of 128, without scoring, and
 * its images/s over windows of 20 steps after a warm-up window: the whole step, for comparing
 * builds and JVM flags. With {@code trace}, the step is a {@link Traced} function (recorded once,
 * replayed after).
 * <pre>java -cp bench/target/benchmarks.jar io.eager4j.bench.CnnWorkload [steps] [seed] [trace]</pre>
 */
public final class CnnWorkload {
    private CnnWorkload() {}

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
        boolean trace = args.length > 2 && args[2].equals("trace");
        if (trace && System.getProperty("eager4j.warmup") == null) System.setProperty("eager4j.warmup", "traced");   // as --trace does
        Device.cpu();
        DataSets mnist = Mnist.readDataSets(null, true);
        Rng.setSeed(seed);
        Sequential model = MnistCnn.model();
        Adam adam = new Adam(1e-3);
        Traced step = Traced.of((x, y) -> adam.minimize(() -> NN.softmaxCrossEntropy(model.apply(x), y).mean()));
        int window = 20, windows = steps / window;
        double[] ips = new double[windows];
        for (int w = 0; w < windows; w++) {
            long start = System.nanoTime();
            for (int s = 0; s < window; s++) {
                try (Batch b = mnist.train().nextBatch(128)) {   // closed: the next batch is drawn into its array
                    Tensor x = b.images().reshape(-1, 28, 28, 1), y = b.labels();
                    (trace ? step.call(x, y) : adam.minimize(() -> NN.softmaxCrossEntropy(model.apply(x), y).mean())).item();
                }
            }
            ips[w] = window * 128 / ((System.nanoTime() - start) / 1e9);
        }
        System.out.println("images/s per " + window + "-step window:" + Arrays.toString(Arrays.stream(ips).map(v -> Math.round(v)).toArray()));
        double[] warm = Arrays.copyOfRange(ips, 1, ips.length);
        Arrays.sort(warm);
        System.out.printf("cnn workload%s: %d steps; median %.1f images/s (windows after the first)%n", trace ? " (traced)" : "", steps,
                warm.length > 0 ? warm[warm.length / 2] : Double.NaN);
    }
}
