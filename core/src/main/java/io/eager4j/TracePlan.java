package io.eager4j;

import io.eager4j.TraceProgram.Op;
import io.eager4j.internal.Alloc;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The buffer plan of a trace: which array each CPU allocation of a replay gets. An array that
 * outlives the step as a result is made fresh each time. A variable's new value goes into the array
 * the program says is free for it ({@link #spare}): its current one where the update may be done in
 * place, else that of its value before last when nothing else can hold that one. Every other array is taken from a pool when
 * its op runs and given back after the last op that reads it, so arrays are shared only by values
 * whose lifetimes do not overlap.
 */
final class TracePlan {
    /** Tests set this to fill each array with NaN when it is given back: a plan that reused a live array shows. */
    static volatile boolean poisonFreed;

    /** Stands for an array of the traced run, so the plan keeps none of them alive. */
    record Ref(Class<?> type, int length) {}

    /** An array of the plan, made at its first use (after the traced run's arrays can be collected). */
    private static final class Slot {
        final Ref shape;
        Object array;

        Slot(Ref shape) {
            this.shape = shape;
        }

        Object get() {
            if (array == null) array = java.lang.reflect.Array.newInstance(shape.type().getComponentType(), shape.length());
            return array;
        }
    }

    private final Slot[][] slots;          // per op, in the order it asks; null: made fresh
    private final Object[][] arrays;       // per op, the slots' arrays handed out
    private final Slot[][] freedAfter;     // per op, slots whose last reader it is
    private final int[][] spareAt;         // per op: {k, variable} pairs, allocation k taking that variable's spare
    private final Object[] spares;         // per written variable: an array free for its next value, or null

    TracePlan(Op[] code, List<List<Ref>> allocations, List<Ref> registerArrays, boolean[] escapes,
              int[] writtenFrom, boolean[] results) {
        int regs = registerArrays.size();
        int[] lastUse = new int[regs];
        Arrays.fill(lastUse, -1);
        for (int i = 0; i < code.length; i++) {
            for (int r : code[i].outputs()) lastUse[r] = Math.max(lastUse[r], i);
            for (int r : code[i].inputs()) lastUse[r] = Math.max(lastUse[r], i);
        }
        // one array may stand behind several registers (an op that returns its input): the widest wins
        Map<Ref, Integer> last = new IdentityHashMap<>();
        Map<Ref, Boolean> escaping = new IdentityHashMap<>();
        for (int r = 0; r < regs; r++) {
            Ref a = registerArrays.get(r);
            if (a == null) continue;
            last.merge(a, lastUse[r], Math::max);
            escaping.merge(a, escapes[r] || lastUse[r] < 0, Boolean::logicalOr);
        }
        Map<Ref, Integer> writes = new IdentityHashMap<>();
        for (int j = 0; j < writtenFrom.length; j++) {
            Ref a = registerArrays.get(writtenFrom[j]);
            if (a != null && writes.putIfAbsent(a, j) != null) writes.put(a, -1);   // two variables, one array: never reused
        }
        for (int r = 0; r < regs; r++) if (results[r] && registerArrays.get(r) != null) writes.put(registerArrays.get(r), -1);
        spares = new Object[writtenFrom.length];
        spareAt = new int[code.length][];
        slots = new Slot[code.length][];
        arrays = new Object[code.length][];
        List<List<Slot>> freed = new ArrayList<>();
        for (int i = 0; i < code.length; i++) freed.add(new ArrayList<>());
        Map<Ref, ArrayDeque<Slot>> pool = new HashMap<>();   // by value: type and length
        for (int i = 0; i < code.length; i++) {
            List<Ref> made = allocations.get(i);
            slots[i] = new Slot[made.size()];
            arrays[i] = new Object[made.size()];
            List<Integer> at = new ArrayList<>();
            for (int k = 0; k < made.size(); k++) {
                Ref a = made.get(k);
                int j = writes.getOrDefault(a, -1);
                if (j >= 0) {
                    at.add(k);
                    at.add(j);
                }
                if (escaping.getOrDefault(a, false)) continue;   // made fresh (or a spare): it outlives the step
                ArrayDeque<Slot> free = pool.get(a);   // Refs are equal by type and length: the pool's key
                Slot physical = free != null && !free.isEmpty() ? free.pop() : new Slot(a);
                slots[i][k] = physical;
                freed.get(Math.max(i, last.getOrDefault(a, i))).add(physical);
            }
            spareAt[i] = at.stream().mapToInt(Integer::intValue).toArray();
            for (Slot physical : freed.get(i)) pool.computeIfAbsent(physical.shape, key -> new ArrayDeque<>()).push(physical);
        }
        freedAfter = new Slot[code.length][];
        for (int i = 0; i < code.length; i++) freedAfter[i] = freed.get(i).toArray(new Slot[0]);
    }

    Object[] arrays(int op) {
        Slot[] s = slots[op];
        for (int k = 0; k < s.length; k++) arrays[op][k] = s[k] == null ? null : s[k].get();
        int[] at = spareAt[op];
        for (int p = 0; p < at.length; p += 2) {
            arrays[op][at[p]] = spares[at[p + 1]];
            spares[at[p + 1]] = null;   // taken: it holds the new value now
        }
        return arrays[op];
    }

    /** After a replay: {@code array}, variable j's value before this step's, may take its next value. */
    void spare(int j, Object array) {
        spares[j] = array;
    }

    void after(int op) {
        if (!poisonFreed) return;
        for (Slot s : freedAfter[op]) Alloc.poison(s.get());
    }

    /** Arrays the plan holds, and the allocations they serve: reuse at a glance. */
    int[] counts() {
        IdentityHashMap<Slot, Boolean> distinct = new IdentityHashMap<>();
        int served = 0;
        for (Slot[] op : slots) for (Slot a : op) if (a != null) { distinct.put(a, true); served++; }
        return new int[] {distinct.size(), served};
    }
}
