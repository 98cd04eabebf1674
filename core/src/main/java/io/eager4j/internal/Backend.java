package io.eager4j.internal;

import io.eager4j.DType;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The narrow interface every device implements: primitives over contiguous row-major buffers.
 * Shapes are passed as int arrays; binary ops and where broadcast NumPy-style to {@code out}.
 * Results are new buffers; inputs are never modified, except the parameters marked
 * {@link Overwritten} (Adam's moments).
 */
public interface Backend {
    /**
     * A buffer parameter the method may write over. Callers pass there only storage nothing else
     * reads; a replayed trace copies an argument that something else shares before the call.
     */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @interface Overwritten {}

    enum Unary {
        NEG, EXP, LOG, SQRT, RELU, ABS, SIGN, TANH, SIGMOID;

        /** The op's name in errors and on the tape, computed once: ops run millions of times. */
        public final String label = name().toLowerCase(java.util.Locale.ROOT);
    }

    enum Binary {
        ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM,
        EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL;

        /** The op's name in errors and on the tape, computed once: ops run millions of times. */
        public final String label = name().toLowerCase(java.util.Locale.ROOT);

        public boolean isComparison() {
            return ordinal() >= EQUAL.ordinal();
        }
    }

    enum Reduce { SUM, MAX }

    /** Short name for logs and tests, such as "reference" or "cpu-fast". */
    String name();

    /** Copies a float[], double[], int[] or byte[] (bool) into a new buffer of {@code dtype}. */
    Buffer fromArray(DType dtype, Object array);

    /** Copies a buffer back to a new host array of its dtype's Java type. */
    Object toArray(DType dtype, Buffer x);

    Buffer full(DType dtype, int n, double value);

    Buffer unary(Unary op, DType dtype, Buffer x);

    /** Comparisons produce {@link DType#BOOL}; the rest produce {@code dtype}. */
    Buffer binary(Binary op, DType dtype, Buffer a, int[] aShape, Buffer b, int[] bShape, int[] out);

    /** TF clip_by_value. */
    Buffer clip(DType dtype, Buffer x, double lo, double hi);

    Buffer where(DType dtype, Buffer cond, int[] cShape, Buffer a, int[] aShape, Buffer b, int[] bShape, int[] out);

    /** Reduces the axes flagged in {@code axes}; the result has the keep-dims shape. */
    Buffer reduce(Reduce op, DType dtype, Buffer x, int[] shape, boolean[] axes);

    /** Index of the first maximum along {@code axis}, as int32 with that axis removed. */
    Buffer argmax(DType dtype, Buffer x, int[] shape, int axis);

    /**
     * batch x [m,k]·[k,n]; A is stored [k,m] when transA, B is stored [n,k] when transB.
     */
    Buffer matmul(DType dtype, Buffer a, Buffer b, int batch, int m, int n, int k, boolean transA, boolean transB);

    Buffer permute(DType dtype, Buffer x, int[] shape, int[] perm);

    Buffer broadcastTo(DType dtype, Buffer x, int[] shape, int[] out);

    Buffer slice(DType dtype, Buffer x, int[] shape, int[] begin, int[] size);

    /** Places x at offset {@code begin} inside a zero tensor of shape {@code out}. */
    Buffer pad(DType dtype, Buffer x, int[] shape, int[] begin, int[] out);

    Buffer concat(DType dtype, Buffer[] xs, int[][] shapes, int axis, int[] out);

    Buffer cast(DType from, Buffer x, DType to);

    Buffer oneHot(DType dtype, Buffer indices, int depth);

    /**
     * One fused Adam step (TF 1.x): m' = b1 m + (1-b1) g; v' = b2 v + (1-b2) g^2;
     * var' = var - lrT m' / (sqrt(v') + eps). Returns {var', m', v'}: var' is a new buffer and var
     * is not modified; m' and v' may be m and v updated in place, so callers pass moments that
     * nothing else reads and use only the returned buffers afterwards.
     */
    Buffer[] adam(DType dtype, Buffer var, @Overwritten Buffer m, @Overwritten Buffer v, Buffer g,
                  double lrT, double b1, double b2, double eps);

    /**
     * {@link #adam}, var' written over var where a backend can (the caller passes a var nothing else
     * holds, and uses only the returned buffers afterwards); by default adam itself.
     */
    default Buffer[] adamInPlace(DType dtype, @Overwritten Buffer var, @Overwritten Buffer m, @Overwritten Buffer v, Buffer g,
                                 double lrT, double b1, double b2, double eps) {
        return adam(dtype, var, m, v, g, lrT, b1, b2, eps);
    }

    /** NHWC x [n,h,w,c] convolved with HWIO filter [kh,kw,c,co]: [n,oh,ow,co] (TF's conv2d, cross-correlation). */
    Buffer conv2d(DType dtype, Buffer x, Buffer filter, Window g, int outChannels);

    /** The gradient of conv2d for its input: [n,h,w,c] from dy [n,oh,ow,co]. */
    Buffer conv2dInputGrad(DType dtype, Buffer dy, Buffer filter, Window g, int outChannels);

    /** The gradient of conv2d for its filter: [kh,kw,c,co] from x and dy. */
    Buffer conv2dFilterGrad(DType dtype, Buffer x, Buffer dy, Window g, int outChannels);

    /** {y [n,oh,ow,c], int32 flat index into x of each output's (first) maximum}. */
    Buffer[] maxPool2d(DType dtype, Buffer x, Window g);

    /**
     * The gradient of maxPool2d: each dy element added at its window's maximum ({@code argmax} from
     * {@link #maxPool2d}) in a zero [n,h,w,c]. This scatter defines it; a backend may do it in one pass.
     */
    default Buffer maxPool2dGrad(DType dtype, Buffer dy, Buffer argmax, Window g) {
        return scatterAdd(dtype, dy, 1, g.n() * g.h() * g.w() * g.c(), 1, argmax);
    }

    /** Mean over each window's real elements (padding is not counted). */
    Buffer avgPool2d(DType dtype, Buffer x, Window g);

    /** The gradient of avgPool2d: [n,h,w,c] from dy [n,oh,ow,c]. */
    Buffer avgPool2dGrad(DType dtype, Buffer dy, Window g);

    /** x viewed as [outer, dim, inner]: r[o,j,i] = x[o, indices[j], i] ([outer, indices.size, inner]). */
    Buffer gather(DType dtype, Buffer x, int outer, int dim, int inner, Buffer indices);

    /** The adjoint of gather: v [outer, indices.size, inner] summed into a zero [outer, dim, inner]. */
    Buffer scatterAdd(DType dtype, Buffer v, int outer, int dim, int inner, Buffer indices);

    /**
     * A user kernel's forward (outputs {@code outShapes}) or backward (inputs then dy; outputs one
     * gradient per input): fresh zero outputs, filled by the kernel of this device.
     */
    Buffer[] userKernel(UserKernel k, boolean backward, DType dtype, Buffer[] in, int[][] inShapes, int[][] outShapes);

    /** Uniform in [a, b) or normal(mean a, stddev b) from Philox 4x32-10 at (seed, offset). */
    Buffer random(DType dtype, int n, boolean normal, long seed, long offset, double a, double b);

    /** Records work as one launchable unit (a CUDA graph), or null where this device cannot. */
    default Graphs graphs() {
        return null;
    }

    /** relu(x + bias), bias [cols] added to every row of x: one pass where a backend can. */
    default Buffer biasRelu(DType dtype, Buffer x, int[] shape, Buffer bias) {
        int[] cols = {shape[shape.length - 1]};
        return unary(Unary.RELU, dtype, binary(Binary.ADD, dtype, x, shape, bias, cols, shape));
    }

    /**
     * relu(conv2d(x, filter) + bias): a convolution layer with its bias and ReLU, defined by this
     * composition; a backend may do it in one pass (the output written once).
     */
    default Buffer conv2dBiasRelu(DType dtype, Buffer x, Buffer filter, Buffer bias, Window g, int outChannels) {
        return biasRelu(dtype, conv2d(dtype, x, filter, g, outChannels), g.outputShape(outChannels), bias);
    }

    /**
     * conv2dBiasRelu's gradients from dy and its output y: {filter gradient, bias gradient, dz} with
     * dz = reluGrad(dy, y) the gradient at the convolution's output (null where a backend may skip it
     * and {@code wantDz} is false), by this composition.
     */
    default Buffer[] conv2dBiasReluGrad(DType dtype, Buffer x, Buffer dy, Buffer y, Window g, int outChannels, boolean wantDz) {
        Buffer dz = reluGrad(dtype, dy, y);
        return filterAndBiasGrads(dtype, x, dz, g, outChannels, dz);
    }

    /**
     * maxPool2d(conv2dBiasRelu(x, filter, bias), pool), {@code pool} over the convolution's output:
     * {pooled, int32 flat index into the convolution's output of each window's first maximum}, by
     * this composition; a backend may never write the convolution's output.
     */
    default Buffer[] conv2dBiasReluMaxPool(DType dtype, Buffer x, Buffer filter, Buffer bias, Window g, Window pool, int outChannels) {
        return maxPool2d(dtype, conv2dBiasRelu(dtype, x, filter, bias, g, outChannels), pool);
    }

    /**
     * conv2dBiasReluMaxPool's gradients from dp at its pooled output: {filter gradient, bias gradient,
     * input gradient or null unless {@code wantDx}}. dz = maxPool2dGrad(reluGrad(dp, pooled), argmax)
     * (at a window's maximum the pooled value is the ReLU's output there), by this composition.
     */
    default Buffer[] conv2dBiasReluMaxPoolGrad(DType dtype, Buffer x, Buffer filter, Buffer dp, Buffer pooled, Buffer argmax,
                                               Window g, Window pool, int outChannels, boolean wantDx) {
        Buffer dz = maxPool2dGrad(dtype, reluGrad(dtype, dp, pooled), argmax, pool);
        return filterAndBiasGrads(dtype, x, dz, g, outChannels, wantDx ? conv2dInputGrad(dtype, dz, filter, g, outChannels) : null);
    }

    /** {filter gradient, bias gradient, {@code third}} of a convolution layer from dz at its output. */
    private Buffer[] filterAndBiasGrads(DType dtype, Buffer x, Buffer dz, Window g, int outChannels, Buffer third) {
        Buffer db = reduce(Reduce.SUM, dtype, dz, new int[] {g.positions(), outChannels}, new boolean[] {true, false});
        return new Buffer[] {conv2dFilterGrad(dtype, x, dz, g, outChannels), db, third};
    }

    /** The gradient through a relu from its output: g * sign(out), in one pass where a backend can. */
    default Buffer reluGrad(DType dtype, Buffer g, Buffer out) {
        int[] s = {g.size()};
        return binary(Binary.MUL, dtype, g, s, unary(Unary.SIGN, dtype, out), s, s);
    }

    /**
     * Dropout: mask = (u < keepProb) * (1 / keepProb) with u uniform [0, 1) at (seed, offset), and
     * y = x * mask, rounded in {@code dtype} exactly as this composition of primitives, which defines
     * it. Returns {y, mask}; a backend may override it with one pass.
     */
    default Buffer[] dropout(DType dtype, Buffer x, double keepProb, long seed, long offset) {
        int n = x.size();
        int[] shape = {n}, scalar = {};
        Buffer u = random(dtype, n, false, seed, offset, 0, 1);
        Buffer kept = cast(DType.BOOL, binary(Binary.LESS, dtype, u, shape, full(dtype, 1, keepProb), scalar, shape), dtype);
        Buffer mask = binary(Binary.MUL, dtype, kept, shape, full(dtype, 1, 1 / keepProb), scalar, shape);
        return new Buffer[] {binary(Binary.MUL, dtype, x, shape, mask, shape, shape), mask};
    }
}
