package io.eager4j;

import io.eager4j.internal.Shapes;
import io.eager4j.internal.Buffer;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The one mutable thing: a named tensor whose value an optimizer replaces with {@link #assign}.
 * Ops read it like any tensor; an open {@link GradientTape} watches trainable variables it sees.
 * <pre>{@code
 * Variable w = Variable.create("W0", 784, 150);   // Glorot uniform, like tf.get_variable
 * }</pre>
 */
public final class Variable extends Tensor {
    private final String name;
    private final boolean trainable;
    private int version;
    /**
     * True when some other tensor may share the current value's storage (the initial tensor,
     * {@link #value()}, a reshape, an assigned tensor): a replay then leaves that storage alone
     * instead of reusing it for a later value.
     */
    boolean exposed = true;
    /**
     * The value lives in storage the next replay overwrites in place (a CUDA graph's buffer, or a CPU
     * variable a trace updates in place): a tensor that shares it gets a copy instead.
     */
    boolean pinned;

    public Variable(String name, Tensor initial) {
        this(name, initial, true);
    }

    public Variable(String name, Tensor initial, boolean trainable) {
        super(initial.shape, initial.dtype, initial.device, initial.shareBuffer());
        this.name = name;
        this.trainable = trainable;
        LIVE.put(this, Boolean.TRUE);
        TraceRecorder r = TraceRecorder.current();
        if (r != null) r.assigned(this);   // made inside a trace from a traced value: a replay assigns it again
    }

    /** Every variable alive, so a trace can tell a variable's value from a constant. */
    private static final Map<Variable, Boolean> LIVE = Collections.synchronizedMap(new WeakHashMap<>());

    static IdentityHashMap<Buffer, Variable> byBuffer() {
        IdentityHashMap<Buffer, Variable> m = new IdentityHashMap<>();
        synchronized (LIVE) {
            for (Variable v : LIVE.keySet()) m.put(v.buffer, v);
        }
        return m;
    }

    /** A replay's new value, checked when it was traced, and whether a result of the replay shares it. */
    void replayed(Buffer value, boolean shared) {
        buffer = value;
        version++;
        exposed = shared;
        pinned = false;
    }

    /** A replay's new value, in storage the next replay overwrites (see {@link #pinned}). */
    void pinned(Buffer value) {
        buffer = value;
        version++;
        exposed = false;
        pinned = true;
    }

    /** TF get_variable's default: Glorot uniform, float32, on the current device, from {@link Rng#current()}. */
    public static Variable create(String name, int... shape) {
        return create(name, Initializers.glorotUniform(), shape);
    }

    public static Variable create(String name, Initializer init, int... shape) {
        return new Variable(name, init.create(Tensor.checkShape(shape), DType.FLOAT32, Rng.current()));
    }

    public String name() {
        return name;
    }

    public boolean trainable() {
        return trainable;
    }

    /** Increments whenever the value changes, so a tape can tell a value it read has since changed. */
    public int version() {
        return version;
    }

    /** Replaces the value; shape, dtype and device must stay the same. Assigning a variable to itself changes nothing. */
    public void assign(Tensor value) {
        if (value == this) return;   // an optimizer that updated it in place (see FusedOps.adam) hands it back
        if (!Arrays.equals(value.shape, shape) || value.dtype != dtype || value.device != device) {
            throw new IllegalArgumentException("assign to '" + name + "': expected " + Shapes.format(shape) + " " + dtype
                    + " on " + device + ", got " + Shapes.format(value.shape) + " " + value.dtype + " on " + value.device);
        }
        buffer = value.shareBuffer();
        version++;
        exposed = true;
        pinned = false;
        TraceRecorder r = TraceRecorder.current();
        if (r != null) r.assigned(this);
    }

    /** A new value in storage no other tensor holds (an optimizer's eager step): a later step may write over it. */
    void assignOwned(Buffer value) {
        buffer = value;
        version++;
        exposed = false;
        pinned = false;
    }

    /** A plain tensor holding the current value. */
    public Tensor value() {
        return stopGradient();
    }

    @Override
    public String toString() {
        return "Variable '" + name + "' " + super.toString();
    }
}
