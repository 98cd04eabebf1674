package io.eager4j;

import io.eager4j.TraceRecorder.Dynamic;
import io.eager4j.TraceRecorder.Reg;
import io.eager4j.TraceRecorder.Regs;
import io.eager4j.TraceRecorder.RngOffset;
import io.eager4j.internal.Alloc;
import io.eager4j.internal.Backend;
import io.eager4j.internal.Buffer;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A recorded step, ready to replay: backend calls over numbered registers, host steps between them,
 * the variables it writes back and the results it returns. Replaying makes no tensors but the
 * results, no tape nodes and no checks; calls nothing uses are dropped, and CPU arrays that do not
 * outlive the step come from a plan that reuses them by liveness ({@link TracePlan}).
 */
final class TraceProgram {
    /** One step of the program. */
    interface Op {
        void run(Buffer[] regs, long[] rngBase);

        /** Registers read. */
        int[] inputs();

        /** Registers written. */
        int[] outputs();
    }

    /** Host state changed again at this point (an optimizer's step count). */
    record Host(Runnable step) implements Op {
        public void run(Buffer[] regs, long[] rngBase) {
            step.run();
        }

        public int[] inputs() {
            return new int[0];
        }

        public int[] outputs() {
            return new int[0];
        }
    }

    /**
     * A backend call: its argument template with registers, dynamic scalars and random offsets marked,
     * the positions of those marks, and a generated caller of its method ({@link TraceInvokers}).
     */
    record Call(Backend backend, Method method, Object[] template, int[] outputs, int[] marked, TraceInvokers.Invoker invoker)
            implements Op {
        Call(Backend backend, Method method, Object[] template, int[] outputs) {
            this(backend, method, template, outputs, marks(template), TraceInvokers.of(method));
        }

        private static int[] marks(Object[] template) {
            return java.util.stream.IntStream.range(0, template.length)
                    .filter(i -> template[i] instanceof Reg || template[i] instanceof Regs
                            || template[i] instanceof Dynamic || template[i] instanceof RngOffset)
                    .toArray();
        }

        public void run(Buffer[] regs, long[] rngBase) {
            Object[] args = template.clone();
            for (int i : marked) {
                args[i] = switch (template[i]) {
                    case Reg r -> regs[r.index()];
                    case Regs r -> {
                        Buffer[] bs = new Buffer[r.indices().length];
                        for (int j = 0; j < bs.length; j++) bs[j] = regs[r.indices()[j]];
                        yield bs;
                    }
                    case Dynamic d -> d.value().getAsDouble();
                    case RngOffset o -> rngBase[o.rng()] + o.delta();
                    default -> throw new IllegalStateException("traced call: argument " + template[i]);
                };
            }
            invoker.call(backend, args, regs, outputs);
        }

        /** The raw bits of this call's changing scalars, in argument order: what a graph's slots take. */
        long[] changing(long[] rngBase) {
            List<Long> bits = new ArrayList<>();
            for (Object a : template) {
                if (a instanceof Dynamic d) bits.add(Double.doubleToRawLongBits(d.value().getAsDouble()));
                if (a instanceof RngOffset o) bits.add(rngBase[o.rng()] + o.delta());
            }
            return bits.stream().mapToLong(Long::longValue).toArray();
        }

        public int[] inputs() {
            List<Integer> in = new ArrayList<>();
            for (Object a : template) {
                if (a instanceof Reg r) in.add(r.index());
                if (a instanceof Regs r) for (int i : r.indices()) in.add(i);
            }
            return in.stream().mapToInt(Integer::intValue).toArray();
        }

        /** The op and its shapes, such as {@code matmul float32 128x784 . 784x150}. */
        String op() {
            StringBuilder s = new StringBuilder(method.getName());
            for (Object a : template) {
                if (a instanceof Enum<?> e) s.append(' ').append(e.name().toLowerCase(java.util.Locale.ROOT));
                else if (a instanceof int[] shape) s.append(' ').append(java.util.Arrays.toString(shape));
                else if (a instanceof Integer n) s.append(' ').append(n);
            }
            return s.toString();
        }
    }

