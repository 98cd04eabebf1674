package io.eager4j;

import java.util.Arrays;

/**
 * The per-thread stack of open tapes and the one way every op, built-in or custom, is recorded.
 * Never global: each thread has its own stack, so threads train independently.
 */
final class Autograd {
    /** Backward rule: one gradient per input ({@code null} where not needed), written with tensor ops. */
    @FunctionalInterface
    interface Backward {
        Tensor[] apply(Tensor grad, boolean[] needed);
    }

    /** One recorded op; shared by every tape that saw it. */
    record Node(String op, Tensor[] inputs, Tensor out, Backward backward, int[] versions) {}

    static final class State {
        GradientTape[] tapes = new GradientTape[4];
        int size;
        int paused;   // > 0 inside noGrad and custom-op forwards
    }

    private static final ThreadLocal<State> STATE = ThreadLocal.withInitial(State::new);

    private Autograd() {}

    static void push(GradientTape tape) {
        State s = STATE.get();
        if (s.size == s.tapes.length) {
            s.tapes = Arrays.copyOf(s.tapes, s.size * 2);
        }
        s.tapes[s.size++] = tape;
    }

    static void pop(GradientTape tape) {
        State s = STATE.get();
        for (int i = s.size - 1; i >= 0; i--) {
            if (s.tapes[i] == tape) {
                System.arraycopy(s.tapes, i + 1, s.tapes, i, s.size - i - 1);
                s.tapes[--s.size] = null;
                return;
            }
        }
    }

    /** Whether some open tape records now: a backward pass run for a first-order gradient has none. */
    static boolean recording() {
        State s = STATE.get();
        if (s.paused > 0) return false;
        for (int t = 0; t < s.size; t++) if (s.tapes[t].recording) return true;
        return false;
    }

    /** True when some open tape could record an op right now. */
    static boolean active() {
        State s = STATE.get();
        return s.size > 0 && s.paused == 0;
    }

    /** Records {@code out = op(inputs)} on every open tape that tracks one of the inputs; returns out. */
    static Tensor record(String op, Tensor out, Tensor[] inputs, Backward backward) {
        State s = STATE.get();
        if (s.size == 0 || s.paused > 0 || !out.dtype.isFloating()) {
            return out;
        }
        Node node = null;
        for (int t = 0; t < s.size; t++) {
            GradientTape tape = s.tapes[t];
            if (tape.recording && tape.tracksAny(inputs)) {
                if (node == null) {
                    node = new Node(op, inputs, out, backward, versions(inputs));
                }
                tape.add(node);
            }
        }
        return out;
    }

    private static int[] versions(Tensor[] inputs) {
        int[] v = null;
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] instanceof Variable var) {
                if (v == null) {
                    v = new int[inputs.length];
                    Arrays.fill(v, -1);
                }
                v[i] = var.version();
            }
        }
        return v;
    }

    /** Pauses recording on this thread until the returned scope closes. */
    static GradientTape.NoGrad pause() {
        State s = STATE.get();
        s.paused++;
        return () -> s.paused--;
    }
}
