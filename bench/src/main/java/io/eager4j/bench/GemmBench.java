package io.eager4j.bench;

import io.eager4j.internal.cpu.Gemm;
import io.eager4j.internal.cpu.Gemms;
import io.eager4j.internal.cpu.OpenBlasLoader;
import java.util.SplittableRandom;
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
 * Single-thread SGEMM per provider at the seed's shapes (a step needs the first four, plus
 * dW1 = H^T . dZ) and 1024^3. Scores are microseconds per call; GFLOP/s = 2 m n k / (1000 * us),
 * which {@link GemmReport} prints. Shapes name the stored operands: {@code A128x784^T*B128x150} is
 * op(A) = the transpose of a stored 128x784 A.
 *
 * <pre>java -jar bench/target/benchmarks.jar GemmBench</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow"}) // the last quiets JMH's own Unsafe warnings
public class GemmBench {

    @Param({"openblas", "java"})
    public String provider;

    @Param({"A128x784*B784x150", "A128x784^T*B128x150", "A128x150*B150x10", "A128x10*B150x10^T",
            "A1024x1024*B1024x1024"})
    public String shape;

    private Gemm gemm;
    private Shape s;
    private float[] a;
    private float[] b;
    private float[] c;

    /** m x n x k and the transposes, parsed from the stored shapes. */
    public record Shape(int m, int n, int k, boolean transA, boolean transB) {
        public static Shape parse(String text) {
            String[] ops = text.split("\\*");
            int[] a = dims(ops[0]);
            int[] b = dims(ops[1]);
            boolean ta = ops[0].endsWith("^T");
            boolean tb = ops[1].endsWith("^T");
            int m = ta ? a[1] : a[0];
            int k = ta ? a[0] : a[1];
            int kb = tb ? b[1] : b[0];
            if (k != kb) {
                throw new IllegalArgumentException("matmul: shapes " + ops[0] + " and " + ops[1] + " cannot be multiplied");
            }
            return new Shape(m, tb ? b[0] : b[1], k, ta, tb);
        }

        private static int[] dims(String op) {
            String[] rc = op.substring(1).replace("^T", "").split("x");
            return new int[] {Integer.parseInt(rc[0]), Integer.parseInt(rc[1])};
        }

        public double flops() {
            return 2.0 * m * n * k;
        }
    }

    @Setup
    public void setUp() {
        gemm = Gemms.select(provider);
        if (!gemm.name().equals(provider)) { // never time a silent fallback
            throw new IllegalStateException("asked for " + provider + ", got " + gemm.name());
        }
        if (provider.equals("openblas")) {
            System.err.println("openblas: " + OpenBlasLoader.library().orElseThrow().file() + " ("
                    + OpenBlasLoader.library().orElseThrow().config() + ")");
        }
        s = Shape.parse(shape);
        SplittableRandom rnd = new SplittableRandom(1);
        a = random(s.m() * s.k(), rnd);
        b = random(s.k() * s.n(), rnd);
        c = new float[s.m() * s.n()];
    }

    @Benchmark
    public float[] sgemm() {
        gemm.sgemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), a, 0, b, 0, c, 0, false);
        return c;
    }

    private static float[] random(int size, SplittableRandom rnd) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return x;
    }
}