    record Result(int register, int[] shape, DType dtype, Device device) {}

    final String name;
    final Object[] sources;
    final Op[] code;
    final Variable[] written;
    final int[] writtenFrom;
    final Result[] results;
    final Rng[] rngs;
    private final boolean[] rngIsCurrent;
    private final long[] rngAdvance;
    private final BooleanSupplier[] guards;
    private final boolean[] guardValues;
    private final TracePlan plan;
    private final Object[] lastWritten;   // per written variable: the array this program last gave it
    private final boolean[] inPlace;      // per written variable: its next value may go over its current one
    private final boolean[] overwritten;  // per register: an input a call may write over (Backend.Overwritten)
    private final TraceProfile profile;   // null unless -Deager4j.trace.profile=true

    TraceProgram(TraceRecorder rec, Tensor[] out) {
        this.name = rec.name;
        rec.seal(out);
        this.sources = rec.sources.toArray();
        this.results = new Result[out.length];
        for (int i = 0; i < out.length; i++) {
            results[i] = out[i] == null ? null : new Result(rec.resultRegisters[i], out[i].shape, out[i].dtype, out[i].device);
        }
        this.written = rec.writeBack.keySet().toArray(new Variable[0]);
        this.writtenFrom = rec.writeBack.values().stream().mapToInt(Integer::intValue).toArray();
        this.rngs = rec.rngs.toArray(new Rng[0]);
        this.rngIsCurrent = new boolean[rngs.length];
        this.rngAdvance = new long[rngs.length];
        for (int i = 0; i < rngs.length; i++) {
            rngIsCurrent[i] = rec.rngIsCurrent.get(i);
            rngAdvance[i] = rec.rngSpan.get(i)[1] - rec.rngSpan.get(i)[0];
        }
        this.guards = rec.guards.toArray(new BooleanSupplier[0]);
        this.guardValues = new boolean[guards.length];
        for (int i = 0; i < guards.length; i++) guardValues[i] = rec.guardValues.get(i);

        boolean[] isResult = new boolean[sources.length];
        for (Result r : results) if (r != null) isResult[r.register()] = true;
        boolean[] escapes = isResult.clone();
        for (int r : writtenFrom) escapes[r] = true;
        List<Op> kept = new ArrayList<>();
        List<List<TracePlan.Ref>> keptAllocations = new ArrayList<>();
        liveOps(rec.code, escapes, rec.allocations, kept, keptAllocations);
        List<Op> fused = TraceFusion.fuse(kept, keptAllocations, escapes);
        this.code = fused.toArray(new Op[0]);
        this.plan = new TracePlan(code, keptAllocations, rec.registerArrays, escapes, writtenFrom, isResult);
        this.lastWritten = new Object[written.length];
        this.inPlace = new boolean[written.length];
        for (int j = 0; j < written.length; j++) inPlace[j] = inPlaceSafe(j);
        this.overwritten = new boolean[sources.length];
        for (Op op : code) if (op instanceof Call c) markOverwritten(c, overwritten);
        this.profile = TraceProfile.of(name, listing());
    }

    /** The registers {@code c} may write over: its arguments at the parameters marked {@link Backend.Overwritten}. */
    private static void markOverwritten(Call c, boolean[] overwritten) {
        java.lang.annotation.Annotation[][] marks = c.method().getParameterAnnotations();
        for (int k = 0; k < marks.length; k++) {
            boolean marked = java.util.Arrays.stream(marks[k]).anyMatch(a -> a instanceof Backend.Overwritten);
            if (marked && c.template()[k] instanceof Reg reg) overwritten[reg.index()] = true;
        }
    }

    /** Keeps host steps and the calls whose results are needed, walking back from what escapes. */
    private static void liveOps(List<Op> code, boolean[] escapes, List<List<TracePlan.Ref>> allocations,
                                List<Op> kept, List<List<TracePlan.Ref>> keptAllocations) {
        boolean[] needed = escapes.clone();
        boolean[] keep = new boolean[code.size()];
        for (int i = code.size() - 1; i >= 0; i--) {
            Op op = code.get(i);
            boolean live = op instanceof Host;
            for (int r : op.outputs()) live |= needed[r];
            if (!live) continue;
            keep[i] = true;
            for (int r : op.inputs()) needed[r] = true;
        }
        for (int i = 0; i < code.size(); i++) {
            if (!keep[i]) continue;
            kept.add(code.get(i));
            keptAllocations.add(allocations.get(i));
        }
    }

