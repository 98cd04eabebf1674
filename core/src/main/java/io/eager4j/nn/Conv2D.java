package io.eager4j.nn;

import io.eager4j.DType;
import io.eager4j.Initializer;
import io.eager4j.Initializers;
import io.eager4j.Rng;
import io.eager4j.Tensor;
import io.eager4j.Variable;
import io.eager4j.internal.Fused;
import java.util.function.UnaryOperator;

/**
 * A 2-D convolution over NHWC input, {@code activation(conv2d(x, kernel) + bias)}: kernel
 * {@code [kh, kw, in, filters]} Glorot uniform (TF's fan rules), bias zeros.
 * <pre>{@code
 * Conv2D conv = new Conv2D(1, 32, 5, Padding.SAME, NN.RELU);
 * Tensor y = conv.apply(images);   // [batch, 28, 28, 32] for images [batch, 28, 28, 1]
 * }</pre>
 */
public final class Conv2D extends Layer {
    final Variable kernel, bias;
    private final int[] strides;
    private final Padding padding;
    private final UnaryOperator<Tensor> activation;

    public Conv2D(int in, int filters, int kernelSize, Padding padding) {
        this(in, filters, kernelSize, padding, UnaryOperator.identity());
    }

    public Conv2D(int in, int filters, int kernelSize, Padding padding, UnaryOperator<Tensor> activation) {
        this(null, in, filters, new int[] {kernelSize, kernelSize}, new int[] {1, 1}, padding, activation,
                Initializers.glorotUniform(), DType.FLOAT32);
    }

    /** Every choice: name (null for the default), kernel {kh, kw}, strides {sh, sw}, initializer, dtype. */
    public Conv2D(String name, int in, int filters, int[] kernelSize, int[] strides, Padding padding,
                  UnaryOperator<Tensor> activation, Initializer kernelInit, DType dtype) {
        super(name);
        this.kernel = new Variable("kernel", kernelInit.create(new int[] {kernelSize[0], kernelSize[1], in, filters}, dtype, Rng.current()));
        this.bias = new Variable("bias", Tensor.zeros(dtype, filters));
        this.strides = strides.clone();
        this.padding = padding;
        this.activation = activation;
    }

    @Override
    protected String kind() {
        return "conv";
    }

    @Override
    public Tensor apply(Tensor x) {
        if (activation == NN.RELU) {   // one op: a backend may write the output once and fold the ReLU into the gradients
            return recorded(Fused.ops().conv2dBiasRelu(x, kernel, bias, strides[0], strides[1], padding == Padding.SAME));
        }
        return recorded(NN.biasAndActivation(NN.conv2d(x, kernel, strides, padding), bias, activation));
    }

    /**
     * pool.apply(apply(x)) as one op when this layer's activation is ReLU (see {@link Sequential}):
     * the convolution's output need not be written; the same values.
     */
    Tensor applyPooled(Tensor x, MaxPool2D pool) {
        if (activation != NN.RELU || LayerSummary.active()) return pool.apply(apply(x));
        return pool.recorded(Fused.ops().conv2dBiasReluMaxPool(x, kernel, bias, strides, padding == Padding.SAME,
                pool.window, pool.strides, pool.padding == Padding.SAME));
    }
}
