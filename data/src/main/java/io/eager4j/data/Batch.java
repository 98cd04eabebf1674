package io.eager4j.data;

import io.eager4j.Tensor;

/**
 * A batch of examples: images scaled to float32 in [0, 1] and their labels. Made by
 * {@link DataSet#nextBatch}, {@link DataSet#batches} and {@link DataSet#all}; the images tensor shares
 * the batch's array (never written after the batch is made), so the batch itself never changes.
 *
 * <pre>{@code
 * Batch b = Mnist.readDataSets(null, true).train().nextBatch(128);
 * Tensor x = b.images();   // float32 [128, 784]
 * Tensor y = b.labels();   // float32 [128, 10] (one-hot), or int32 [128] without one-hot
 * }</pre>
 */
public final class Batch {
    private final float[] images;
    private final int[] classes;
    private final int[] indices;
    private final int imageSize;
    private final int numClasses;
    private final boolean oneHot;

    Batch(float[] images, int[] classes, int[] indices, int imageSize, int numClasses, boolean oneHot) {
        this.images = images;
        this.classes = classes;
        this.indices = indices;
        this.imageSize = imageSize;
        this.numClasses = numClasses;
        this.oneHot = oneHot;
    }

    /** Number of examples. */
    public int size() {
        return classes.length;
    }

    /** Images, float32 {@code [size, imageSize]}, row-major pixels in [0, 1]. */
    public Tensor images() {
        return Tensor.wrap(images, size(), imageSize);   // no copy: nothing ever writes this array
    }

    /** Labels: float32 one-hot {@code [size, classes]} if the data was read one-hot, else int32 {@code [size]}. */
    public Tensor labels() {
        return oneHot ? Tensor.wrap(oneHotArray(), size(), numClasses) : Tensor.of(classes, size());
    }

    /** A copy of the images as a flat {@code size * imageSize} array. */
    public float[] imageArray() {
        return images.clone();
    }

    /** The class of each example ({@code 0..classes-1}), whatever the label format. */
    public int[] classes() {
        return classes.clone();
    }

    /** Where each example sits in its set (0-based, file order), e.g. to check coverage of an epoch. */
    public int[] indices() {
        return indices.clone();
    }

    private float[] oneHotArray() {
        float[] y = new float[classes.length * numClasses];
        for (int i = 0; i < classes.length; i++) {
            y[i * numClasses + classes[i]] = 1f;
        }
        return y;
    }

    @Override
    public String toString() {
        return "Batch[" + size() + " examples of " + imageSize + " pixels, "
                + (oneHot ? "one-hot" : "integer") + " labels]";
    }
}
