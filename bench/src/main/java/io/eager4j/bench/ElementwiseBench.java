package io.eager4j.bench;

import io.eager4j.Rng;
import io.eager4j.Tensor;
import io.eager4j.internal.Fused;
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
 * Elementwise ops at the seed's shapes, µs per op: logits [128, 10], the hidden layer [128, 150]
 * and W0 [784, 150] (Adam's largest update).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class ElementwiseBench {
    @Param({"128x10", "128x150", "784x150"})
    String shape;
    Tensor x, y, row, column, positive, m, v;

    @Setup
    public void setup() {
        String[] d = shape.split("x");
        int rows = Integer.parseInt(d[0]), cols = Integer.parseInt(d[1]);
        Rng rng = new Rng(1);
        x = rng.uniform(-1, 1, rows, cols);
        y = rng.uniform(-1, 1, rows, cols);
        row = rng.uniform(-1, 1, cols);
        column = rng.uniform(-1, 1, rows, 1);
        positive = rng.uniform(0.01, 2, rows, cols);
        m = Tensor.zeros(rows, cols).add(0.01);   // moments of their own: Adam may update them in place
        v = Tensor.zeros(rows, cols).add(0.001);
    }

    @Benchmark public Tensor add() { return x.add(y); }
    @Benchmark public Tensor addRowBroadcast() { return x.add(row); }
    @Benchmark public Tensor subColumn() { return x.sub(column); }
    @Benchmark public Tensor exp() { return x.exp(); }
    @Benchmark public Tensor log() { return positive.log(); }
    @Benchmark public Tensor relu() { return x.relu(); }
    @Benchmark public Tensor greaterScalar() { return x.greater(0); }
    @Benchmark public Tensor sumRows() { return x.sum(1); }
    @Benchmark public Tensor dropoutMask() { return new Rng(2).uniform(0, 1, x.shape()).less(0.75); }
    @Benchmark public Tensor uniform() { return new Rng(2).uniform(0, 1, x.shape()); }
    @Benchmark public Tensor dropout() { return io.eager4j.nn.NN.dropout(x, 0.75, new Rng(2)); }

    /** One fused Adam step, its moments carried to the next call as the optimizer does. */
    @Benchmark
    public Tensor adam() {
        Tensor[] r = Fused.ops().adam(x, m, v, y, 1e-3, 0.9, 0.999, 1e-8);
        m = r[1];
        v = r[2];
        return r[0];
    }
}
