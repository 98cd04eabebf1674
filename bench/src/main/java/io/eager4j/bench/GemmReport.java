package io.eager4j.bench;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link GemmBench} and prints median GFLOP/s per shape and provider, with java as a share of
 * OpenBLAS. {@code java -cp bench/target/benchmarks.jar io.eager4j.bench.GemmReport [regexp]}
 */
public final class GemmReport {
    private GemmReport() {}

    public static void main(String[] args) throws RunnerException {
        String include = args.length > 0 ? args[0] : GemmBench.class.getSimpleName();
        Collection<RunResult> results = new Runner(new OptionsBuilder().include(include).build()).run();
        Map<String, Map<String, Double>> gflops = new TreeMap<>();
        for (RunResult r : results) {
            String shape = r.getParams().getParam("shape");
            String provider = r.getParams().getParam("provider");
            double medianMicros = r.getPrimaryResult().getStatistics().getPercentile(50);
            double g = GemmBench.Shape.parse(shape).flops() / (medianMicros * 1e3);
            gflops.computeIfAbsent(shape, x -> new TreeMap<>()).put(provider, g);
        }
        System.out.printf("%n%-24s %14s %14s %8s%n", "shape (median GFLOP/s)", "openblas", "java", "java/ob");
        gflops.forEach((shape, byProvider) -> {
            double ob = byProvider.getOrDefault("openblas", Double.NaN);
            double java = byProvider.getOrDefault("java", Double.NaN);
            System.out.printf("%-24s %14.1f %14.1f %7.0f%%%n", shape, ob, java, 100 * java / ob);
        });
    }
}
