package io.eager4j.data;

import java.nio.file.Path;

/**
 * Fashion-MNIST in one call: a drop-in replacement for MNIST (same sizes, ten kinds of clothing).
 *
 * <pre>{@code
 * DataSets fm = FashionMnist.readDataSets(Path.of("/usr/share/datasets/fashion-mnist"), false);
 * Batch batch = fm.train().nextBatch(100);
 * }</pre>
 */
public final class FashionMnist {
    private FashionMnist() {}

    /**
     * Reads Fashion-MNIST with 5000 validation examples and seed 0.
     *
     * @param dir folder holding the four files (missing ones are downloaded into it), or null for
     *     the default search described in {@link ReadOptions}
     */
    public static DataSets readDataSets(Path dir, boolean oneHot) {
        return Dataset.FASHION_MNIST.read(ReadOptions.defaults().withDir(dir).withOneHot(oneHot));
    }
}
