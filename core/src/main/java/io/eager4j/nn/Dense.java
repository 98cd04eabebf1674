package io.eager4j.nn;

import io.eager4j.DType;
import io.eager4j.Initializer;
import io.eager4j.Initializers;
import io.eager4j.Rng;
import io.eager4j.Tensor;
import io.eager4j.Variable;
import java.util.function.UnaryOperator;

/**
 * {@code activation(x·kernel + bias)}: kernel {@code [in, out]} Glorot uniform, bias zeros (TF's
 * defaults), made on the current device.
 * <pre>{@code
 * Dense hidden = new Dense(784, 150, NN.RELU);
 * Tensor h = hidden.apply(x);   // [batch, 150]
 * }</pre>
 */
public final class Dense extends Layer {
    final Variable kernel, bias;
    private final UnaryOperator<Tensor> activation;

    public Dense(int in, int out) {
        this(in, out, UnaryOperator.identity());
    }

    public Dense(int in, int out, UnaryOperator<Tensor> activation) {
        this(null, in, out, activation, Initializers.glorotUniform(), DType.FLOAT32);
    }

    /** Every choice: a name (null for the default), the kernel's initializer, float32 or float64. */
    public Dense(String name, int in, int out, UnaryOperator<Tensor> activation, Initializer kernelInit, DType dtype) {
        super(name);
        this.kernel = new Variable("kernel", kernelInit.create(new int[] {in, out}, dtype, Rng.current()));
        this.bias = new Variable("bias", Tensor.zeros(dtype, out));
        this.activation = activation;
    }

    @Override
    protected String kind() {
        return "dense";
    }

    @Override
    public Tensor apply(Tensor x) {
        return recorded(NN.biasAndActivation(x.matmul(kernel), bias, activation));
    }
}
