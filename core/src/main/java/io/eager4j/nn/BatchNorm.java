package io.eager4j.nn;

import io.eager4j.DType;
import io.eager4j.Tensor;
import io.eager4j.Variable;

/**
 * Batch normalization over the last axis (Keras's BatchNormalization, {@link NN#batchNorm}):
 * trainable {@code gamma} (ones) and {@code beta} (zeros); state {@code moving_mean} (zeros) and
 * {@code moving_variance} (ones), moved in training and used in eval mode.
 * <pre>{@code
 * BatchNorm bn = new BatchNorm(32);
 * Tensor y = bn.apply(x);   // x [n, h, w, 32]: normalized per channel
 * }</pre>
 */
public final class BatchNorm extends Layer {
    final Variable gamma, beta;
    final Variable moving_mean, moving_variance;   // the names Keras gives them
    private final double momentum, epsilon;

    public BatchNorm(int channels) {
        this(null, channels, 0.99, 1e-3, DType.FLOAT32);
    }

    public BatchNorm(String name, int channels, double momentum, double epsilon, DType dtype) {
        super(name);
        this.gamma = new Variable("gamma", Tensor.ones(dtype, channels));
        this.beta = new Variable("beta", Tensor.zeros(dtype, channels));
        this.moving_mean = new Variable("moving_mean", Tensor.zeros(dtype, channels), false);
        this.moving_variance = new Variable("moving_variance", Tensor.ones(dtype, channels), false);
        this.momentum = momentum;
        this.epsilon = epsilon;
    }

    @Override
    public Tensor apply(Tensor x) {
        return recorded(NN.batchNorm(x, gamma, beta, moving_mean, moving_variance, isTraining(), momentum, epsilon));
    }
}
