package io.eager4j.optim;

import io.eager4j.Tensor;
import io.eager4j.Variable;

/**
 * Plain gradient descent: var -= lr * g.
 * <pre>{@code
 * Variable w = Variable.create("w", 3);
 * Tensor x = Tensor.of(new double[] {1, 2, 3}).cast(DType.FLOAT32);
 * var opt = new SGD(0.1);
 * for (int step = 0; step < 100; step++) opt.minimize(() -> w.sub(x).pow(2).sum());   // w moves toward x
 * }</pre>
 */
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
