package io.eager4j.bench;

import io.eager4j.GradientTape;
import io.eager4j.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Eager dispatch overhead: ns per op on 1-element tensors, with and without a recording tape. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class DispatchBench {
    static final int OPS = 1000;
    final Tensor a = Tensor.of(new float[] {1.5f}), b = Tensor.of(new float[] {0.25f});

    @Benchmark
    @OperationsPerInvocation(OPS)
    public Tensor addNoTape() {
        Tensor x = a;
        for (int i = 0; i < OPS; i++) x = x.add(b);
        return x;
    }

    /** Every op recorded on a fresh tape (a new tape per 1000 ops, as a training step would). */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public Tensor addRecorded() {
        try (GradientTape tape = new GradientTape()) {
            tape.watch(a);
            Tensor x = a;
            for (int i = 0; i < OPS; i++) x = x.add(b);
            return x;
        }
    }
}
