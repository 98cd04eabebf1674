package io.eager4j.optim;

import io.eager4j.Tensor;
import io.eager4j.Variable;

/**
 * Adam with TF 1.x's update: lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t);
 * m = beta1 * m + (1 - beta1) * g; v = beta2 * v + (1 - beta2) * g^2; var -= lr_t * m / (sqrt(v) + eps).
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
        return var.sub(step(var, g, slots, t));
    }

    /** The amount Adam subtracts this step. */
    final Tensor step(Variable var, Tensor g, Tensor[] slots, long t) {
        double lrT = lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
        Tensor m = slot(slots, 0, var).mul(beta1).add(g.mul(1 - beta1));
        Tensor v = slot(slots, 1, var).mul(beta2).add(g.mul(g).mul(1 - beta2));
        slots[0] = m;
        slots[1] = v;
        return m.mul(lrT).div(v.sqrt().add(eps));
    }
}
