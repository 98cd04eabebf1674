package io.eager4j.optim;

import io.eager4j.Tensor;
import io.eager4j.Variable;

/** Plain gradient descent: var -= lr * g. */
public final class SGD extends Optimizer {
    private final double lr;

    public SGD(double learningRate) {
        this.lr = Check.positive("SGD", "learning rate", learningRate);
    }

    @Override
    protected int slotCount() {
        return 0;
    }

    @Override
    protected Tensor update(Variable v, Tensor g, Tensor[] slots, long t) {
        return v.sub(g.mul(lr));
    }
}
