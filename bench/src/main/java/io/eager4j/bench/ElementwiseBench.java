package io.eager4j.bench;

import io.eager4j.Rng;
import io.eager4j.Tensor;
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

/** Elementwise throughput on the seed's hidden layer [128, 150] and a 1M-element tensor (µs per op). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class ElementwiseBench {
    @Param({"19200", "1048576"})
    int size;
    Tensor x, y, row;

    @Setup
    public void setup() {
        Rng rng = new Rng(1);
        x = rng.uniform(-1, 1, size / 128, 128);
        y = rng.uniform(-1, 1, size / 128, 128);
        row = rng.uniform(-1, 1, 128);
    }

    @Benchmark public Tensor add() { return x.add(y); }
    @Benchmark public Tensor addRowBroadcast() { return x.add(row); }
    @Benchmark public Tensor exp() { return x.exp(); }
    @Benchmark public Tensor relu() { return x.relu(); }
    @Benchmark public Tensor sumRows() { return x.sum(1); }
    @Benchmark public Tensor dropoutMask() { return new Rng(2).uniform(0, 1, size).less(0.75); }
}
