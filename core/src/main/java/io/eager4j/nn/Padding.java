package io.eager4j.nn;

/**
 * How a window op treats the edges, as TF defines it. SAME pads so the output is
 * {@code ceil(size / stride)} (the odd row and column of padding go at the bottom and right);
 * VALID keeps only windows that fit inside the input.
 * <pre>{@code
 * Tensor y = NN.conv2d(x, filter, new int[] {1, 1}, Padding.SAME);   // [n, 28, 28, out] for x [n, 28, 28, in]
 * }</pre>
 */
public enum Padding {
    SAME,
    VALID
}
