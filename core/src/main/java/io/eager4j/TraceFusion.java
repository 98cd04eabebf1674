package io.eager4j;

import io.eager4j.TraceProgram.Call;
import io.eager4j.TraceProgram.Op;
import io.eager4j.TraceRecorder.Reg;
import io.eager4j.internal.Backend;
import io.eager4j.internal.Backend.Binary;
import io.eager4j.internal.Backend.Unary;
import io.eager4j.internal.Buffer;
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
        for (int j = 0; j < ops.length; j++) {
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
                drop(ops, producer[reg(t[2])]);
            } else if (is(c, "binary") && t[0] == Binary.MUL && Arrays.equals((int[]) t[3], (int[]) t[5])
                    && Arrays.equals((int[]) t[3], (int[]) t[6])) {
                // mul(g, sign(out)) with out a relu's output: reluGrad(g, out)
                Call sign = single(ops, producer, readers, escapes, reg(t[4]));
                if (sign == null || !is(sign, "unary") || sign.template()[0] != Unary.SIGN) continue;
                int from = reg(sign.template()[2]);
                if (!fromRelu(ops, producer, from)) continue;
                ops[j] = new Call(c.backend(), RELU_GRAD, new Object[] {t[1], t[2], sign.template()[2]}, c.outputs());
                drop(ops, producer[reg(t[4])]);
            }
        }
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

    /** The call that made register r, if nothing else reads r and it stays inside the step. */
    private static Call single(Op[] ops, int[] producer, int[] readers, boolean[] escapes, int r) {
        if (r < 0 || readers[r] != 1 || escapes[r] || producer[r] < 0) return null;
        return ops[producer[r]] instanceof Call c && c.outputs().length == 1 ? c : null;
    }

    private static boolean fromRelu(Op[] ops, int[] producer, int r) {
        if (producer[r] < 0 || !(ops[producer[r]] instanceof Call c)) return false;
        return (is(c, "unary") && c.template()[0] == Unary.RELU) || c.method().equals(BIAS_RELU);
    }

    private static void drop(Op[] ops, int i) {
        ops[i] = null;
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
