package io.eager4j.nn;

/** What the pooling layers share: a window, strides (the window by default) and padding. */
abstract class Pool2D extends Layer {
    final int[] window, strides;
    final Padding padding;

    Pool2D(String name, int[] window, int[] strides, Padding padding) {
        super(name);
        this.window = window.clone();
        this.strides = strides.clone();
        this.padding = padding;
    }
}
