package io.eager4j;

import io.eager4j.TraceProgram.Call;
import io.eager4j.TraceProgram.Op;
import io.eager4j.TraceRecorder.Reg;
import io.eager4j.internal.Backend;
import io.eager4j.internal.Backend.Binary;
import io.eager4j.internal.Backend.Unary;
import io.eager4j.internal.Buffer;
import io.eager4j.internal.FusedElementwise;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rewrites a trace's elementwise pairs into the one-pass primitives the backends define as those
 * very compositions, so results stay bit for bit the same: {@code relu(x + bias)} becomes
 * {@link Backend#biasRelu} and {@code g * sign(relu(...))} becomes {@link Backend#reluGrad}. Only where
 * the intermediate has no other reader and does not leave the step.
 */
final class TraceFusion {
    private static final Method BIAS_RELU = method("biasRelu", DType.class, Buffer.class, int[].class, Buffer.class);
    private static final Method RELU_GRAD = method("reluGrad", DType.class, Buffer.class, Buffer.class);

    /** Tests turn fusion off to compare. */
    static volatile boolean enabled = !"false".equals(System.getProperty("eager4j.trace.fuse"));

    /**
     * Results smaller than this many elements are not fused. Measured on the seed (results of 1,280 and
     * 19,200 elements, in cache either way), fusing its pairs and chains made a traced run 2-5% slower:
     * C2 had tuned the separate loops, and the one-pass kernels came into use later. Tests set 0.
     */
    static volatile int minElements = Integer.getInteger("eager4j.trace.fuseFrom", 1 << 16);

    private TraceFusion() {}

    static List<Op> fuse(List<Op> code, List<List<TracePlan.Ref>> allocations, boolean[] escapes) {
        if (!enabled) return code;
        int[] readers = new int[escapes.length];
        int[] producer = new int[escapes.length];
        Arrays.fill(producer, -1);
        for (int i = 0; i < code.size(); i++) {
            for (int r : code.get(i).inputs()) readers[r]++;
            for (int r : code.get(i).outputs()) producer[r] = i;
        }
        Op[] ops = code.toArray(new Op[0]);
        boolean[] large = new boolean[ops.length];   // CPU results worth a pass of their own (device ones: always)
        for (int i = 0; i < ops.length; i++) {
            List<TracePlan.Ref> made = allocations.get(i);
            large[i] = made.isEmpty() || made.get(0).length() >= minElements;
        }
        for (int j = 0; j < ops.length; j++) {
            if (!large[j]) continue;
            if (!(ops[j] instanceof Call c)) continue;
            Object[] t = c.template();
            if (is(c, "unary") && t[0] == Unary.RELU) {
                // relu(add(x, bias)) with bias one row of the last axis
                Call add = single(ops, producer, readers, escapes, reg(t[2]));
                if (add == null || !is(add, "binary") || add.template()[0] != Binary.ADD) continue;
                Object[] a = add.template();
                int[] xShape = (int[]) a[3], bShape = (int[]) a[5], out = (int[]) a[6];
                if (!Arrays.equals(xShape, out) || bShape.length != 1 || out.length < 1 || bShape[0] != out[out.length - 1]) continue;
                ops[j] = new Call(c.backend(), BIAS_RELU, new Object[] {t[1], a[2], out, a[4]}, c.outputs());
                ops[producer[reg(t[2])]] = null;
            } else if (is(c, "binary") && t[0] == Binary.MUL && Arrays.equals((int[]) t[3], (int[]) t[5])
                    && Arrays.equals((int[]) t[3], (int[]) t[6])) {
                // mul(g, sign(out)) with out a relu's output: reluGrad(g, out)
                Call sign = single(ops, producer, readers, escapes, reg(t[4]));
                if (sign == null || !is(sign, "unary") || sign.template()[0] != Unary.SIGN) continue;
                int from = reg(sign.template()[2]);
                if (!fromRelu(ops, producer, from)) continue;
                ops[j] = new Call(c.backend(), RELU_GRAD, new Object[] {t[1], t[2], sign.template()[2]}, c.outputs());
                ops[producer[reg(t[4])]] = null;
            }
        }
        chains(ops, escapes, large);
        List<Op> fused = new ArrayList<>();
        List<List<TracePlan.Ref>> fusedAllocations = new ArrayList<>();
        for (int i = 0; i < ops.length; i++) {
            if (ops[i] == null) continue;
            fused.add(ops[i]);
            fusedAllocations.add(allocations.get(i));   // the consumer's own output array stands for the pair's
        }
        allocations.clear();
        allocations.addAll(fusedAllocations);
        return fused;
    }

    /**
     * A float32 elementwise op on the CPU as a step of a chain: {main register, other register or -1}
     * and its {@link FusedElementwise.Step}; null when it cannot be one.
     */
    private record Link(int main, int other, FusedElementwise.Step step) {}

    private static Link link(Op op) {
        if (!(op instanceof Call c) || !(c.backend() instanceof io.eager4j.internal.FastCpuBackend)) return null;
        Object[] t = c.template();
        switch (c.method().getName()) {
            case "unary" -> {
                return t[1] == DType.FLOAT32 ? new Link(reg(t[2]), -1, FusedElementwise.Step.of((Unary) t[0])) : null;
            }
            case "clip" -> {
                return t[0] == DType.FLOAT32 ? new Link(reg(t[1]), -1, FusedElementwise.Step.clip((Double) t[2], (Double) t[3])) : null;
            }
            case "binary" -> {
                if (t[1] != DType.FLOAT32) return null;
                int[] aShape = (int[]) t[3], bShape = (int[]) t[5], out = (int[]) t[6];
                boolean first = Arrays.equals(aShape, out);
                if (!first && !Arrays.equals(bShape, out)) return null;
                FusedElementwise.Step s = FusedElementwise.Step.of((Binary) t[0], first ? bShape : aShape, out, first);
                return s == null ? null : new Link(reg(first ? t[2] : t[4]), reg(first ? t[4] : t[2]), s);
            }
            default -> {
                return null;
            }
        }
    }

    /**
     * Chains of CPU float32 elementwise ops, each reading the one before as its only reader, become
     * one pass ({@link FusedElementwise}) where the chain's last op stood. Registers are written once,
     * so running the chain there reads every operand after it was made.
     */
    private static void chains(Op[] ops, boolean[] escapes, boolean[] large) {
        int[] readers = new int[escapes.length], producer = new int[escapes.length];
        Arrays.fill(producer, -1);
        for (int i = 0; i < ops.length; i++) {
            if (ops[i] == null) continue;
            for (int r : ops[i].inputs()) readers[r]++;
            for (int r : ops[i].outputs()) producer[r] = i;
        }
        Link[] links = new Link[ops.length];
        int[] before = new int[ops.length];   // the chain's previous op, or -1
        boolean[] continued = new boolean[ops.length];
        for (int j = 0; j < ops.length; j++) {
            before[j] = -1;
            if (ops[j] == null || (links[j] = link(ops[j])) == null || links[j].main() < 0) continue;
            int m = links[j].main(), i = producer[m];
            if (i >= 0 && links[i] != null && ops[i].outputs().length == 1 && readers[m] == 1 && !escapes[m]
                    && links[j].other() != m && ((Call) ops[i]).backend() == ((Call) ops[j]).backend()) {
                before[j] = i;
                continued[i] = true;
            }
        }
        for (int j = ops.length - 1; j >= 0; j--) {
            if (links[j] == null || continued[j] || before[j] < 0 || !large[j]) continue;   // a chain's last op, of two or more
            List<Integer> chain = new ArrayList<>();
            for (int k = j; k >= 0; k = before[k]) chain.add(0, k);
            FusedElementwise.Step[] steps = new FusedElementwise.Step[chain.size()];
            int[] others = new int[chain.size()];
            for (int k = 0; k < steps.length; k++) {
                steps[k] = links[chain.get(k)].step();
                others[k] = links[chain.get(k)].other();
            }
            Call last = (Call) ops[j];
            ops[j] = new Chain(last.backend(), links[chain.get(0)].main(), steps, others, last.outputs()[0], chain.size());
            for (int k = 0; k < chain.size() - 1; k++) ops[chain.get(k)] = null;   // their arrays are the chain's business now
        }
    }

    /** A fused chain of elementwise ops: one pass, one result array. */
    record Chain(Backend backend, int main, FusedElementwise.Step[] steps, int[] others, int out, int length) implements Op {
        public void run(Buffer[] regs, long[] rngBase) {
            Buffer[] o = new Buffer[others.length];
            for (int k = 0; k < o.length; k++) o[k] = others[k] < 0 ? null : regs[others[k]];
            regs[out] = FusedElementwise.run(regs[main], steps, o);
        }

        public int[] inputs() {
            return java.util.stream.IntStream.concat(java.util.stream.IntStream.of(main),
                    Arrays.stream(others).filter(r -> r >= 0)).toArray();
        }

        public int[] outputs() {
            return new int[] {out};
        }
    }

    /** The call that made register r, if nothing else reads r and it stays inside the step. */
    private static Call single(Op[] ops, int[] producer, int[] readers, boolean[] escapes, int r) {
        if (r < 0 || readers[r] != 1 || escapes[r] || producer[r] < 0) return null;
        return ops[producer[r]] instanceof Call c && c.outputs().length == 1 ? c : null;
    }

    private static boolean fromRelu(Op[] ops, int[] producer, int r) {
        if (producer[r] < 0 || !(ops[producer[r]] instanceof Call c)) return false;
        return (is(c, "unary") && c.template()[0] == Unary.RELU) || c.method().equals(BIAS_RELU);
    }

    private static boolean is(Call c, String name) {
        return c.method().getName().equals(name);
    }

    private static int reg(Object o) {
        return o instanceof Reg r ? r.index() : -1;
    }

    private static Method method(String name, Class<?>... types) {
        try {
            return Backend.class.getMethod(name, types);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
