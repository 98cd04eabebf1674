package io.eager4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eager4j.DType;
import io.eager4j.Device;
import io.eager4j.GradientTape;
import io.eager4j.Rng;
import io.eager4j.Tensor;
import io.eager4j.Variable;
import io.eager4j.nn.NN;
import io.eager4j.nn.Padding;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Forward values and gradients of every differentiable op on gpu:0 against the CPU (the reference
 * backend in this module's tests), in float64 and float32, through the public API: one row per op.
 * Skips without a GPU.
 */
class GpuGradientTest {
    record Row(String name, Function<Tensor[], Tensor> fn, boolean positive, int[]... shapes) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Row row(String name, Function<Tensor[], Tensor> fn, int[]... shapes) {
        return new Row(name, fn, false, shapes);
    }

    static int[] s(int... dims) {
        return dims;
    }

    static List<Row> table() {
        return List.of(
                row("add broadcast", in -> in[0].add(in[1]), s(13, 7), s(7)),
                row("sub broadcast", in -> in[0].sub(in[1]), s(13, 7), s(13, 1)),
                row("mul broadcast", in -> in[0].mul(in[1]), s(129, 1), s(1, 13)),
                new Row("div", in -> in[0].div(in[1]), true, s(7, 13), s(13)),
                new Row("pow", in -> in[0].pow(in[1]), true, s(13), s(13)),
                row("maximum / minimum", in -> in[0].maximum(in[1]).add(in[0].minimum(in[1])), s(1031), s(1031)),
                row("neg exp", in -> in[0].neg().exp(), s(1031)),
                new Row("log sqrt", in -> in[0].log().add(in[0].sqrt()), true, s(129)),
                row("relu abs", in -> in[0].relu().add(in[0].abs()), s(7, 13)),
                row("clip", in -> in[0].clip(-0.25, 0.25), s(1031)),
                row("sum all", in -> in[0].sum(), s(13, 129)),
                row("sum axes keepDims", in -> in[0].sum(new int[] {0, 2}, true), s(7, 13, 3)),
                row("mean axis -1", in -> in[0].mean(-1), s(129, 13)),
                row("max axis 0", in -> in[0].max(0), s(13, 7)),
                row("transpose", in -> in[0].transpose().mul(in[1]), s(7, 13), s(13, 7)),
                row("permute 3-d", in -> in[0].permute(2, 0, 1).exp(), s(3, 7, 13)),
                row("broadcastTo", in -> in[0].broadcastTo(4, 7, 13).mul(in[0]), s(7, 1)),
                row("slice", in -> in[0].slice(new int[] {1, 2}, new int[] {5, -1}).exp(), s(7, 13)),
                row("concat", in -> Tensor.concat(1, in[0], in[1].exp(), in[0]), s(7, 1), s(7, 13)),
                row("matmul", in -> in[0].matmul(in[1]), s(129, 1031), s(1031, 13)),
                row("matmul 1x1", in -> in[0].matmul(in[1]), s(1, 7), s(7, 1)),
                row("matmul batched", in -> in[0].matmul(in[1]), s(3, 13, 7), s(3, 7, 129)),
                row("matmul of transposes", in -> in[0].transpose().matmul(in[1].transpose()), s(1031, 13), s(7, 1031)),
                row("where", in -> Tensor.where(in[0].greater(0), in[0].mul(in[1]), in[1].exp()), s(13, 7), s(7)),
                row("softmax", in -> NN.softmax(in[0], 1), s(129, 10)),
                row("logSoftmax", in -> NN.logSoftmax(in[0], -1), s(13, 10)),
                row("softmaxCrossEntropy", in -> NN.softmaxCrossEntropy(in[0], NN.softmax(in[1], 1)), s(128, 10), s(128, 10)),
                row("dense relu", in -> NN.dense(in[0], in[1], in[2]).relu(), s(128, 784), s(784, 150), s(150)),
                row("tanh sigmoid", in -> in[0].tanh().add(in[0].sigmoid()), s(1031)),
                row("conv2d 3x3 SAME", in -> NN.conv2d(in[0], in[1], new int[] {1, 1}, Padding.SAME), s(2, 7, 5, 3), s(3, 3, 3, 4)),
                row("conv2d 5x5 stride 2 SAME", in -> NN.conv2d(in[0], in[1], new int[] {2, 2}, Padding.SAME), s(3, 13, 13, 2), s(5, 5, 2, 5)),
                row("conv2d 1x1 VALID", in -> NN.conv2d(in[0], in[1], new int[] {1, 1}, Padding.VALID), s(1, 4, 4, 7), s(1, 1, 7, 3)),
                row("conv2d + bias + relu + max pool 2x2 SAME (Sequential's one op)", in -> io.eager4j.internal.Fused.ops().conv2dBiasReluMaxPool(in[0], in[1], in[2],
                        new int[] {1, 1}, true, new int[] {2, 2}, new int[] {2, 2}, true), s(3, 7, 5, 1), s(5, 5, 1, 32), s(32)),
                row("conv2d 3x3 + bias + relu + max pool 3x3 VALID stride 3", in -> io.eager4j.internal.Fused.ops().conv2dBiasReluMaxPool(in[0], in[1], in[2],
                        new int[] {1, 1}, true, new int[] {3, 3}, new int[] {3, 3}, false), s(2, 7, 6, 3), s(3, 3, 3, 5), s(5)),
                row("maxPool2d 2x2 VALID", in -> NN.maxPool2d(in[0], new int[] {2, 2}, new int[] {2, 2}, Padding.VALID), s(2, 8, 6, 3)),
                row("maxPool2d 3x3 stride 2 SAME", in -> NN.maxPool2d(in[0], new int[] {3, 3}, new int[] {2, 2}, Padding.SAME), s(1, 7, 7, 2)),
                row("avgPool2d 3x3 stride 2 SAME", in -> NN.avgPool2d(in[0], new int[] {3, 3}, new int[] {2, 2}, Padding.SAME), s(2, 7, 5, 3)),
                row("gather repeated rows", in -> in[0].gather(Tensor.of(new int[] {12, 0, 3, 12, 5}, 5).to(in[0].device()), 0).exp(), s(13, 7)),
                row("sparseSoftmaxCrossEntropy", in -> NN.sparseSoftmaxCrossEntropy(in[0], Tensor.of(new int[] {9, 0, 3, 7}, 4).to(in[0].device())), s(4, 10)),
                row("batchNorm (training)", in -> NN.batchNorm(in[0], in[1], in[2],
                        new Variable("mm", Tensor.zeros(in[0].dtype(), 5).to(in[0].device()), false),
                        new Variable("mv", Tensor.ones(in[0].dtype(), 5).to(in[0].device()), false), true, 0.99, 1e-3), s(16, 5), s(5), s(5)));
    }

    static Stream<Arguments> rows() {
        return table().stream().flatMap(r -> Stream.of(Arguments.of(r, DType.FLOAT64), Arguments.of(r, DType.FLOAT32)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("rows")
    void forwardAndGradientMatchTheCpu(Row r, DType dtype) {
        Device gpu = GpuSupport.device();
        Rng rng = new Rng(r.name().hashCode());
        Tensor[] cpu = new Tensor[r.shapes().length], dev = new Tensor[cpu.length];
        for (int i = 0; i < cpu.length; i++) {
            Tensor u = rng.uniform(dtype, -1, 1, r.shapes()[i]);
            cpu[i] = r.positive() ? u.abs().add(0.5) : u;
            dev[i] = cpu[i].to(gpu);
        }
        Tensor[] want = run(r, cpu), got = run(r, dev);
        assertEquals(gpu, got[0].device(), r.name() + " left the GPU");
        double tol = dtype == DType.FLOAT64 ? 1e-10 : 2e-4;
        close(r.name() + " forward", want[0], got[0], tol);
        for (int i = 1; i < want.length; i++) close(r.name() + " gradient " + (i - 1), want[i], got[i], tol);
    }

    /** {value, gradient of sum(value) for each input}. */
    static Tensor[] run(Row r, Tensor[] x) {
        try (var tape = new GradientTape()) {
            tape.watch(x);
            Tensor y = r.fn().apply(x);
            Tensor[] g = tape.gradient(y.sum(), x);
            Tensor[] out = new Tensor[g.length + 1];
            out[0] = y;
            System.arraycopy(g, 0, out, 1, g.length);
            return out;
        }
    }

    static void close(String what, Tensor expected, Tensor actual, double tol) {
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        assertEquals(e.length, a.length, what);
        for (int i = 0; i < e.length; i++) {
            assertTrue(Math.abs(e[i] - a[i]) <= tol * (1 + Math.abs(e[i])), what + " element " + i + ": cpu " + e[i] + ", gpu " + a[i]);
        }
    }
}
