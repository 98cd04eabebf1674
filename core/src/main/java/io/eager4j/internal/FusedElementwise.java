package io.eager4j.internal;

import io.eager4j.internal.Backend.Binary;
import io.eager4j.internal.Backend.Unary;
import io.eager4j.internal.FastCpuBackend.Layout;

/**
 * A chain of float32 elementwise ops in one pass over the data (a trace's fusion): each block of the
 * chain's main operand goes through every step while it is in cache. Each step computes exactly what
 * {@link FastCpuBackend}'s kernel for it computes, element by element, and every intermediate is
 * rounded to float as it was, so the result has the same bits as the ops one by one. Not API.
 */
public final class FusedElementwise {
    private static final int BLOCK = 512;

    /** One op of a chain: a unary op, a clip, or a binary op with its other operand's layout. */
    public record Step(Unary unary, Binary binary, float lo, float hi, Layout layout, boolean mainFirst, int cols) {
        public static Step of(Unary u) {
            return new Step(u, null, 0, 0, null, true, 1);
        }

        public static Step clip(double lo, double hi) {
            return new Step(null, null, (float) lo, (float) hi, null, true, 1);
        }

        /** {@code mainFirst}: the chain's value is the op's first operand. Null when the layout has no fast path. */
        public static Step of(Binary b, int[] otherShape, int[] out, boolean mainFirst) {
            if (b.isComparison()) return null;
            Layout l = Layout.of(otherShape, out);
            return l == null ? null : new Step(null, b, 0, 0, l, mainFirst, out.length == 0 ? 1 : out[out.length - 1]);
        }

        boolean isClip() {
            return unary == null && binary == null;
        }
    }

    private FusedElementwise() {}

    /** The chain over {@code main}; {@code others[k]} is step k's other operand, or null. */
    public static Buffer run(Buffer main, Step[] steps, Buffer[] others) {
        float[] x = ((CpuBuffer) main).floats();
        float[][] o = new float[others.length][];
        for (int k = 0; k < others.length; k++) o[k] = others[k] == null ? null : ((CpuBuffer) others[k]).floats();
        int n = x.length;
        float[] r = Alloc.floatsOverwritten(n);
        float[] buf = new float[Math.min(BLOCK, n)], tail = new float[n % BLOCK];
        for (int s = 0; s < n; s += BLOCK) {
            float[] v = n - s >= BLOCK ? buf : tail;   // whole arrays, so the backend's own loops serve
            System.arraycopy(x, s, v, 0, v.length);
            for (int k = 0; k < steps.length; k++) apply(steps[k], v, o[k], s);
            System.arraycopy(v, 0, r, s, v.length);
        }
        return new CpuBuffer(r);
    }

    private static void apply(Step st, float[] v, float[] other, int s) {
        if (st.unary() != null) {
            Kernels.unary(st.unary(), v, v);
        } else if (st.isClip()) {
            Kernels.clip(v, v, st.lo(), st.hi());
        } else {
            Layout l = st.layout();
            Binary b = st.binary();
            int cols = st.cols();
            if (st.mainFirst()) {
                for (int i = 0; i < v.length; i++) v[i] = Kernels.apply(b, v[i], other[l.index(s + i, cols)]);
            } else {
                for (int i = 0; i < v.length; i++) v[i] = Kernels.apply(b, other[l.index(s + i, cols)], v[i]);
            }
        }
    }
}
