package io.eager4j.data;

import java.nio.file.Path;

/**
 * MNIST in one call, like TF 1.x's {@code input_data.read_data_sets(dir, one_hot=...)}.
 *
 * <pre>{@code
 * DataSets mnist = Mnist.readDataSets(null, true);     // $EAGER4J_DATA or ~/.cache/eager4j/mnist
 * Batch batch = mnist.train().nextBatch(100);
 * }</pre>
 */
public final class Mnist {
    private Mnist() {}

    /**
     * Reads MNIST with 5000 validation examples and seed 0.
     *
     * @param dir folder holding the four files (missing ones are downloaded into it), or null for
     *     the default search described in {@link ReadOptions}
     */
    public static DataSets readDataSets(Path dir, boolean oneHot) {
        return Dataset.MNIST.read(ReadOptions.defaults().withDir(dir).withOneHot(oneHot));
    }
}
