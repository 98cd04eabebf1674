package io.eager4j.bench;

import io.eager4j.internal.Backend;
import io.eager4j.internal.Buffer;
import io.eager4j.internal.CpuBuffer;
import io.eager4j.internal.Window;
import io.eager4j.DType;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CNN's convolutions on the CPU backend (im2col tiles over both cores), ms per call at its two
 * shapes for a batch of 128: conv1 [128, 28, 28, 1] * [5, 5, 1, 32] and conv2 [128, 14, 14, 32] *
 * [5, 5, 32, 64], SAME. GFLOP/s = 2 * positions * patch * filters / time (conv1 0.161, conv2 2.57 GFLOP).
 * {@code pooled*}: the layer with its bias, ReLU and 2x2 max pool as the CNN runs it (one op; the
 * backward with the input gradient for conv2, without for conv1, as in training).
 * <pre>java -jar bench/target/benchmarks.jar ConvBench</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmn200m"})
public class ConvBench {
    @Param({"conv1", "conv2"})
    String layer;
    Backend cpu;
    Window g, pool;
    int co;
    Buffer x, f, dy, bias, dp;
    Buffer[] pooled;

    static Buffer values(int n, long seed) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return new CpuBuffer(a);
    }

    @Setup
    public void setup() {
        cpu = io.eager4j.internal.CpuBackends.select();   // the CPU device's backend: fast, GEMM split over the workers
        boolean first = layer.equals("conv1");
        int[] shape = first ? new int[] {128, 28, 28, 1} : new int[] {128, 14, 14, 32};
        co = first ? 32 : 64;
        g = Window.of(layer, shape, 5, 5, 1, 1, true);
        x = values(128 * shape[1] * shape[2] * shape[3], 1);
        f = values(g.patch() * co, 2);
        dy = values(g.positions() * co, 3);
        bias = values(co, 4);
        pool = Window.of("maxPool2d", g.outputShape(co), 2, 2, 2, 2, true);
        dp = values(pool.positions() * co, 5);
        pooled = cpu.conv2dBiasReluMaxPool(DType.FLOAT32, x, f, bias, g, pool, co);
    }

    @Benchmark public Buffer forward() { return cpu.conv2d(DType.FLOAT32, x, f, g, co); }
    @Benchmark public Buffer inputGradient() { return cpu.conv2dInputGrad(DType.FLOAT32, dy, f, g, co); }
    @Benchmark public Buffer filterGradient() { return cpu.conv2dFilterGrad(DType.FLOAT32, x, dy, g, co); }
    @Benchmark public Buffer[] pooledForward() { return cpu.conv2dBiasReluMaxPool(DType.FLOAT32, x, f, bias, g, pool, co); }
    @Benchmark public Buffer[] pooledBackward() {
        return cpu.conv2dBiasReluMaxPoolGrad(DType.FLOAT32, x, f, dp, pooled[0], pooled[1], g, pool, co, layer.equals("conv2"));
    }
}
