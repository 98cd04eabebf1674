package io.eager4j.nn;

import io.eager4j.Tensor;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Layers applied one after another. Each is named by the name it was given, or else by its kind
 * and a count within this sequence: {@code conv1, maxpool1, conv2, ..., dense1, dense2}.
 * <pre>{@code
 * Sequential model = new Sequential(
 *         new Conv2D(1, 32, 5, Padding.SAME, NN.RELU), new MaxPool2D(2, Padding.SAME),
 *         new Flatten(), new Dense(14 * 14 * 32, 10));
 * model.summary(28, 28, 1);
 * model.namedParameters().keySet();   // [conv1.kernel, conv1.bias, dense1.kernel, dense1.bias]
 * }</pre>
 */
public final class Sequential extends Layer {
    private final Map<String, Layer> layers = new LinkedHashMap<>();

    public Sequential(Layer... layers) {
        this(List.of(layers));
    }

    public Sequential(List<Layer> layers) {
        super(null);
        Map<String, Integer> counts = new HashMap<>();
        for (Layer l : layers) {
            String name = l.name() != null ? l.name() : l.kind() + counts.merge(l.kind(), 1, Integer::sum);
            if (this.layers.putIfAbsent(name, l) != null) {
                throw new IllegalArgumentException("Sequential: two layers are named '" + name + "'; give one another name");
            }
        }
    }

    /** The layers by name, in order. */
    public Map<String, Layer> layers() {
        return java.util.Collections.unmodifiableMap(layers);
    }

    @Override
    protected Map<String, Object> children() {
        return new LinkedHashMap<>(layers);
    }

    /** Each layer in turn; a Conv2D with ReLU and the MaxPool2D right after it run as one op, with the same values. */
    @Override
    public Tensor apply(Tensor x) {
        Tensor h = x;
        Layer[] ls = layers.values().toArray(new Layer[0]);
        for (int i = 0; i < ls.length; i++) {
            if (ls[i] instanceof Conv2D conv && i + 1 < ls.length && ls[i + 1] instanceof MaxPool2D pool) {
                h = conv.applyPooled(h, pool);
                i++;
            } else {
                h = ls[i].apply(h);
            }
        }
        return h;
    }
}
