package io.eager4j.internal.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels.adam over a range [from, to), a vector at a time, so that a large variable's update can be
 * split over the cores (C2 vectorizes the scalar loop only over whole arrays; over a range it ran 3x
 * slower). The same operations in the same order as the scalar loop, so the same bits: each product
 * and sum rounded to float, the square root correctly rounded (as the double square root rounded to
 * float is), no fused multiply-adds, the moments stored with subnormals flushed to zero. Every vector
 * is masked to the range, so there is no scalar tail (2-4% slower in isolation than an unmasked loop
 * with one; the CNN's Adam is ~2% of its step). Only loaded when {@code jdk.incubator.vector} is present.
 */
public final class VectorAdam {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorAdam() {}

    public static void step(float[] w, float[] m, float[] v, float[] g, float[] w2, float[] m2, float[] v2, int from, int to,
                            double lrT, double beta1, double beta2, double epsilon) {
        float b1 = (float) beta1, b2 = (float) beta2, c1 = (float) (1 - beta1), c2 = (float) (1 - beta2);
        float lr = (float) lrT, eps = (float) epsilon;
        for (int i = from; i < to; i += S.length()) {   // masked, so the last vector reads and writes nothing past to
            VectorMask<Float> in = S.indexInRange(i, to);
            FloatVector gi = FloatVector.fromArray(S, g, i, in);
            FloatVector mi = FloatVector.fromArray(S, m, i, in).mul(b1).add(gi.mul(c1));
            FloatVector vi = FloatVector.fromArray(S, v, i, in).mul(b2).add(gi.mul(c2).mul(gi));
            flushSubnormals(mi).intoArray(m2, i, in);
            flushSubnormals(vi).intoArray(v2, i, in);
            FloatVector.fromArray(S, w, i, in).sub(mi.mul(lr).div(vi.lanewise(VectorOperators.SQRT).add(eps))).intoArray(w2, i, in);
        }
    }

    /** Kernels.flushSubnormals on a vector: each subnormal lane a zero of its sign, on the bits. */
    private static FloatVector flushSubnormals(FloatVector x) {
        IntVector b = x.reinterpretAsInts();
        return b.blend(b.and(0x80000000), b.and(0x7f800000).eq(0)).reinterpretAsFloats();
    }
}
