package io.eager4j;

import io.eager4j.internal.Alloc;
import io.eager4j.internal.Shapes;
import io.eager4j.internal.Tracing;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A function of tensors recorded once and replayed (TF's {@code tf.function}). The first call with
 * a given signature (the arguments' shapes, dtypes and devices, and the training mode of the layers
 * it ran) runs eagerly and records every backend primitive it ran: forward, the tape's backward,
 * the optimizer's update, random draws. Later calls with that signature replay the record: no
 * tensors but the results, no tape, no checks, CPU arrays reused by a buffer plan, elementwise pairs
 * fused. A replay gives bit for bit what the eager call would have given.
 * <pre>{@code
 * Traced step = Traced.of((x, y) -> adam.minimize(() -> NN.softmaxCrossEntropy(model.apply(x), y).mean()));
 * Tensor loss = step.call(x, y);   // traced the first time, replayed after
 * }</pre>
 * Semantics, as {@code tf.function}'s: Java side effects inside the function (printing, counting)
 * happen while tracing only; a tensor it captures that is neither an argument nor a variable is a
 * constant of the trace; every variable it assigns (the optimizer's updates and slots, batch norm's
 * moving averages) is assigned in each replay, and a variable assigned from outside between calls is
 * read at its current value. Reading a value on the host inside the function ({@code item()},
 * {@code toFloatArray()}) is an error naming the op: return the tensor and read it after the call.
 * Calls under an open {@link GradientTape} are refused; a traced function called while another is
 * being traced runs inline, as part of the outer trace.
 */
public final class Traced {
    private static final int CACHE = 8;

    private final String name;
    private final Function<Tensor[], Tensor[]> fn;
    private final Map<String, List<TraceProgram>> programs = new LinkedHashMap<>(16, 0.75f, true);
    private int traces;

    private Traced(String name, Function<Tensor[], Tensor[]> fn) {
        this.name = name;
        this.fn = fn;
    }

    public static Traced of(Function<Tensor, Tensor> f) {
        return new Traced("step", a -> new Tensor[] {f.apply(a[0])});
    }

    public static Traced of(BiFunction<Tensor, Tensor, Tensor> f) {
        return new Traced("step", a -> new Tensor[] {f.apply(a[0], a[1])});
    }

    /** Any number of arguments and results. */
    public static Traced ofAll(Function<Tensor[], Tensor[]> f) {
        return new Traced("step", f);
    }

    /** The same function under {@code name}, used in log lines and errors. */
    public Traced named(String name) {
        return new Traced(name, fn);
    }

    /** The function's first result: replayed, or traced when the signature is new. */
    public Tensor call(Tensor... args) {
        Tensor[] r = callAll(args);
        return r.length == 0 ? null : r[0];
    }

    public Tensor[] callAll(Tensor... args) {
        if (Tracing.recorder() != null) return fn.apply(args);   // inside another trace: part of it
        if (Autograd.active()) {
            throw new IllegalStateException("traced function '" + name + "': called under an open GradientTape; a replay"
                    + " records no tape, so take gradients inside the function (optimizer.minimize or a tape of its own)");
        }
        String key = signature(args);
        TraceProgram p = find(key);
        if (p != null) return p.run(args);
        return trace(key, args);
    }

    /** How many times this function has been traced (once per signature seen, and after evictions). */
    public synchronized int traces() {
        return traces;
    }

    private synchronized TraceProgram find(String key) {
        List<TraceProgram> list = programs.get(key);
        if (list == null) return null;
        for (TraceProgram p : list) if (p.guardsHold()) return p;
        return null;
    }

    private Tensor[] trace(String key, Tensor[] args) {
        TraceRecorder rec = new TraceRecorder(name, args);
        Tensor[] out;
        Tracing.Recorder previous = Tracing.begin(rec);
        Alloc.enter();
        try {
            out = fn.apply(args.clone());
        } finally {
            Alloc.exit();
            Tracing.end(previous);
        }
        TraceProgram p = new TraceProgram(rec, out == null ? new Tensor[0] : out);
        synchronized (this) {
            traces++;
            if (traces > 1 && !"1".equals(System.getenv("EAGER4J_QUIET"))) {
                System.err.println("eager4j: traced '" + name + "' again, for " + key + " (" + traces + " traces)");
            }
            programs.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
            if (programs.size() > CACHE) {
                programs.remove(programs.keySet().iterator().next());   // least recently used
            }
        }
        return out == null ? new Tensor[0] : out;
    }

    private static String signature(Tensor[] args) {
        StringBuilder s = new StringBuilder();
        for (Tensor t : args) {
            if (s.length() > 0) s.append(", ");
            s.append(t == null ? "null" : Shapes.format(t.shape) + " " + t.dtype + " " + t.device);
        }
        return s.toString();
    }

    /** The ops of the trace for these arguments, one per line; null if none is cached. For tests and curiosity. */
    String listing(Tensor... args) {
        TraceProgram p = find(signature(args));
        return p == null ? null : p.listing();
    }

    /** The cached traces: each signature and what its replay runs. */
    @Override
    public synchronized String toString() {
        StringBuilder s = new StringBuilder("Traced '" + name + "', " + traces + (traces == 1 ? " trace" : " traces"));
        for (var e : programs.entrySet()) {
            for (TraceProgram p : e.getValue()) s.append("; (").append(e.getKey()).append("): ").append(p.describe());
        }
        return s.toString();
    }

    TraceProgram program(Tensor... args) {
        return find(signature(args));
    }
}
