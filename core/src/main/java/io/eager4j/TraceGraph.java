package io.eager4j;

import io.eager4j.TraceProgram.Call;
import io.eager4j.TraceProgram.Host;
import io.eager4j.TraceProgram.Op;
import io.eager4j.TraceRecorder.Dynamic;
import io.eager4j.TraceRecorder.RngOffset;
import io.eager4j.internal.Backend;
import io.eager4j.internal.Buffer;
import io.eager4j.internal.Graphs;

/**
 * A trace replayed as one device graph (a CUDA graph). The graph works on buffers of its own at fixed
 * addresses: a call copies the arguments in, and variables that are not there already (the first
 * call, one assigned from outside); after the launch the variables it wrote hold those buffers
 * ({@link Variable#pinned}: a tensor sharing one gets a copy), and the results are copied out.
 * Changing scalars (Adam's bias correction, random offsets) go to the graph's parameter slots, set
 * on the host in program order with the host steps before each launch.
 */
final class TraceGraph {
    private final TraceProgram p;
    private final Graphs graphs;
    private final Graphs.Graph graph;
    private final Buffer[] regs;        // the capture's buffers, kept: the graph uses their addresses
    private final int[][] slots;        // per op: the slots of its changing scalars, or null
    private final int[] loadOf;         // per written variable: the register it is read from, or -1

    private TraceGraph(TraceProgram p, Graphs graphs, Graphs.Graph graph, Buffer[] regs, int[][] slots, int[] loadOf) {
        this.p = p;
        this.graphs = graphs;
        this.graph = graph;
        this.regs = regs;
        this.slots = slots;
        this.loadOf = loadOf;
    }

    /** The program as one graph, or null with the reason in {@code why[0]} where it cannot be one. */
    static TraceGraph capture(TraceProgram p, Tensor[] args, String[] why) {
        Backend backend = null;
        for (Op op : p.code) {
            if (!(op instanceof Call c)) continue;
            if (backend == null) backend = c.backend();
            if (c.backend() != backend) return refuse(why, "it runs on more than one device");
        }
        Graphs graphs = backend == null ? null : backend.graphs();
        if (graphs == null) return refuse(why, "the device has no graphs");
        int[][] slots = new int[p.code.length][];
        int next = 0;
        for (int i = 0; i < p.code.length; i++) {
            if (!(p.code[i] instanceof Call c)) continue;
            int dynamic = 0;
            for (Object a : c.template()) if (a instanceof Dynamic || a instanceof RngOffset) dynamic++;   // counted, not computed
            if (dynamic == 0) continue;
            if (!graphs.slotted(c.method().getName())) return refuse(why, c.op() + " takes a value that changes each step");
            slots[i] = new int[dynamic];
            for (int k = 0; k < dynamic; k++) slots[i][k] = next++;
        }
        Buffer[] regs = new Buffer[p.sources.length];
        int[] loadOf = new int[p.written.length];
        java.util.Arrays.fill(loadOf, -1);
        for (int r = 0; r < regs.length; r++) {
            switch (p.sources[r]) {
                case Integer arg -> regs[r] = graphs.like(args[arg].buffer);
                case Variable v -> {
                    regs[r] = graphs.like(v.buffer);
                    for (int j = 0; j < p.written.length; j++) if (p.written[j] == v) loadOf[j] = r;
                }
                case Buffer constant -> regs[r] = constant;
                case null, default -> { }
            }
        }
        long[] base = new long[p.rngs.length];
        graphs.begin(next);
        try {
            for (int i = 0; i < p.code.length; i++) {
                if (!(p.code[i] instanceof Call c)) continue;   // host steps run at each launch, on the host
                if (slots[i] != null) graphs.bindNext(slots[i]);
                c.run(regs, base);
            }
            for (int j = 0; j < p.written.length; j++) {
                if (loadOf[j] >= 0) graphs.copy(regs[loadOf[j]], regs[p.writtenFrom[j]]);   // the next launch reads it there
            }
            return new TraceGraph(p, graphs, graphs.end(), regs, slots, loadOf);
        } catch (RuntimeException e) {
            graphs.abort();
            return refuse(why, e.getMessage());
        }
    }

    private static TraceGraph refuse(String[] why, String reason) {
        why[0] = reason;
        return null;
    }

    Tensor[] run(Tensor[] args) {
        Rng[] rng = p.generators();
        long[] base = TraceProgram.offsets(rng);
        for (int i = 0; i < p.code.length; i++) {
            Op op = p.code[i];
            if (op instanceof Host h) {
                h.step().run();
            } else if (slots[i] != null) {
                long[] bits = ((Call) op).changing(base);
                for (int k = 0; k < bits.length; k++) graph.set(slots[i][k], bits[k]);
            }
        }
        for (int r = 0; r < regs.length; r++) {
            if (p.sources[r] instanceof Integer arg) graphs.copy(regs[r], args[arg].buffer);
            if (p.sources[r] instanceof Variable v && v.buffer != regs[r]) graphs.copy(regs[r], v.buffer);
        }
        graph.launch();
        for (int j = 0; j < p.written.length; j++) {
            if (loadOf[j] >= 0) p.written[j].pinned(regs[loadOf[j]]);
            else p.written[j].replayed(copyOf(regs[p.writtenFrom[j]]), false);
        }
        p.advance(rng);
        return p.results(regs, this::copyOf);   // the next launch overwrites the graph's own buffers
    }

    private Buffer copyOf(Buffer b) {
        Buffer c = graphs.like(b);
        graphs.copy(c, b);
        return c;
    }
}