    String name() {
        return name;
    }

    int size() {
        return code.length;
    }

    TracePlan plan() {
        return plan;
    }

    /** True when every mode the trace branched on has the value it had. */
    boolean guardsHold() {
        for (int i = 0; i < guards.length; i++) if (guards[i].getAsBoolean() != guardValues[i]) return false;
        return true;
    }

    private static final boolean GRAPHS = !"false".equals(System.getProperty("eager4j.cuda.graphs"));
    private TraceGraph graph;
    private boolean graphTried;

    /** A replay: as one device graph where the program runs on a device that has them, else op by op. */
    synchronized Tensor[] run(Tensor[] args) {
        if (!graphTried && GRAPHS && onDevice()) {
            graphTried = true;
            String[] why = new String[1];
            graph = TraceGraph.capture(this, args, why);
            if (graph == null && !"1".equals(System.getenv("EAGER4J_QUIET"))) {
                System.err.println("eager4j: traced '" + name + "' replays op by op, not as one graph: " + why[0]);
            }
        }
        return graph != null ? graph.run(args) : replay(args);
    }

    /** True when some call runs off the CPU: only devices have graphs. */
    private boolean onDevice() {
        for (Op op : code) if (op instanceof Call c && c.backend().graphs() != null) return true;
        return false;
    }

    /** One line on what a replay runs: ops, and whether as one graph. */
    String describe() {
        return code.length + " ops" + (graph != null ? ", one CUDA graph" : graphTried ? ", op by op" : "");
    }

    private Tensor[] replay(Tensor[] args) {
        checkInPlace();
        Buffer[] regs = new Buffer[sources.length];
        for (int r = 0; r < sources.length; r++) {
            switch (sources[r]) {
                case Integer arg -> regs[r] = args[arg].buffer;
                // a moment some tensor shares (a checkpoint read it) is copied first: Adam may write over it
                case Variable v -> regs[r] = overwritten[r] && v.exposed ? v.copyBuffer() : v.buffer;
                case Buffer constant -> regs[r] = constant;
                case null -> { }
                default -> throw new IllegalStateException("register source " + sources[r]);
            }
        }
        Rng[] rng = generators();
        long[] base = offsets(rng);
        Alloc.enter();
        try {
            for (int i = 0; i < code.length; i++) {
                Alloc.plan(plan.arrays(i));
                long t0 = profile == null ? 0 : System.nanoTime();
                code[i].run(regs, base);
                if (profile != null) profile.add(i, System.nanoTime() - t0);
                plan.after(i);
            }
            if (profile != null) profile.replayed();
        } finally {
            Alloc.exit();
        }
        writeBack(regs);
        advance(rng);
        return results(regs, java.util.function.UnaryOperator.identity());
    }

    /** The generators this replay draws from: the thread's own where the trace drew from its own. */
    Rng[] generators() {
        Rng[] rng = new Rng[rngs.length];
        for (int i = 0; i < rng.length; i++) rng[i] = rngIsCurrent[i] ? Rng.current() : rngs[i];
        return rng;
    }

    static long[] offsets(Rng[] rng) {
        long[] base = new long[rng.length];
        for (int i = 0; i < rng.length; i++) base[i] = rng[i].offset();
        return base;
    }

    /** After a replay: each generator moves on as the eager run's did. */
    void advance(Rng[] rng) {
        for (int i = 0; i < rng.length; i++) rng[i].skip(rngAdvance[i]);
    }

    /** The replay's results as tensors, each buffer through {@code own} (a graph copies its own out). */
    Tensor[] results(Buffer[] regs, java.util.function.UnaryOperator<Buffer> own) {
        Tensor[] out = new Tensor[results.length];
        for (int i = 0; i < out.length; i++) {
            Result r = results[i];
            if (r != null) out[i] = new Tensor(r.shape(), r.dtype(), r.device(), own.apply(regs[r.register()]));
        }
        return out;
    }

