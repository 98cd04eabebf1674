package io.eager4j.nn;

import io.eager4j.DType;
import io.eager4j.GradientTape;
import io.eager4j.Rng;
import io.eager4j.Tensor;
import io.eager4j.Variable;
import io.eager4j.internal.Fused;

/**
 * Neural-network functions composed from primitives, so their gradients come for free.
 * <pre>{@code
 * Tensor h = NN.dropout(x.matmul(w0).add(b0).relu(), 0.75, Rng.current());
 * Tensor loss = NN.softmaxCrossEntropy(h.matmul(w1).add(b1), labels).mean();
 * }</pre>
 */
public final class NN {
    private NN() {}

    /** Softmax along {@code axis}; the max is subtracted first so exp never overflows. */
    public static Tensor softmax(Tensor logits, int axis) {
        Tensor e = logits.sub(logits.max(new int[] {axis}, true).stopGradient()).exp();
        return e.div(e.sum(new int[] {axis}, true));
    }

    /** log(softmax(x)) computed as x - max - log(sum(exp(x - max))): stable for large logits. */
    public static Tensor logSoftmax(Tensor logits, int axis) {
        Tensor shifted = logits.sub(logits.max(new int[] {axis}, true).stopGradient());
        return shifted.sub(shifted.exp().sum(new int[] {axis}, true).log());
    }

    /** Per-example cross-entropy of one-hot (or soft) labels with logits along the last axis, like TF's. */
    public static Tensor softmaxCrossEntropy(Tensor logits, Tensor labels) {
        return logSoftmax(logits, -1).mul(labels).sum(-1).neg();
    }

    /** TF 1.x dropout: keeps each unit with probability keepProb and scales kept units by 1/keepProb. */
    public static Tensor dropout(Tensor x, double keepProb, Rng rng) {
        if (!(keepProb > 0 && keepProb <= 1)) {
            throw new IllegalArgumentException("dropout: keepProb must be in (0, 1], got " + keepProb);
        }
        if (keepProb == 1) return x;
        // one op, one pass where x lives; the same numbers as x.mul(rng.uniform(x.dtype(), 0, 1,
        // x.shape()).less(keepProb).cast(x.dtype()).mul(1 / keepProb)), and rng moves on as far
        return Fused.ops().dropout(x, keepProb, rng);
    }

    /**
     * ReLU as a layer activation: {@code new Dense(3136, 1024, NN.RELU)}. With this constant (not
     * another {@code Tensor::relu}) a layer adds its bias and applies the ReLU in one pass.
     */
    public static final java.util.function.UnaryOperator<Tensor> RELU = Tensor::relu;

    /** A layer's output: activation(y + bias), in one pass for {@link #RELU}. */
    static Tensor biasAndActivation(Tensor y, Tensor bias, java.util.function.UnaryOperator<Tensor> activation) {
        return activation == RELU ? biasRelu(y, bias) : activation.apply(y.add(bias));
    }

    /** relu(x + bias) with {@code bias} along the last axis, in one pass: a layer's bias and ReLU. */
    public static Tensor biasRelu(Tensor x, Tensor bias) {
        return Fused.ops().biasRelu(x, bias);
    }

    /** x·W + b. */
    public static Tensor dense(Tensor x, Tensor w, Tensor b) {
        return x.matmul(w).add(b);
    }

    /**
     * TF's conv2d: NHWC {@code input [n, h, w, in]}, HWIO {@code filter [kh, kw, in, out]},
     * {@code strides {sh, sw}}; gives {@code [n, oh, ow, out]}. Gradients for both; the input's is
     * not computed when nothing needs it (a first layer's).
     */
    public static Tensor conv2d(Tensor input, Tensor filter, int[] strides, Padding padding) {
        int[] s = pair("conv2d", "strides", strides);
        return Fused.ops().conv2d(input, filter, s[0], s[1], padding == Padding.SAME);
    }

