package io.eager4j.nn;

import io.eager4j.Tensor;

/**
 * Average pooling over NHWC windows (the mean of each window's real elements); strides default to the window, padding to VALID (Keras's).
 * <pre>{@code
 * Tensor y = new AvgPool2D(2, Padding.SAME).apply(x);   // [n, 14, 14, c] for x [n, 28, 28, c]
 * }</pre>
 */
public final class AvgPool2D extends Pool2D {
    public AvgPool2D(int size) {
        this(size, Padding.VALID);
    }

    public AvgPool2D(int size, Padding padding) {
        this(null, new int[] {size, size}, new int[] {size, size}, padding);
    }

    public AvgPool2D(String name, int[] window, int[] strides, Padding padding) {
        super(name, window, strides, padding);
    }

    @Override
    protected String kind() {
        return "avgpool";
    }

    @Override
    public Tensor apply(Tensor x) {
        return recorded(NN.avgPool2d(x, window, strides, padding));
    }
}
