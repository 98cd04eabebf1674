package io.eager4j;

import io.eager4j.TraceProgram.Call;
import io.eager4j.TraceProgram.Host;
import io.eager4j.TraceProgram.Op;
import io.eager4j.internal.Alloc;
import io.eager4j.internal.Backend;
import io.eager4j.internal.Buffer;
import io.eager4j.internal.Tracing;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;

/**
 * Records, while a traced function runs eagerly, every backend call it makes: the buffers each call
 * read and wrote become numbered registers, so the calls can run again on other buffers. A buffer
 * first seen as an input is an argument, a variable's value (read at its value of the moment in a
 * replay) or else a constant of the trace.
 */
final class TraceRecorder implements Tracing.Recorder {
    /** Marks in a call's argument template: filled from registers or recomputed in a replay. */
    record Reg(int index) {}

    record Regs(int[] indices) {}

    record Dynamic(DoubleSupplier value) {}

    record RngOffset(int rng, long delta) {}

    final String name;
    final List<Op> code = new ArrayList<>();
    final List<Object> sources = new ArrayList<>();   // per register: Integer arg, Variable, Buffer constant, or null (computed)
    final Map<Variable, Integer> writeBack = new LinkedHashMap<>();
    final List<BooleanSupplier> guards = new ArrayList<>();
    final List<Boolean> guardValues = new ArrayList<>();
    final List<Rng> rngs = new ArrayList<>();
    final List<long[]> rngSpan = new ArrayList<>();   // {offset at first draw, offset after the last}
    final List<Boolean> rngIsCurrent = new ArrayList<>();
    private List<List<Object>> allocated = new ArrayList<>();   // per op: arrays it allocated
    private List<Object> arrays = new ArrayList<>();            // per register: its buffer's array (CPU)
    List<List<TracePlan.Ref>> allocations;                      // the same, as references, once sealed
    List<TracePlan.Ref> registerArrays;
    private final IdentityHashMap<Buffer, Integer> registerOf = new IdentityHashMap<>();
    private final Map<Backend, Backend> views = new IdentityHashMap<>();
    private final Map<Long, DoubleSupplier> dynamics = new HashMap<>();
    private final Map<String, RngOffset> draws = new HashMap<>();
    private IdentityHashMap<Buffer, Variable> variables;

    TraceRecorder(String name, Tensor[] args) {
        this.name = name;
        for (int i = 0; i < args.length; i++) {
            if (args[i] != null && !registerOf.containsKey(args[i].buffer)) define(args[i].buffer, i);
        }
    }

    static TraceRecorder current() {
        return Tracing.recorder() instanceof TraceRecorder r ? r : null;
    }

    @Override
    public String name() {
        return name;
    }

    int register(Buffer b) {
        Integer r = registerOf.get(b);
        if (r != null) return r;
        Variable v = variableHolding(b);
        return define(b, v != null ? v : b);
    }

    private int define(Buffer b, Object source) {
        int r = sources.size();
        sources.add(source);
        arrays.add(Alloc.arrayOf(b));
        registerOf.put(b, r);
        return r;
    }

    /** The live variable whose value is {@code b}: looked up again on a miss, since state is made lazily. */
    private Variable variableHolding(Buffer b) {
        Variable v = variables == null ? null : variables.get(b);
        if (v != null) return v;
        variables = Variable.byBuffer();
        return variables.get(b);
    }

    /**
     * Ends recording: the traced run's arrays become {@link TracePlan.Ref}s and every reference to
     * them is dropped, so they can be collected before a plan makes arrays of its own.
     */
    void seal(Tensor[] out) {
        for (Tensor t : out) if (t != null) register(t.buffer);   // results known before the buffers are forgotten
        java.util.IdentityHashMap<Object, TracePlan.Ref> refs = new java.util.IdentityHashMap<>();
        java.util.function.Function<Object, TracePlan.Ref> ref = a -> a == null ? null
                : refs.computeIfAbsent(a, x -> new TracePlan.Ref(x.getClass(), java.lang.reflect.Array.getLength(x)));
        allocations = new ArrayList<>();
        for (List<Object> op : allocated) allocations.add(op.stream().map(ref).toList());
        registerArrays = new ArrayList<>();
        for (Object a : arrays) registerArrays.add(ref.apply(a));
        allocated = null;
        arrays = null;
        resultRegisters = new int[out.length];
        for (int i = 0; i < out.length; i++) resultRegisters[i] = out[i] == null ? -1 : registerOf.get(out[i].buffer);
        registerOf.clear();
        variables = null;
    }

