package io.eager4j.nn;

import io.eager4j.Rng;
import io.eager4j.Tensor;
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

    /** x·W + b. */
    public static Tensor dense(Tensor x, Tensor w, Tensor b) {
        return x.matmul(w).add(b);
    }
}
