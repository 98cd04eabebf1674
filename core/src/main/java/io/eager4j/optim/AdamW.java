package io.eager4j.optim;

import io.eager4j.Tensor;
import io.eager4j.Variable;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter): var = var * (1 - lr * wd) - adam_step.
 * <pre>{@code
 * Variable w = Variable.create("w", 3);
 * Tensor x = Tensor.of(new double[] {1, 2, 3}).cast(DType.FLOAT32);
 * var opt = new AdamW(0.05, 1e-4);
 * for (int step = 0; step < 100; step++) opt.minimize(() -> w.sub(x).pow(2).sum());   // w moves toward x
 * }</pre>
 */
public final class AdamW extends Adam {
    private final double weightDecay;

    public AdamW(double learningRate, double weightDecay) {
        this(learningRate, weightDecay, 0.9, 0.999, 1e-8);
    }

    public AdamW(double learningRate, double weightDecay, double beta1, double beta2, double epsilon) {
        super(learningRate, beta1, beta2, epsilon);
        this.weightDecay = Check.fraction("AdamW", "weight decay", weightDecay);
    }

    @Override
    protected Tensor update(Variable var, Tensor g, Tensor[] slots, long t) {
        return step(var.mul(1 - lr * weightDecay), g, slots, t);
    }
}
