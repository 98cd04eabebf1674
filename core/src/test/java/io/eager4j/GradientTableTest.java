package io.eager4j;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eager4j.nn.NN;
import io.eager4j.nn.Padding;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One table drives the gradient checks of every differentiable op: first order against float64
 * central differences, and second order (a Hessian-vector product through nested tapes) against
 * central differences of the first-order gradient. Adding an op means adding a row.
 */
class GradientTableTest {
    enum Domain { ANY, POSITIVE, AWAY_FROM_ZERO }

    record Row(String name, Function<Tensor[], Tensor> fn, Domain domain, int[]... shapes) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Row row(String name, Function<Tensor[], Tensor> fn, Domain d, int[]... shapes) {
        return new Row(name, fn, d, shapes);
    }

    static int[] s(int... dims) {
        return dims;
    }

    static List<Row> table() {
        Domain any = Domain.ANY, pos = Domain.POSITIVE, away = Domain.AWAY_FROM_ZERO;
        return List.of(
                row("add", in -> in[0].add(in[1]), any, s(2, 3), s(2, 3)),
                row("add broadcast [2,3]+[3]", in -> in[0].add(in[1]), any, s(2, 3), s(3)),
                row("add broadcast [2,1]+[1,3]", in -> in[0].add(in[1]), any, s(2, 1), s(1, 3)),
                row("sub broadcast", in -> in[0].sub(in[1]), any, s(2, 3), s(2, 1)),
                row("mul broadcast", in -> in[0].mul(in[1]), any, s(3, 1), s(1, 4)),
                row("mul same input twice", in -> in[0].mul(in[0]), any, s(5)),
                row("div broadcast", in -> in[0].div(in[1]), pos, s(2, 3), s(3)),
                row("pow", in -> in[0].pow(in[1]), pos, s(2, 3), s(2, 3)),
                row("pow scalar exponent", in -> in[0].pow(3), any, s(7)),
                row("maximum", in -> in[0].maximum(in[1]), any, s(2, 3), s(2, 3)),
                row("minimum broadcast", in -> in[0].minimum(in[1]), any, s(2, 3), s(1, 3)),
                row("neg", in -> in[0].neg(), any, s(13)),
                row("exp", in -> in[0].exp(), any, s(2, 3)),
                row("log", in -> in[0].log(), pos, s(2, 3)),
                row("sqrt", in -> in[0].sqrt(), pos, s(1, 7)),
                row("relu", in -> in[0].relu(), away, s(3, 4)),
                row("abs", in -> in[0].abs(), away, s(3, 4)),
                row("clip", in -> in[0].clip(-0.25, 0.25), away, s(4, 5)),
                row("sum all", in -> in[0].sum(), any, s(2, 3, 4)),
                row("sum axis 1", in -> in[0].sum(1), any, s(2, 3, 4)),
                row("sum axes keepDims", in -> in[0].sum(new int[] {0, 2}, true), any, s(2, 3, 4)),
                row("mean axis -1", in -> in[0].mean(-1), any, s(3, 5)),
                row("max axis 0", in -> in[0].max(0), any, s(4, 3)),
                row("max all keepDims", in -> in[0].max(new int[0], true), any, s(2, 5)),
                row("reshape", in -> in[0].reshape(3, -1).mul(in[0].reshape(3, 4)), any, s(2, 6)),
                row("transpose", in -> in[0].transpose().mul(in[1]), any, s(2, 3), s(3, 2)),
                row("permute 3-d", in -> in[0].permute(2, 0, 1).exp(), any, s(2, 3, 4)),
                row("broadcastTo", in -> in[0].broadcastTo(4, 2, 3).mul(in[0]), any, s(2, 1)),
                row("slice", in -> in[0].slice(new int[] {1, 0}, new int[] {2, -1}).exp(), any, s(4, 3)),
                row("concat axis 1", in -> Tensor.concat(1, in[0], in[1].exp(), in[0]), any, s(2, 2), s(2, 3)),
                row("matmul", in -> in[0].matmul(in[1]), any, s(3, 4), s(4, 5)),
                row("matmul 1x1 awkward", in -> in[0].matmul(in[1]), any, s(1, 7), s(7, 1)),
                row("matmul batched", in -> in[0].matmul(in[1]), any, s(2, 3, 4), s(2, 4, 2)),
                row("matmul of transposes", in -> in[0].transpose().matmul(in[1].transpose()), any, s(4, 3), s(5, 4)),
                row("matmul chain (second order through matmul)", in -> in[0].matmul(in[1]).mul(in[0].matmul(in[1])), any, s(2, 3), s(3, 2)),
                row("where", in -> Tensor.where(in[0].greater(0), in[0].mul(in[1]), in[1].exp()), away, s(3, 4), s(4)),
                row("cast through float64", in -> in[0].cast(DType.FLOAT64).mul(in[0]), any, s(3)),
                row("softmax", in -> NN.softmax(in[0], 1), any, s(3, 4)),
                row("dropout (fixed seed)", in -> NN.dropout(in[0], 0.75, new Rng(3)), any, s(4, 5)),
                row("logSoftmax", in -> NN.logSoftmax(in[0], -1), any, s(2, 5)),
                row("softmaxCrossEntropy", in -> NN.softmaxCrossEntropy(in[0], NN.softmax(in[1], 1)), any, s(3, 4), s(3, 4)),
                row("to cpu (identity copy)", in -> in[0].to(Device.cpu()).exp(), any, s(3)),
                row("tanh", in -> in[0].tanh(), any, s(2, 5)),
                row("biasRelu", in -> NN.biasRelu(in[0], in[1]).mul(in[0]), away, s(3, 4), s(4)),
                row("biasRelu on NHWC", in -> NN.biasRelu(in[0], in[1]), away, s(2, 2, 3, 2), s(2)),
                row("sigmoid", in -> in[0].sigmoid(), any, s(3, 3)),
                row("conv2d + bias + relu (Conv2D's one op)", in -> io.eager4j.internal.Fused.ops().conv2dBiasRelu(in[0], in[1], in[2], 1, 1, true),
                        away, s(2, 5, 4, 2), s(3, 3, 2, 3), s(3)),
                row("conv2d + bias + relu, 5x5 stride 2 on one channel", in -> io.eager4j.internal.Fused.ops().conv2dBiasRelu(in[0], in[1], in[2], 2, 2, true),
                        away, s(1, 7, 6, 1), s(5, 5, 1, 2), s(2)),
                row("conv2d + bias + relu + max pool 2x2 SAME (Sequential's one op)", in -> io.eager4j.internal.Fused.ops().conv2dBiasReluMaxPool(in[0], in[1], in[2],
                        s(1, 1), true, s(2, 2), s(2, 2), true), away, s(2, 5, 4, 2), s(3, 3, 2, 3), s(3)),
                row("conv2d 5x5 stride 2 + bias + relu + max pool 3x3 stride 2 (overlapping)", in -> io.eager4j.internal.Fused.ops().conv2dBiasReluMaxPool(in[0], in[1], in[2],
                        s(2, 2), true, s(3, 3), s(2, 2), false), away, s(1, 9, 10, 1), s(5, 5, 1, 2), s(2)),
                row("conv2d 3x3 SAME", in -> NN.conv2d(in[0], in[1], new int[] {1, 1}, Padding.SAME), any, s(2, 5, 4, 2), s(3, 3, 2, 3)),
                row("conv2d 2x3 stride 2 SAME (odd padding)", in -> NN.conv2d(in[0], in[1], new int[] {2, 2}, Padding.SAME), any, s(1, 5, 7, 2), s(2, 3, 2, 2)),
                row("conv2d 1x1 VALID", in -> NN.conv2d(in[0], in[1], new int[] {1, 1}, Padding.VALID), any, s(2, 3, 3, 3), s(1, 1, 3, 2)),
                row("conv2d 5x5 VALID batch 1", in -> NN.conv2d(in[0], in[1], new int[] {1, 1}, Padding.VALID), any, s(1, 6, 5, 1), s(5, 5, 1, 2)),
                row("conv2d then tanh (second order through conv)", in -> NN.conv2d(in[0], in[1], new int[] {1, 2}, Padding.SAME).tanh(), any, s(1, 4, 5, 2), s(3, 2, 2, 2)),
                row("maxPool2d 2x2 stride 2 VALID", in -> NN.maxPool2d(in[0], new int[] {2, 2}, new int[] {2, 2}, Padding.VALID), any, s(2, 4, 4, 3)),
                row("maxPool2d 3x3 stride 2 SAME", in -> NN.maxPool2d(in[0], new int[] {3, 3}, new int[] {2, 2}, Padding.SAME).mul(in[0].slice(new int[] {0, 0, 0, 0}, new int[] {1, 3, 3, 2})), any, s(1, 5, 5, 2)),
                row("avgPool2d 3x3 stride 2 SAME", in -> NN.avgPool2d(in[0], new int[] {3, 3}, new int[] {2, 2}, Padding.SAME), any, s(2, 5, 4, 2)),
                row("avgPool2d 2x2 VALID squared", in -> NN.avgPool2d(in[0], new int[] {2, 2}, new int[] {1, 1}, Padding.VALID).pow(2), any, s(1, 3, 4, 1)),
                row("gather axis 0, repeated indices", in -> in[0].gather(Tensor.of(new int[] {3, 0, 3, 1}, 4).to(in[0].device()), 0).exp(), any, s(4, 3)),
                row("gather axis 1, 2-d indices", in -> in[0].gather(Tensor.of(new int[] {4, 0, 2, 4}, 2, 2).to(in[0].device()), 1).mul(2), any, s(2, 5, 3)),
                row("sparseSoftmaxCrossEntropy", in -> NN.sparseSoftmaxCrossEntropy(in[0], Tensor.of(new int[] {4, 0, 2}, 3).to(in[0].device())), any, s(3, 5)),
                row("batchNorm (training)", in -> NN.batchNorm(in[0], in[1], in[2], new Variable("mm", Tensor.zeros(in[0].dtype(), 3).to(in[0].device()), false),
                        new Variable("mv", Tensor.ones(in[0].dtype(), 3).to(in[0].device()), false), true, 0.99, 1e-3), any, s(4, 3), s(3), s(3)),
                row("batchNorm (inference)", in -> NN.batchNorm(in[0], in[1], in[2], new Variable("mm", Tensor.full(in[0].dtype(), 0.5, 3).to(in[0].device()), false),
                        new Variable("mv", Tensor.full(in[0].dtype(), 2, 3).to(in[0].device()), false), false, 0.99, 1e-3), any, s(2, 2, 3), s(3), s(3)));
    }

