package io.eager4j.optim;

import io.eager4j.Tensor;
import io.eager4j.Variable;
import io.eager4j.internal.Fused;
import io.eager4j.internal.Tracing;

/**
 * Adam with TF 1.x's update: lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t);
 * m = beta1 * m + (1 - beta1) * g; v = beta2 * v + (1 - beta2) * g^2; var -= lr_t * m / (sqrt(v) + eps).
 * On the fast CPU backend, float32 moments are stored with subnormals flushed to zero, as TF's CPU
 * kernels store them (var is computed from the unflushed values): a decaying first moment otherwise
 * sticks in the subnormal range and slows every later step.
 * <pre>{@code
 * var adam = new Adam(1e-3);
 * Tensor loss = adam.minimize(() -> NN.softmaxCrossEntropy(x.matmul(w).add(b), y).mean());
 * }</pre>
 */
public class Adam extends Optimizer {
    final double lr, beta1, beta2, eps;

    /** TF's defaults: beta1 0.9, beta2 0.999, epsilon 1e-8. */
    public Adam(double learningRate) {
        this(learningRate, 0.9, 0.999, 1e-8);
    }

    public Adam(double learningRate, double beta1, double beta2, double epsilon) {
        this.lr = Check.positive("Adam", "learning rate", learningRate);
        this.beta1 = Check.fraction("Adam", "beta1", beta1);
        this.beta2 = Check.fraction("Adam", "beta2", beta2);
        this.eps = Check.positive("Adam", "epsilon", epsilon);
    }

    @Override
    protected int slotCount() {
        return 2;
    }

    @Override
    protected Tensor update(Variable var, Tensor g, Tensor[] slots, long t) {
        return step(var, g, slots, t);
    }

    /** {@code from} minus this step's Adam update, in one fused pass; updates the moments. */
    final Tensor step(Tensor from, Tensor g, Tensor[] slots, long t) {
        // the bias correction changes every step: a replay computes it from the step count again
        double lrT = Tracing.dynamic(lrT(t), () -> lrT(steps()));
        Tensor[] r = Fused.ops().adam(from, slots[0], slots[1], g, lrT, beta1, beta2, eps);
        slots[0] = r[1];
        slots[1] = r[2];
        return r[0];
    }

    final double lrT(long t) {
        return lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
    }

}
