package io.eager4j.data;

import io.eager4j.Tensor;

/**
 * A batch of examples: images scaled to float32 in [0, 1] and their labels. Made by
 * {@link DataSet#nextBatch}, {@link DataSet#batches} and {@link DataSet#all}; the images tensor shares
 * the batch's array (never written while the batch is open), so the batch itself never changes.
 *
 * <pre>{@code
 * Batch b = Mnist.readDataSets(null, true).train().nextBatch(128);
 * Tensor x = b.images();   // float32 [128, 784]
 * Tensor y = b.labels();   // float32 [128, 10] (one-hot), or int32 [128] without one-hot
 * }</pre>
 *
 * A training loop that is done with each batch after its step can close it, so that the next batch is
 * drawn into the same (cached) array instead of a new one; see {@link #close}:
 *
 * <pre>{@code
 * try (Batch b = train.nextBatch(128)) {
 *     optimizer.minimize(() -> loss(model(b.images()), b.labels()));
 * }
 * }</pre>
 */
public final class Batch implements AutoCloseable {
    private float[] images;   // null once closed
    private final int[] classes;
    private final int[] indices;
    private final int imageSize;
    private final int numClasses;
    private final boolean oneHot;
    private final DataSet source;

    Batch(float[] images, int[] classes, int[] indices, int imageSize, int numClasses, boolean oneHot, DataSet source) {
        this.images = images;
        this.classes = classes;
        this.indices = indices;
        this.imageSize = imageSize;
        this.numClasses = numClasses;
        this.oneHot = oneHot;
        this.source = source;
    }

    /** Number of examples. */
    public int size() {
        return classes.length;
    }

    /** Images, float32 {@code [size, imageSize]}, row-major pixels in [0, 1]. */
    public Tensor images() {
        return Tensor.wrap(open("images"), size(), imageSize);   // no copy: nothing writes this array while the batch is open
    }

    /** Labels: float32 one-hot {@code [size, classes]} if the data was read one-hot, else int32 {@code [size]}. */
    public Tensor labels() {
        open("labels");
        return oneHot ? Tensor.wrap(oneHotArray(), size(), numClasses) : Tensor.of(classes, size());
    }

    /** A copy of the images as a flat {@code size * imageSize} array. */
    public float[] imageArray() {
        return open("imageArray").clone();
    }

    /** The class of each example ({@code 0..classes-1}), whatever the label format. */
    public int[] classes() {
        open("classes");
        return classes.clone();
    }

    /** Where each example sits in its set (0-based, file order), e.g. to check coverage of an epoch. */
    public int[] indices() {
        open("indices");
        return indices.clone();
    }

    /**
     * Hands the image array back to the set that drew this batch: its next batch of the same size is
     * drawn into it instead of into a new array (the set holds it until its next draw, of any size). A
     * new 400 KB array lies in memory no core has touched lately, and filling it cost the seed's step
     * about 40 us (of 500); a recycled one is still in cache. Tensors made from this batch share the
     * array, so none of them may be used after close (copy what you keep first, with
     * {@link #imageArray} or {@code Tensor.toFloatArray}); the batch itself refuses its data from then
     * on. Closing twice does nothing; a batch left open is simply freed by the garbage collector.
     */
    @Override
    public void close() {
        if (images != null) {
            source.recycle(images);
            images = null;
        }
    }

    private float[] open(String what) {
        if (images == null) {
            throw new IllegalStateException("Batch." + what + ": the batch is closed, and its array may hold a later batch;"
                    + " read what you need before close(), or copy it (imageArray())");
        }
        return images;
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
                + (oneHot ? "one-hot" : "integer") + " labels" + (images == null ? ", closed]" : "]");
    }
}
