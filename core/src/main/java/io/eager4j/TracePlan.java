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
 * of its value before last, when nothing else can hold that one (see {@link #spare}): variables
 * then alternate between two arrays that stay in cache. Every other array is taken from a pool when
 * its op runs and given back after the last op that reads it, so arrays are shared only by values
 * whose lifetimes do not overlap.
 */
final class TracePlan {
    /** Tests set this to fill each array with NaN when it is given back: a plan that reused a live array shows. */
    static volatile boolean poisonFreed;

    private final Object[][] arrays;       // per op, in the order it asks
    private final Object[][] freedAfter;   // per op, arrays whose last reader it is
    private final int[][] spareAt;         // per op: {k, variable} pairs, allocation k taking that variable's spare
    private final Object[] spares;         // per written variable: an array free for its next value, or null

    TracePlan(Op[] code, List<List<Object>> allocations, List<Object> registerArrays, boolean[] escapes,
              int[] writtenFrom, boolean[] results) {
        int regs = registerArrays.size();
        int[] lastUse = new int[regs];
        Arrays.fill(lastUse, -1);
        for (int i = 0; i < code.length; i++) {
            for (int r : code[i].outputs()) lastUse[r] = Math.max(lastUse[r], i);
            for (int r : code[i].inputs()) lastUse[r] = Math.max(lastUse[r], i);
        }
        // one array may stand behind several registers (an op that returns its input): the widest wins
        Map<Object, Integer> last = new IdentityHashMap<>();
        Map<Object, Boolean> escaping = new IdentityHashMap<>();
        for (int r = 0; r < regs; r++) {
            Object a = registerArrays.get(r);
            if (a == null) continue;
            last.merge(a, lastUse[r], Math::max);
            escaping.merge(a, escapes[r] || lastUse[r] < 0, Boolean::logicalOr);
        }
        Map<Object, Integer> writes = new IdentityHashMap<>();
        for (int j = 0; j < writtenFrom.length; j++) {
            Object a = registerArrays.get(writtenFrom[j]);
            if (a != null && writes.putIfAbsent(a, j) != null) writes.put(a, -1);   // two variables, one array: never reused
        }
        for (int r = 0; r < regs; r++) if (results[r] && registerArrays.get(r) != null) writes.put(registerArrays.get(r), -1);
        spares = new Object[writtenFrom.length];
        spareAt = new int[code.length][];
        arrays = new Object[code.length][];
        List<List<Object>> freed = new ArrayList<>();
        for (int i = 0; i < code.length; i++) freed.add(new ArrayList<>());
        Map<String, ArrayDeque<Object>> pool = new HashMap<>();
        for (int i = 0; i < code.length; i++) {
            List<Object> made = allocations.get(i);
            arrays[i] = new Object[made.size()];
            List<Integer> at = new ArrayList<>();
            for (int k = 0; k < made.size(); k++) {
                Object a = made.get(k);
                int j = writes.getOrDefault(a, -1);
                if (j >= 0) {
                    at.add(k);
                    at.add(j);
                }
                if (escaping.getOrDefault(a, false)) continue;   // made fresh (or a spare): it outlives the step
                String key = a.getClass().getName() + java.lang.reflect.Array.getLength(a);
                ArrayDeque<Object> free = pool.get(key);
                Object physical = free != null && !free.isEmpty() ? free.pop()
                        : java.lang.reflect.Array.newInstance(a.getClass().getComponentType(), java.lang.reflect.Array.getLength(a));
                arrays[i][k] = physical;
                freed.get(Math.max(i, last.getOrDefault(a, i))).add(physical);
            }
            spareAt[i] = at.stream().mapToInt(Integer::intValue).toArray();
            for (Object physical : freed.get(i)) {
                pool.computeIfAbsent(physical.getClass().getName() + java.lang.reflect.Array.getLength(physical),
                        key -> new ArrayDeque<>()).push(physical);
            }
        }
        freedAfter = new Object[code.length][];
        for (int i = 0; i < code.length; i++) freedAfter[i] = freed.get(i).toArray();
    }

    Object[] arrays(int op) {
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
        for (Object a : freedAfter[op]) Alloc.poison(a);
    }

    /** Arrays the plan holds, and the allocations they serve: reuse at a glance. */
    int[] counts() {
        IdentityHashMap<Object, Boolean> distinct = new IdentityHashMap<>();
        int served = 0;
        for (Object[] op : arrays) for (Object a : op) if (a != null) { distinct.put(a, true); served++; }
        return new int[] {distinct.size(), served};
    }
}
