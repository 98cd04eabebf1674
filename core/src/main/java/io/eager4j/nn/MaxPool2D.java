package io.eager4j.nn;

import io.eager4j.Tensor;

/**
 * Max pooling over NHWC windows; strides default to the window, padding to VALID (Keras's).
 * <pre>{@code
 * Tensor y = new MaxPool2D(2, Padding.SAME).apply(x);   // [n, 14, 14, c] for x [n, 28, 28, c]
 * }</pre>
 */
public final class MaxPool2D extends Pool2D {
    public MaxPool2D(int size) {
        this(size, Padding.VALID);
    }

    public MaxPool2D(int size, Padding padding) {
        this(null, new int[] {size, size}, new int[] {size, size}, padding);
    }

    public MaxPool2D(String name, int[] window, int[] strides, Padding padding) {
        super(name, window, strides, padding);
    }

    @Override
    protected String kind() {
        return "maxpool";
    }

    @Override
    public Tensor apply(Tensor x) {
        return recorded(NN.maxPool2d(x, window, strides, padding));
    }
}
