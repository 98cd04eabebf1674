package io.eager4j.internal.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Adam's in-place step a vector at a time, the moments' subnormals flushed in the same pass: the plain
 * loop (Kernels.adamInPlace) vectorizes only without the flush, which then reads the moments a second
 * time, 2% of a CNN step for dense1's 3.2M weights. The same arithmetic lane by lane, so the same bits:
 * the products and sums in the plain loop's order, no FMA, a correctly rounded square root (as the
 * plain loop's double root rounded to float is). Only loaded when {@code jdk.incubator.vector} is present.
 */
public final class VectorAdam {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Floats a vector holds: ranges given to {@link #adamInPlace} are multiples of it. */
    public static final int VL = S.length();

    private VectorAdam() {}

    /** Elements [from, to), to - from a multiple of {@link #VL}: m and v in place, the variable into w2 (which may be w). */
    public static void adamInPlace(float[] w, float[] m, float[] v, float[] g, float[] w2, int from, int to,
                                   double lrT, double beta1, double beta2, double epsilon) {
        float b1 = (float) beta1, b2 = (float) beta2, c1 = (float) (1 - beta1), c2 = (float) (1 - beta2);
        float lr = (float) lrT, eps = (float) epsilon;
        for (int i = from; i < to; i += VL) {
            FloatVector gi = FloatVector.fromArray(S, g, i);
            FloatVector mi = FloatVector.fromArray(S, m, i).mul(b1).add(gi.mul(c1));
            FloatVector vi = FloatVector.fromArray(S, v, i).mul(b2).add(gi.mul(c2).mul(gi));
            FloatVector.fromArray(S, w, i).sub(mi.mul(lr).div(vi.sqrt().add(eps))).intoArray(w2, i);
            // each subnormal to a zero of its sign, on the bits (Kernels.flushSubnormals): all ones where the exponent is zero
            IntVector mb = mi.reinterpretAsInts(), vb = vi.reinterpretAsInts();
            IntVector ms = mb.and(0x7f800000).sub(1).lanewise(VectorOperators.ASHR, 31).and(0x7fffffff);
            IntVector vs = vb.and(0x7f800000).sub(1).lanewise(VectorOperators.ASHR, 31).and(0x7fffffff);
            mb.and(ms.lanewise(VectorOperators.NOT)).reinterpretAsFloats().intoArray(m, i);
            vb.and(vs.lanewise(VectorOperators.NOT)).reinterpretAsFloats().intoArray(v, i);
        }
    }
}
