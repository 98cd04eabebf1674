package io.eager4j.nn;

import io.eager4j.DType;
import io.eager4j.Tensor;
import io.eager4j.Variable;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A piece of a model (Keras's name): {@link #apply} maps a tensor to a tensor, and the layer holds
 * variables and other layers. A layer of your own is a plain class:
 * <pre>{@code
 * class Mlp extends Layer {
 *     final Dense hidden = new Dense(784, 150, NN.RELU);
 *     final Dropout dropout = new Dropout(0.25);
 *     final Dense out = new Dense(150, 10);
 *
 *     public Tensor apply(Tensor x) {
 *         return out.apply(dropout.apply(hidden.apply(x)));
 *     }
 * }
 * Mlp model = new Mlp();
 * Tensor loss = new Adam(1e-3).minimize(() -> NN.softmaxCrossEntropy(model.apply(x), y).mean());
 * model.namedParameters().keySet();   // [hidden.kernel, hidden.bias, out.kernel, out.bias]
 * }</pre>
 *
 * <p>Names. A layer's variables and sub-layers are found from its fields (superclass fields first,
 * then in declaration order): a {@link Variable} field {@code kernel} is named {@code kernel}, a
 * layer field {@code hidden} adds {@code hidden.} before its own names, and a list or array of
 * layers {@code blocks} adds {@code blocks.0.}, {@code blocks.1.}, and so on. A {@link Sequential}
 * names each layer by the name given at construction, or else by its kind and a count within the
 * sequence, as Keras does: {@code conv1}, {@code conv2}, {@code dense1}. So a name depends only on
 * the model's structure, and a checkpoint written by one program restores into another.
 *
 * <p>Trainable variables are the parameters; others (batch norm's moving averages) are state,
 * listed by {@link #namedState}. {@link #train} and {@link #eval} set the mode of the whole tree:
 * dropout and batch norm behave accordingly.
 */
public abstract class Layer {
    private final String name;
    private boolean training = true;

    /** A layer whose name its parent decides (a field name, or Sequential's kind and count). */
    protected Layer() {
        this(null);
    }

    /** A layer with a name of its own (used by {@link Sequential}). */
    protected Layer(String name) {
        this.name = name;
    }

    public abstract Tensor apply(Tensor x);

    /** The name given at construction, or null. */
    public String name() {
        return name;
    }

    /** The default name's stem inside a {@link Sequential}: "dense", "conv", ... */
    protected String kind() {
        return getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }

    /** Training or inference mode; a trace that asked is replayed only in the same mode. */
    public boolean isTraining() {
        return io.eager4j.internal.Tracing.guard(training, () -> training);
    }

    /** Training mode for this layer and every layer inside it (the default). */
    public Layer train() {
        return mode(true);
    }

    /** Inference mode: dropout passes values through, batch norm uses its moving averages. */
    public Layer eval() {
        return mode(false);
    }

    private Layer mode(boolean on) {
        for (Layer l : tree().values()) l.training = on;
        return this;
    }

    /** Trainable variables, in name order of {@link #namedParameters}. */
    public List<Variable> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Trainable variables by dotted name (see the class comment for how names are formed). */
    public Map<String, Variable> namedParameters() {
        return variables(true);
    }

    /** Non-trainable variables (batch norm's moving averages) by dotted name. */
    public Map<String, Variable> namedState() {
        return variables(false);
    }

    /** Parameters and state together: what a checkpoint holds. */
    public Map<String, Variable> namedVariables() {
        Map<String, Variable> all = new LinkedHashMap<>(namedParameters());
        all.putAll(namedState());
        return all;
    }

    private Map<String, Variable> variables(boolean trainable) {
        Map<String, Variable> out = new LinkedHashMap<>();
        walk("", this, (path, v) -> {
            if (v.trainable() == trainable) out.put(path, v);
        }, new IdentityHashMap<>());
        return out;
    }

    /** This layer and every layer inside it, by dotted path ("" for this one). */
    Map<String, Layer> tree() {
        Map<String, Layer> out = new LinkedHashMap<>();
        collect("", this, out, new IdentityHashMap<>());
        return out;
    }

    private static void collect(String path, Layer l, Map<String, Layer> out, IdentityHashMap<Object, Boolean> seen) {
        if (seen.put(l, true) != null) return;
        out.put(path, l);
        for (var e : l.children().entrySet()) {
            if (e.getValue() instanceof Layer child) collect(path + e.getKey() + ".", child, out, seen);
        }
    }

    private interface Visit {
        void variable(String path, Variable v);
    }

    private static void walk(String prefix, Layer l, Visit visit, IdentityHashMap<Object, Boolean> seen) {
        if (seen.put(l, true) != null) return;
        for (var e : l.children().entrySet()) {
            String path = prefix + e.getKey();
            if (e.getValue() instanceof Variable v) visit.variable(path, v);
            else if (e.getValue() instanceof Layer child) walk(path + ".", child, visit, seen);
        }
    }

    /**
     * This layer's own variables and layers by name, from its fields (see the class comment).
     * Override it where fields do not say it, as {@link Sequential} does.
     */
    protected Map<String, Object> children() {
        Map<String, Object> out = new LinkedHashMap<>();
        List<Class<?>> chain = new ArrayList<>();
        for (Class<?> c = getClass(); c != null && c != Layer.class; c = c.getSuperclass()) chain.add(0, c);
        for (Class<?> c : chain) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic()) continue;
                Object v = read(f);
                if (v instanceof Variable || v instanceof Layer) {
                    out.put(f.getName(), v);
                } else if (v instanceof Iterable<?> it) {
                    int i = 0;
                    for (Object o : it) if (o instanceof Layer) out.put(f.getName() + "." + i++, o);
                } else if (v instanceof Layer[] arr) {
                    for (int i = 0; i < arr.length; i++) out.put(f.getName() + "." + i, arr[i]);
                }
            }
        }
        return out;
    }

    private Object read(Field f) {
        Class<?> t = f.getType();
        if (t.isPrimitive() || t == String.class) return null;
        try {
            f.setAccessible(true);
            return f.get(this);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException(getClass().getName() + ": cannot read field " + f.getName() + " to find its variables ("
                    + e.getMessage() + "); open the package to eager4j or override children()");
        }
    }

    /** Elements in this layer's parameters and state. */
    public long countParameters() {
        long n = 0;
        for (Variable v : namedVariables().values()) n += v.size();
        return n;
    }

    /**
     * Runs one example of {@code inputShape} (without the batch axis) through the model in inference
     * mode and prints each layer's output shape and parameter count, as Keras's summary does.
     * Returns the table it printed.
     */
    public String summary(int... inputShape) {
        return LayerSummary.of(this, inputShape, DType.FLOAT32);
    }

    /** Built-in layers report each output here; a summary in progress notes its shape. */
    protected final Tensor recorded(Tensor out) {
        LayerSummary.record(this, out);
        return out;
    }
}