    int[] resultRegisters;

    // ---- hooks from the tensor package

    void assigned(Variable v) {
        writeBack.put(v, register(v.buffer));
    }

    /**
     * A draw from {@code rng}, whose offset was {@code at}, starting at {@code start} and moving the
     * generator {@code blocks} on: the next op given (seed, start) replays it relative.
     */
    void draw(Rng rng, long at, long start, long blocks) {
        int i = rngs.indexOf(rng);
        if (i < 0) {
            i = rngs.size();
            rngs.add(rng);
            rngSpan.add(new long[] {at, at});
            rngIsCurrent.add(rng == Rng.current());
        }
        long[] span = rngSpan.get(i);
        span[1] = Math.max(span[1], at + blocks);
        draws.put(rng.seed() + ":" + start, new RngOffset(i, start - span[0]));
    }

    // ---- hooks from outside the package (Tracing)

    @Override
    public Backend wrap(Backend real) {
        return views.computeIfAbsent(real, b -> (Backend) Proxy.newProxyInstance(
                Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, new Recording(b)));
    }

    @Override
    public void onReplay(Runnable hostStep) {
        code.add(new Host(hostStep));
        allocated.add(List.of());
    }

    @Override
    public void dynamic(double value, DoubleSupplier atReplay) {
        dynamics.put(Double.doubleToRawLongBits(value), atReplay);
    }

    @Override
    public void guard(BooleanSupplier condition, boolean seen) {
        guards.add(condition);
        guardValues.add(seen);
    }

    /** A backend seen through the trace: each call runs, then is written down with its registers. */
    private final class Recording implements InvocationHandler {
        private final Backend real;

        Recording(Backend real) {
            this.real = real;
        }

        @Override
        public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
            if (m.getDeclaringClass() == Object.class || m.getName().equals("name") || m.getName().equals("graphs")) {
                return invokeReal(m, args);
            }
            if (m.getName().equals("toArray")) {
                throw new IllegalStateException("traced function '" + name + "': a value was copied to the host while tracing"
                        + " (toArray, or to() between devices); a trace records device ops only, so return the tensor"
                        + " from the function and read it after call()");
            }
            Alloc.record();
            Object result;
            List<Object> made;
            try {
                result = invokeReal(m, args);
            } finally {
                made = Alloc.recorded();
            }
            Object[] template = args.clone();
            for (int i = 0; i < args.length; i++) {
                Object a = args[i];
                if (a instanceof Buffer b) {
                    template[i] = new Reg(register(b));
                } else if (a instanceof Buffer[] bs) {
                    int[] r = new int[bs.length];
                    for (int j = 0; j < bs.length; j++) r[j] = register(bs[j]);
                    template[i] = new Regs(r);
                } else if (a instanceof Double d && dynamics.containsKey(Double.doubleToRawLongBits(d))) {
                    template[i] = new Dynamic(dynamics.remove(Double.doubleToRawLongBits(d)));
                } else if (a instanceof Long seed && i + 1 < args.length && args[i + 1] instanceof Long offset) {
                    RngOffset at = draws.remove(seed + ":" + offset);
                    if (at != null) template[++i] = at;
                }
            }
            int[] out;
            if (result instanceof Buffer b) {
                out = new int[] {define(b, null)};
            } else {
                Buffer[] bs = (Buffer[]) result;
                out = new int[bs.length];
                for (int j = 0; j < bs.length; j++) out[j] = define(bs[j], null);
            }
            code.add(new Call(real, m, template, out));
            allocated.add(made);
            return result;
        }

        private Object invokeReal(Method m, Object[] args) throws Throwable {
            try {
                return m.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