    /**
     * Gives each written variable its new value. The value it had goes back to the plan for the next
     * step's value when this program made it and nothing else can hold it: not exposed to other
     * tensors, not a result, not another variable's value.
     */
    private void writeBack(Buffer[] regs) {
        for (int j = 0; j < written.length; j++) {
            Variable v = written[j];
            Object old = Alloc.arrayOf(v.buffer), now = Alloc.arrayOf(regs[writtenFrom[j]]), previous = lastWritten[j];
            lastWritten[j] = now;
            if (inPlace[j] && now != null && !heldByResult(now, regs) && heldByVariables(now, regs) == 1) {
                plan.spare(j, now);   // the next value is written over this one; sharing the variable copies it
                v.pinned(regs[writtenFrom[j]]);
                continue;
            }
            boolean free = old != null && old == previous && !v.exposed && !heldBy(old, regs);
            plan.spare(j, free ? old : null);
            v.replayed(regs[writtenFrom[j]], now == null || heldByResult(now, regs));
        }
    }

    /** Before a replay: a variable updated in place must still hold this program's array (not one assigned since). */
    private void checkInPlace() {
        for (int j = 0; j < written.length; j++) {
            if (inPlace[j] && (!written[j].pinned || Alloc.arrayOf(written[j].buffer) != lastWritten[j])) plan.spare(j, null);
        }
    }

    private int heldByVariables(Object array, Buffer[] regs) {
        int n = 0;
        for (int r : writtenFrom) if (Alloc.arrayOf(regs[r]) == array) n++;
        return n;
    }

    /**
     * True when variable j's next value may be written over its current one: nothing reads the old value
     * after the op that makes the new one, and that op reads it, if at all, element by element at the
     * same index (Adam, an elementwise op or chain whose full-shape operand it is).
     */
    private boolean inPlaceSafe(int j) {
        int load = -1, producer = -1;
        for (int r = 0; r < sources.length; r++) if (sources[r] == written[j]) load = r;
        for (int i = 0; i < code.length; i++) for (int r : code[i].outputs()) if (r == writtenFrom[j]) producer = i;
        if (producer < 0) return false;
        if (load < 0) return true;
        for (int i = producer + 1; i < code.length; i++) for (int r : code[i].inputs()) if (r == load) return false;
        for (int r : code[producer].inputs()) if (r == load) return aligned(code[producer], load);
        return true;
    }

    private static boolean aligned(Op op, int reg) {
        if (op instanceof TraceFusion.Chain c) return c.main() == reg && java.util.Arrays.stream(c.others()).noneMatch(o -> o == reg);
        if (!(op instanceof Call c)) return false;
        Object[] t = c.template();
        return switch (c.method().getName()) {
            case "adam" -> isReg(t[1], reg) && !isReg(t[2], reg) && !isReg(t[3], reg) && !isReg(t[4], reg);
            case "unary", "clip" -> true;
            case "binary" -> (!isReg(t[2], reg) || java.util.Arrays.equals((int[]) t[3], (int[]) t[6]))
                    && (!isReg(t[4], reg) || java.util.Arrays.equals((int[]) t[5], (int[]) t[6]));
            default -> false;
        };
    }

    private static boolean isReg(Object o, int reg) {
        return o instanceof Reg r && r.index() == reg;
    }

    private boolean heldBy(Object array, Buffer[] regs) {
        return heldByVariables(array, regs) > 0 || heldByResult(array, regs);
    }

    private boolean heldByResult(Object array, Buffer[] regs) {
        for (Result r : results) if (r != null && Alloc.arrayOf(regs[r.register()]) == array) return true;
        return false;
    }

    /** The ops in order, one per line, for logs and tests. */
    String listing() {
        StringBuilder s = new StringBuilder();
        for (Op op : code) {
            s.append(switch (op) {
                case Call c -> c.op();
                case TraceFusion.Chain c -> "fused " + c.length() + " elementwise ops";
                default -> "host step";
            }).append('\n');
        }
        return s.toString();
    }
}
