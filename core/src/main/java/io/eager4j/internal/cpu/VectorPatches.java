package io.eager4j.internal.cpu;

import io.eager4j.internal.Window;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FastWindows#im2col}'s and {@link FastWindows#col2im}'s taps, and max pooling, for inputs whose
 * channels are a multiple of the vector length (the CNN's conv2: 32), a whole vector per copy or add: the plain loops ran
 * 32-element trips, too short for C2's vector loops, at ~1 ns an element. The same adds in the same
 * order, so the same bits. Only loaded when {@code jdk.incubator.vector} is present.
 */
final class VectorPatches {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int VL = S.length();
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());   // as many int lanes

    private VectorPatches() {}

    /** im2col's tap: c channels from x at {@code from} to col at {@code to}. */
    static void copy(float[] x, int from, float[] col, int to, int c) {
        for (int ci = 0; ci < c; ci += VL) FloatVector.fromArray(S, x, from + ci).intoArray(col, to + ci);
    }

    /** im2col's tap in the padding. */
    static void zero(float[] col, int at, int c) {
        FloatVector zero = FloatVector.zero(S);
        for (int ci = 0; ci < c; ci += VL) zero.intoArray(col, at + ci);
    }

    /** col2im's tap: c channels of col at {@code from} added into dx at {@code to}. */
    static void add(float[] col, int from, float[] dx, int to, int c) {
        for (int ci = 0; ci < c; ci += VL) {
            FloatVector.fromArray(S, dx, to + ci).add(FloatVector.fromArray(S, col, from + ci)).intoArray(dx, to + ci);
        }
    }

    /**
     * {@link FastWindows#maxPool}'s window {@code p}, a vector of channels at a time: a strictly
     * greater value takes the place and its index, so the first maximum wins, as in the scalar loop.
     * The batch's input element {@code i} is read at {@code x[i - xBase]}; arg holds batch indices.
     */
    static void maxPoolAt(float[] x, int xBase, Window g, int p, float[] y, int[] arg) {
        int c = g.c();
        int b = p / (g.oh() * g.ow()), oy = p / g.ow() % g.oh(), ox = p % g.ow();
        int y0 = g.top(oy), y1 = g.bottom(oy), x0 = g.left(ox), x1 = g.right(ox);
        int out = p * c, first = ((b * g.h() + y0) * g.w() + x0) * c;
        IntVector lanes = IntVector.zero(I).addIndex(1);
        for (int ci = 0; ci < c; ci += VL) {
            FloatVector best = FloatVector.fromArray(S, x, first + ci - xBase);
            IntVector at = lanes.add(first + ci);
            for (int iy = y0; iy < y1; iy++) {
                for (int ix = x0; ix < x1; ix++) {
                    int in = ((b * g.h() + iy) * g.w() + ix) * c + ci;
                    if (in == first + ci) continue;
                    FloatVector v = FloatVector.fromArray(S, x, in - xBase);
                    VectorMask<Float> greater = v.compare(VectorOperators.GT, best);
                    best = best.blend(v, greater);
                    at = at.blend(lanes.add(in), greater.cast(I));
                }
            }
            best.intoArray(y, out + ci);
            at.intoArray(arg, out + ci);
        }
    }
}
