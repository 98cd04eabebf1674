package io.eager4j.optim;

import io.eager4j.Tensor;
import io.eager4j.Variable;

/**
 * TF 1.x RMSPropOptimizer: ms = decay * ms + (1 - decay) * g^2;
 * mom = momentum * mom + lr * g / sqrt(ms + eps); var -= mom.
 * <pre>{@code
 * Variable w = Variable.create("w", 3);
 * Tensor x = Tensor.of(new double[] {1, 2, 3}).cast(DType.FLOAT32);
 * var opt = new RMSProp(0.01);
 * for (int step = 0; step < 100; step++) opt.minimize(() -> w.sub(x).pow(2).sum());   // w moves toward x
 * }</pre>
 */
public final class RMSProp extends Optimizer {
    private final double lr, decay, momentum, eps;

    public RMSProp(double learningRate) {
        this(learningRate, 0.9, 0.0, 1e-10);
    }

    public RMSProp(double learningRate, double decay, double momentum, double epsilon) {
        this.lr = Check.positive("RMSProp", "learning rate", learningRate);
        this.decay = Check.fraction("RMSProp", "decay", decay);
        this.momentum = Check.fraction("RMSProp", "momentum", momentum);
        this.eps = Check.positive("RMSProp", "epsilon", epsilon);
    }

    @Override
    protected int slotCount() {
        return 2;
    }

    @Override
    protected Tensor update(Variable v, Tensor g, Tensor[] slots, long t) {
        Tensor ms = slot(slots, 0, v).mul(decay).add(g.mul(g).mul(1 - decay));
        Tensor mom = slot(slots, 1, v).mul(momentum).add(g.mul(lr).div(ms.add(eps).sqrt()));
        slots[0] = ms;
        slots[1] = mom;
        return v.sub(mom);
    }
}
