package io.eager4j.optim;

import io.eager4j.Tensor;
import io.eager4j.Variable;

/**
 * TF MomentumOptimizer: accum = momentum * accum + g; var -= lr * accum (Nesterov: lr * (g + momentum * accum)).
 * <pre>{@code
 * Variable w = Variable.create("w", 3);
 * Tensor x = Tensor.of(new double[] {1, 2, 3}).cast(DType.FLOAT32);
 * var opt = new Momentum(0.05, 0.9, true);
 * for (int step = 0; step < 100; step++) opt.minimize(() -> w.sub(x).pow(2).sum());   // w moves toward x
 * }</pre>
 */
public final class Momentum extends Optimizer {
    private final double lr, momentum;
    private final boolean nesterov;

    public Momentum(double learningRate, double momentum, boolean nesterov) {
        this.lr = Check.positive("Momentum", "learning rate", learningRate);
        this.momentum = Check.fraction("Momentum", "momentum", momentum);
        this.nesterov = nesterov;
    }

    @Override
    protected int slotCount() {
        return 1;
    }

    @Override
    protected Tensor update(Variable v, Tensor g, Tensor[] slots, long t) {
        Tensor accum = slot(slots, 0, v).mul(momentum).add(g);
        slots[0] = accum;
        return v.sub((nesterov ? g.add(accum.mul(momentum)) : accum).mul(lr));
    }
}
