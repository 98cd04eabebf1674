package io.eager4j.parallel;

import io.eager4j.Tensor;
import io.eager4j.Variable;
import io.eager4j.optim.Optimizer;
import java.util.List;
import java.util.Map;

/**
 * {@link DataParallel#wrap}: the wrapped optimizer's update, fed the gradients combined over the
 * replicas; {@code minimize} is Optimizer's own, which ends in {@link #applyGradients}. State,
 * step count and checkpoints are the wrapped optimizer's.
 */
final class ReplicatedOptimizer extends Optimizer {
    private final Optimizer inner;
    private final DataParallel dp;

    ReplicatedOptimizer(Optimizer inner, DataParallel dp) {
        this.inner = inner;
        this.dp = dp;
    }

    @Override
    public void applyGradients(List<Variable> vars, List<Tensor> grads) {
        if (!dp.averagesParameters()) {
            inner.applyGradients(vars, dp.reduce("gradients", grads, dp.reduction()));
            return;
        }
        inner.applyGradients(vars, grads);
        if (inner.steps() % dp.averageEvery() == 0) dp.average(vars, inner);
    }

    @Override
    public long steps() {
        return inner.steps();
    }

    @Override
    public Map<String, Tensor> slotTensors(Map<String, Variable> vars) {
        return inner.slotTensors(vars);
    }

    @Override
    public void restoreSlots(Map<String, Variable> vars, Map<String, Tensor> saved, long steps) {
        inner.restoreSlots(vars, saved, steps);
    }

    @Override
    protected int slotCount() {
        throw new AssertionError("the wrapped optimizer updates");
    }

    @Override
    protected Tensor update(Variable v, Tensor g, Tensor[] slots, long t) {
        throw new AssertionError("the wrapped optimizer updates");
    }

    @Override
    public String toString() {
        return inner + " over " + dp.size() + " replicas";
    }
}
