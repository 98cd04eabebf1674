package io.eager4j.bench;

import io.eager4j.Device;
import io.eager4j.data.DataSets;
import io.eager4j.data.Mnist;
import io.eager4j.examples.SeedMnist;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The seed workload: trains SeedMnist on real MNIST (EAGER4J_DATA or the cache) and prints the
 * training time of {@code steps} steps, data loading excluded, and the median ms/step of 500-step
 * windows after the first (warm-up) window.
 * <pre>java -cp bench/target/benchmarks.jar io.eager4j.bench.SeedWorkload [steps] [seed] [trace]</pre>
 */
public final class SeedWorkload {
    private SeedWorkload() {}

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
        boolean trace = args.length > 2 && args[2].equals("trace");
        if (trace && System.getProperty("eager4j.warmup") == null) System.setProperty("eager4j.warmup", "traced");   // as --trace does
        Device cpu = Device.cpu();   // starts the backend (and its warm-up) before the data loads, as the CLI does
        DataSets mnist = Mnist.readDataSets(null, true);
        long[] stamps = new long[steps + 1];
        int[] n = {0};
        SeedMnist.Listener timer = new SeedMnist.Listener() {
            @Override public void started(int total) { stamps[n[0]++] = System.nanoTime(); }
            @Override public void step(int step, double loss, double accuracy) { stamps[n[0]++] = System.nanoTime(); }
            @Override public void finished() { }
        };
        SeedMnist.Config d = SeedMnist.Config.defaults();
        SeedMnist.Config config = new SeedMnist.Config(steps, d.batchSize(), d.hidden(), d.keepProb(), d.learningRate(), seed,
                cpu, d.logEvery(), false, trace, d.parallel(), d.checkpoints(), new PrintWriter(Writer.nullWriter()), java.util.List.of(timer), vars -> {});
        SeedMnist.Result r = SeedMnist.train(mnist, config);
        int windows = steps / 500;
        double[] ms = new double[Math.max(0, windows - 1)];
        for (int w = 1; w < windows; w++) ms[w - 1] = msPerStep(stamps, w, 500);
        System.out.println("ms/step per 500-step window:" + windows(stamps, 500, windows));
        System.out.println("ms/step per 50-step window of the first 500 (warm-up):" + windows(stamps, 50, Math.min(10, steps / 50)));
        System.out.println("ms of each of the first 20 steps:" + windows(stamps, 1, Math.min(20, steps)));
        Arrays.sort(ms);
        System.out.printf("seed workload: %d steps in %.2f s; median %.3f ms/step (500-step windows after the first); test accuracy %.4f%n",
                steps, r.trainSeconds(), ms.length > 0 ? ms[ms.length / 2] : Double.NaN, r.testAccuracy());
    }

    /** Mean ms per step over window {@code w} of {@code width} steps. */
    private static double msPerStep(long[] stamps, int w, int width) {
        return (stamps[(w + 1) * width] - stamps[w * width]) / 1e6 / width;
    }

    private static String windows(long[] stamps, int width, int count) {
        StringBuilder b = new StringBuilder();
        for (int w = 0; w < count; w++) b.append(String.format(" %.3f", msPerStep(stamps, w, width)));
        return b.toString();
    }
}
