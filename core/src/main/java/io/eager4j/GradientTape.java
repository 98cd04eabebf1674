package io.eager4j;

import io.eager4j.internal.Shapes;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Collections;

/**
 * Records the ops run while it is open, then gives gradients in one call (TF 2 style). Tapes nest:
 * an outer tape records the inner tape's gradient computation, which gives higher-order gradients.
 * <pre>{@code
 * Tensor x = Tensor.of(new double[] {3});
 * try (var tape = new GradientTape()) {
 *     tape.watch(x);
 *     Tensor y = x.mul(x);
 *     Tensor dy = tape.gradient(y, x);   // 6
 * }
 * }</pre>
 * Trainable {@link Variable}s are watched as soon as an op reads them ({@link #watchedVariables()}).
 */
public final class GradientTape implements AutoCloseable {
    private final boolean persistent;
    private final boolean watchAccessedVariables;
    private final Map<Tensor, Boolean> tracked = new IdentityHashMap<>();
    private final Set<Variable> accessed = Collections.newSetFromMap(new IdentityHashMap<>());
    private final List<Variable> accessedOrder = new ArrayList<>();
    private List<Autograd.Node> nodes = new ArrayList<>();
    boolean recording = true;
    private boolean open = true;
    private boolean used;

    /** A tape that can be asked for gradients once and watches the variables ops read. */
    public GradientTape() {
        this(false, true);
    }

    public GradientTape(boolean persistent, boolean watchAccessedVariables) {
        this.persistent = persistent;
        this.watchAccessedVariables = watchAccessedVariables;
        Autograd.push(this);
    }

    /** A tape that may be asked for gradients many times; it keeps what it saved until closed. */
    public static GradientTape persistent() {
        return new GradientTape(true, true);
    }

    /** Runs no recording until the scope closes: {@code try (var ng = GradientTape.noGrad()) {...}}. */
    public static NoGrad noGrad() {
        return Autograd.pause();
    }

    /** Scope of {@link #noGrad()}. */
    public interface NoGrad extends AutoCloseable {
        @Override
        void close();
    }

    /** Starts tracking these tensors: gradients with respect to them can be asked for. */
    public void watch(Tensor... tensors) {
        for (Tensor t : tensors) {
            if (!t.dtype.isFloating()) {
                throw new IllegalArgumentException("watch: only float tensors have gradients, got " + t.dtype);
            }
            tracked.put(t, Boolean.TRUE);
            if (t instanceof Variable v && accessed.add(v)) {
                accessedOrder.add(v);
            }
        }
    }

    /** Variables watched so far, in the order ops first read them. */
    public List<Variable> watchedVariables() {
        return List.copyOf(accessedOrder);
    }

    boolean tracksAny(Tensor[] inputs) {
        boolean any = false;
        for (Tensor in : inputs) {
            if (tracked.containsKey(in)) {
                any = true;
            } else if (watchAccessedVariables && in instanceof Variable v && v.trainable()) {
                watch(v);
                any = true;
            }
        }
        return any;
    }

    void add(Autograd.Node node) {
        nodes.add(node);
        tracked.put(node.out(), Boolean.TRUE);
    }

    public Tensor gradient(Tensor target, Tensor source) {
        return gradient(target, new Tensor[] {source}, null)[0];
    }

    /** Gradients of {@code target} (summed if not a scalar); {@code null} where a source does not affect it. */
    public Tensor[] gradient(Tensor target, Tensor... sources) {
        return gradient(target, sources, null);
    }

    public List<Tensor> gradient(Tensor target, List<? extends Tensor> sources) {
        return java.util.Arrays.asList(gradient(target, sources.toArray(new Tensor[0]), null));
    }

    /**
     * Vector-Jacobian product: gradients of {@code target} weighted by {@code outputGradient}
     * (ones when null).
     */
    public Tensor[] gradient(Tensor target, Tensor[] sources, Tensor outputGradient) {
        if (used && !persistent) {
            throw new IllegalStateException("gradient: a non-persistent GradientTape gives gradients once; "
                    + "use GradientTape.persistent() to ask again");
        }
        used = true;
        if (outputGradient != null && !java.util.Arrays.equals(outputGradient.shape, target.shape)) {
            throw new IllegalArgumentException("gradient: output gradient shape " + Shapes.format(outputGradient.shape)
                    + " differs from target shape " + Shapes.format(target.shape));
        }
        Map<Tensor, Boolean> relevant = new IdentityHashMap<>();
        for (Tensor s : sources) relevant.put(s, Boolean.TRUE);
        boolean[] live = new boolean[nodes.size()];
        for (int i = 0; i < live.length; i++) {   // recorded in execution order, so one sweep suffices
            Autograd.Node n = nodes.get(i);
            for (Tensor in : n.inputs()) {
                if (relevant.containsKey(in)) {
                    live[i] = true;
                    relevant.put(n.out(), Boolean.TRUE);
                    break;
                }
            }
        }
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        grads.put(target, outputGradient != null ? outputGradient : Tensor.fullLike(target, 1));
        boolean wasRecording = recording;
        recording = false;   // outer tapes still record: that is how higher orders work
        try {
            for (int i = live.length - 1; i >= 0; i--) {
                Autograd.Node n = nodes.get(i);
                Tensor g = live[i] ? grads.get(n.out()) : null;
                if (g == null) continue;
                checkVersions(n);
                Tensor[] in = n.inputs();
                boolean[] needed = new boolean[in.length];
                for (int k = 0; k < in.length; k++) needed[k] = relevant.containsKey(in[k]);
                Tensor[] gi = n.backward().apply(g, needed);
                for (int k = 0; k < in.length; k++) {
                    if (needed[k] && gi[k] != null) grads.merge(in[k], gi[k], Tensor::add);
                }
            }
        } finally {
            recording = wasRecording;
        }
        if (!persistent) release();
        Tensor[] out = new Tensor[sources.length];
        for (int i = 0; i < sources.length; i++) out[i] = grads.get(sources[i]);
        return out;
    }

    private static void checkVersions(Autograd.Node n) {
        if (n.versions() == null) return;
        for (int k = 0; k < n.inputs().length; k++) {
            if (n.versions()[k] >= 0 && ((Variable) n.inputs()[k]).version() != n.versions()[k]) {
                throw new IllegalStateException(n.op() + ": variable '" + ((Variable) n.inputs()[k]).name()
                        + "' was assigned after " + n.op() + " read it; take gradients before updating variables");
            }
        }
    }

    private void release() {
        nodes = new ArrayList<>();   // drops saved tensors
        tracked.keySet().removeIf(t -> !(t instanceof Variable));
    }

    /** Stops recording; a persistent tape drops what it saved. */
    @Override
    public void close() {
        if (open) {
            open = false;
            Autograd.pop(this);
        }
    }
}