    /** Max over each window, NHWC; the gradient goes to one maximum per window (the first, as TF's). */
    public static Tensor maxPool2d(Tensor input, int[] window, int[] strides, Padding padding) {
        int[] k = pair("maxPool2d", "window", window), s = pair("maxPool2d", "strides", strides);
        return Fused.ops().maxPool2d(input, k[0], k[1], s[0], s[1], padding == Padding.SAME);
    }

    /** Mean over each window, NHWC; at SAME edges only the window's real elements count (TF's). */
    public static Tensor avgPool2d(Tensor input, int[] window, int[] strides, Padding padding) {
        int[] k = pair("avgPool2d", "window", window), s = pair("avgPool2d", "strides", strides);
        return Fused.ops().avgPool2d(input, k[0], k[1], s[0], s[1], padding == Padding.SAME);
    }

    private static int[] pair(String op, String what, int[] v) {
        if (v == null || v.length != 2) {
            throw new IllegalArgumentException(op + ": " + what + " must be two numbers {rows, columns}, got "
                    + (v == null ? "null" : java.util.Arrays.toString(v)));
        }
        return v;
    }

    /**
     * Per-example cross-entropy of int32 class labels (shape {@code logits} less its last axis) with
     * logits, like TF's sparse_softmax_cross_entropy_with_logits.
     */
    public static Tensor sparseSoftmaxCrossEntropy(Tensor logits, Tensor labels) {
        int[] ls = logits.shape(), want = java.util.Arrays.copyOf(ls, Math.max(0, ls.length - 1));
        if (labels.dtype() != DType.INT32 || !java.util.Arrays.equals(labels.shape(), want)) {
            throw new IllegalArgumentException("sparseSoftmaxCrossEntropy: labels must be int32 of shape "
                    + java.util.Arrays.toString(want) + " for logits " + java.util.Arrays.toString(ls) + ", got "
                    + labels.dtype() + " " + java.util.Arrays.toString(labels.shape()));
        }
        return softmaxCrossEntropy(logits, labels.oneHot(ls[ls.length - 1]).cast(logits.dtype()));
    }

    /**
     * Batch normalization over every axis but the last (Keras's BatchNormalization): in training,
     * normalizes with the batch's mean and (biased) variance and moves the moving averages toward
     * them, {@code moving = momentum * moving + (1 - momentum) * batch}; in inference, normalizes
     * with the moving averages.
     */
    public static Tensor batchNorm(Tensor x, Tensor gamma, Tensor beta, Variable movingMean, Variable movingVariance,
                                   boolean training, double momentum, double epsilon) {
        int[] axes = new int[Math.max(0, x.rank() - 1)];
        for (int i = 0; i < axes.length; i++) axes[i] = i;
        int c = x.rank() == 0 ? 1 : x.shape()[x.rank() - 1];
        for (Tensor t : new Tensor[] {gamma, beta, movingMean, movingVariance}) {
            if (!java.util.Arrays.equals(t.shape(), new int[] {c})) {
                throw new IllegalArgumentException("batchNorm: scale, offset and moving statistics must be [" + c
                        + "] for input " + java.util.Arrays.toString(x.shape()) + ", got " + java.util.Arrays.toString(t.shape()));
            }
        }
        Tensor mean, variance;
        if (training) {
            mean = x.mean(axes, false);
            Tensor centred = x.sub(mean);
            variance = centred.mul(centred).mean(axes, false);
            try (var ng = GradientTape.noGrad()) {
                movingMean.assign(movingMean.mul(momentum).add(mean.stopGradient().mul(1 - momentum)));
                movingVariance.assign(movingVariance.mul(momentum).add(variance.stopGradient().mul(1 - momentum)));
            }
        } else {
            mean = movingMean.value();
            variance = movingVariance.value();
        }
        return x.sub(mean).div(variance.add(epsilon).sqrt()).mul(gamma).add(beta);
    }
}
