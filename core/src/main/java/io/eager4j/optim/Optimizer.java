package io.eager4j.optim;

import io.eager4j.GradientTape;
import io.eager4j.Tensor;
import io.eager4j.Variable;
import io.eager4j.internal.Tracing;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Updates variables from gradients; updates are plain tensor math run without recording.
 * TF 1.4 eager style:
 * <pre>{@code
 * Optimizer opt = new Adam(1e-3);
 * Tensor loss = opt.minimize(() -> NN.softmaxCrossEntropy(x.matmul(w).add(b), y).mean());
 * }</pre>
 */
public abstract class Optimizer {
    private final Map<Variable, Variable[]> slots = new IdentityHashMap<>();   // state: variables, so traces see it
    private long steps;

    /**
     * Runs {@code loss} on a fresh tape, differentiates it with respect to every trainable variable
     * it read, applies the update and returns the loss.
     */
    public Tensor minimize(Supplier<Tensor> loss) {
        Tensor value;
        List<Variable> vars;
        Tensor[] grads;
        try (GradientTape tape = new GradientTape()) {
            value = loss.get();
            vars = tape.watchedVariables();
            grads = tape.gradient(value, vars.toArray(new Tensor[0]));
        }
        if (vars.isEmpty()) {
            throw new IllegalStateException("minimize: the loss read no trainable variable, so there is nothing to update");
        }
        applyGradients(vars, List.of(grads));
        return value;
    }

    /** One update step; a null gradient leaves its variable as it is. */
    public void applyGradients(List<Variable> vars, List<Tensor> grads) {
        if (vars.size() != grads.size()) {
            throw new IllegalArgumentException("applyGradients: " + vars.size() + " variables but " + grads.size() + " gradients");
        }
        steps++;
        Tracing.onReplay(() -> steps++);
        try (var ng = GradientTape.noGrad()) {
            for (int i = 0; i < vars.size(); i++) {
                Variable v = vars.get(i);
                Tensor g = grads.get(i);
                if (g == null) continue;
                if (!java.util.Arrays.equals(g.shape(), v.shape())) {
                    throw new IllegalArgumentException("applyGradients: gradient for '" + v.name() + "' has shape "
                            + java.util.Arrays.toString(g.shape()) + ", variable has " + java.util.Arrays.toString(v.shape()));
                }
                Variable[] state = slots.computeIfAbsent(v, this::zeroSlots);
                Tensor[] values = java.util.Arrays.copyOf(state, state.length, Tensor[].class);
                v.assign(update(v, g.cast(v.dtype()), values, steps));
                for (int s = 0; s < values.length; s++) if (values[s] != state[s]) state[s].assign(values[s]);
            }
        }
    }

    /** Zeros shaped like v, one per slot: made outside any trace, which then reads and assigns them. */
    private Variable[] zeroSlots(Variable v) {
        return Tracing.outside(() -> {
            Variable[] s = new Variable[slotCount()];
            try (var onV = v.device().use()) {   // made where v lives, not copied there
                for (int i = 0; i < s.length; i++) s[i] = new Variable(slotName(v.name(), i), Tensor.zeros(v.dtype(), v.shape()), false);
            }
            return s;
        });
    }

    /** Number of steps applied so far. */
    public long steps() {
        return steps;
    }

    /**
     * This optimizer's state for the named variables, for checkpoints: each slot written so far
     * as {@code "<name>/slot<i>"} (Adam's moments are slot0 and slot1).
     */
    public Map<String, Tensor> slotTensors(Map<String, Variable> vars) {
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        for (var e : vars.entrySet()) {
            Variable[] s = slots.get(e.getValue());
            if (s == null) continue;
            for (int i = 0; i < s.length; i++) out.put(slotName(e.getKey(), i), s[i].value());
        }
        return out;
    }

    private static String slotName(String variable, int slot) {
        return variable + "/slot" + slot;
    }

    /** Puts back what {@link #slotTensors} gave, and the step count, so training resumes exactly. */
    public void restoreSlots(Map<String, Variable> vars, Map<String, Tensor> saved, long steps) {
        for (var e : vars.entrySet()) {
            Variable v = e.getValue();
            Variable[] s = null;
            for (int i = 0; i < slotCount(); i++) {
                Tensor t = saved.get(slotName(e.getKey(), i));
                if (t == null) continue;
                if (s == null) s = zeroSlots(v);
                s[i].assign(t.to(v.device()));
            }
            if (s != null) slots.put(v, s);
        }
        this.steps = steps;
    }

    /** Slot tensors per variable (moments), created lazily; zeros until first written. */
    protected abstract int slotCount();

    /** The variable's new value. {@code slots} hold this optimizer's state for v; {@code t} counts from 1. */
    protected abstract Tensor update(Variable v, Tensor g, Tensor[] slots, long t);

    /** Slot {@code i}: zeros shaped like v until first written. */
    protected static Tensor slot(Tensor[] slots, int i, Variable v) {
        return slots[i];
    }
}