    static Stream<Row> rows() {
        return table().stream();
    }

    static Tensor[] inputs(Row r, long seed) {
        Rng rng = new Rng(seed);
        Tensor[] in = new Tensor[r.shapes().length];
        for (int i = 0; i < in.length; i++) {
            Tensor u = rng.uniform(DType.FLOAT64, -1, 1, r.shapes()[i]);
            in[i] = switch (r.domain()) {
                case ANY -> u;
                case POSITIVE -> u.abs().add(0.5);
                // keeps values off kinks at 0 and the clip bounds +-0.25
                case AWAY_FROM_ZERO -> Tensor.where(u.greater(0), u.add(0.3), u.sub(0.3));
            };
        }
        return in;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void firstOrderMatchesCentralDifferences(Row r) {
        GradientCheck.Result res = GradientCheck.check(r.fn(), inputs(r, 7));
        assertTrue(res.passed(), r.name() + ": " + res);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void hessianVectorProductMatchesCentralDifferences(Row r) {
        Tensor[] x = inputs(r, 11);
        Tensor[] v = inputs(new Row(r.name(), r.fn(), Domain.ANY, r.shapes()), 13);
        Tensor w = new Rng(5).uniform(DType.FLOAT64, 0.5, 1.5, r.fn().apply(x).shape());
        Function<Tensor[], Tensor> scalar = in -> r.fn().apply(in).mul(w).sum();
        Tensor[] hv;
        try (var outer = new GradientTape()) {
            outer.watch(x);
            Tensor[] g;
            try (var inner = new GradientTape()) {
                inner.watch(x);
                g = inner.gradient(scalar.apply(x), x);
            }
            Tensor dot = Tensor.scalar(DType.FLOAT64, 0);
            for (int i = 0; i < x.length; i++) {
                assertNotNull(g[i], r.name() + ": no first-order gradient for input " + i);
                dot = dot.add(g[i].mul(v[i]).sum());
            }
            hv = outer.gradient(dot, x);
        }
        double eps = 1e-5;
        Tensor[] plus = grad(scalar, shift(x, v, eps)), minus = grad(scalar, shift(x, v, -eps));
        for (int i = 0; i < x.length; i++) {
            double[] numeric = plus[i].sub(minus[i]).div(2 * eps).toDoubleArray();
            double[] tape = hv[i] == null ? new double[numeric.length] : hv[i].toDoubleArray();
            for (int e = 0; e < numeric.length; e++) {
                double err = Math.abs(tape[e] - numeric[e]);
                assertTrue(err <= 1e-5 + 1e-4 * Math.abs(numeric[e]),
                        r.name() + ": Hessian-vector product input " + i + " element " + e + ": tape " + tape[e] + ", numeric " + numeric[e]);
            }
        }
    }

    private static Tensor[] shift(Tensor[] x, Tensor[] v, double eps) {
        Tensor[] out = new Tensor[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i].add(v[i].mul(eps));
        return out;
    }

    private static Tensor[] grad(Function<Tensor[], Tensor> f, Tensor[] x) {
        try (var tape = new GradientTape()) {
            tape.watch(x);
            return tape.gradient(f.apply(x), x);
        }
    }
}
