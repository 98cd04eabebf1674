package io.eager4j.data;

import io.eager4j.Tensor;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * One split (train, validation or test) of an image dataset, with TensorFlow 1.x's
 * {@code DataSet.next_batch} semantics. Images stay as bytes (784 per MNIST image); each batch is
 * scaled to float32 in [0, 1] when it is made. Not thread-safe: {@link #nextBatch} moves a cursor.
 *
 * <pre>{@code
 * DataSets mnist = Mnist.readDataSets(null, true);
 * for (int step = 0; step < 1000; step++) {
 *     Batch batch = mnist.train().nextBatch(100);   // images float32 [100, 784], labels float32 [100, 10]
 * }
 * for (Batch b : mnist.test().batches(1000, false)) {
 *     System.out.println(b.size());
 * }
 * }</pre>
 */
public final class DataSet {
    // TF scales with a float32 multiply by float32(1/255), not a division; match it bit for bit.
    private static final float SCALE = (float) (1.0 / 255.0);

    private final String name;
    private final byte[] pixels;
    private final byte[] labels;
    private final int first;
    private final int count;
    private final int imageSize;
    private final int numClasses;
    private final boolean oneHot;
    private final SplittableRandom random;
    private final int[] order; // this epoch's permutation of 0..count-1
    private int indexInEpoch;
    private int epochsCompleted;
    private int touched; // see touch()
    private float[] spare; // a closed batch's images: the next batch of their size is drawn into them

    /**
     * Stores each pixel p (0..255) as the signed byte p - 128, in place; {@link DataSet} reads pixels
     * stored so. C2 vectorizes a signed byte-to-float conversion but not an unsigned one ({@code p & 0xff}):
     * the batch copy, run every training step, takes 5 us instead of 41 per 128 images, and
     * {@code (float) (p - 128) + 128f} is exactly {@code (float) p}, so the values do not change.
     */
    static Idx.Images centre(Idx.Images images) {
        byte[] p = images.pixels();
        for (int i = 0; i < p.length; i++) {
            p[i] ^= (byte) 0x80;
        }
        return images;
    }

    /**
     * Examples {@code first .. first+count-1} of {@code images}/{@code labels} (shared, not copied);
     * the pixels were stored by {@link #centre}.
     */
    DataSet(String name, Idx.Images images, byte[] labels, int first, int count, int numClasses,
            boolean oneHot, SplittableRandom random) {
        this.name = name;
        this.pixels = images.pixels();
        this.labels = labels;
        this.first = first;
        this.count = count;
        this.imageSize = images.imageSize();
        this.numClasses = numClasses;
        this.oneHot = oneHot;
        this.random = random;
        this.order = identity(count);
    }

    /** Number of examples. */
    public int numExamples() {
        return count;
    }

    /** Pixels per image (784 for MNIST). */
    public int imageSize() {
        return imageSize;
    }

    /** Number of classes (10 for MNIST). */
    public int numClasses() {
        return numClasses;
    }

    /** Epochs that {@link #nextBatch} has finished. */
    public int epochsCompleted() {
        return epochsCompleted;
    }

    /**
     * The next {@code batchSize} examples, exactly as TF 1.x's {@code next_batch(batch_size,
     * shuffle=True)}: the examples are shuffled at the start of every epoch (the first included);
     * when an epoch runs out, its remaining examples are taken, the set is reshuffled, and the batch
     * is completed from the new epoch. Every example appears exactly once per epoch.
     *
     * @throws IllegalArgumentException if {@code batchSize} is not in {@code 1..numExamples()}
     * @throws IllegalStateException if the set is empty (e.g. validation size 0)
     */
    public Batch nextBatch(int batchSize) {
        if (count == 0) {
            throw new IllegalStateException("nextBatch: the " + name + " set is empty"
                    + (name.equals("validation") ? " (validation size 0); ask for a validation size above 0" : ""));
        }
        if (batchSize < 1 || batchSize > count) {
            throw new IllegalArgumentException("nextBatch: batch size " + batchSize + " must be in 1.."
                    + count + " (the " + name + " set's size)");
        }
        int start = indexInEpoch;
        if (epochsCompleted == 0 && start == 0) {
            shuffle(order);
        }
        int[] picked = new int[batchSize];
        if (start + batchSize > count) {
            epochsCompleted++;
            int rest = count - start;
            System.arraycopy(order, start, picked, 0, rest);
            shuffle(order);
            indexInEpoch = batchSize - rest;
            System.arraycopy(order, 0, picked, rest, indexInEpoch);
        } else {
            System.arraycopy(order, start, picked, 0, batchSize);
            indexInEpoch += batchSize;
        }
        return gather(picked);
    }

    /**
     * One pass over the set in batches of {@code batchSize}, the last one smaller if the size does not
     * divide evenly. With {@code shuffle}, each iteration draws a fresh order from this set's seeded
     * generator; without, examples come in file order. Independent of {@link #nextBatch}'s cursor.
     */
    public Iterable<Batch> batches(int batchSize, boolean shuffle) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batches: batch size " + batchSize + " must be 1 or more");
        }
        return () -> {
            int[] epoch = identity(count);
            if (shuffle) {
                shuffle(epoch);
            }
            return new Iterator<>() {
                private int next;

                @Override
                public boolean hasNext() {
                    return next < count;
                }

                @Override
                public Batch next() {
                    if (next >= count) {
                        throw new NoSuchElementException("batches: the epoch is over");
                    }
                    int end = Math.min(count, next + batchSize);
                    int[] picked = Arrays.copyOfRange(epoch, next, end);
                    next = end;
                    return gather(picked);
                }
            };
        };
    }

    /** All examples in file order, as one batch. */
    public Batch all() {
        return gather(identity(count));
    }

    /** All images, float32 {@code [numExamples, imageSize]} in [0, 1]. */
    public Tensor images() {
        return all().images();
    }

    /** All labels: float32 one-hot {@code [numExamples, classes]}, or int32 {@code [numExamples]}. */
    public Tensor labels() {
        return all().labels();
    }

    private Batch gather(int[] picked) {
        touched = touch(picked);
        int n = picked.length * imageSize;
        float[] x = spare != null && spare.length == n ? spare : new float[n];
        spare = null;
        int[] y = new int[picked.length];
        for (int i = 0; i < picked.length; i++) {
            int example = first + picked[i];
            int src = example * imageSize;
            int dst = i * imageSize;
            for (int j = 0; j < imageSize; j++) {
                x[dst + j] = ((float) pixels[src + j] + 128f) * SCALE;   // see centre()
            }
            y[i] = labels[example] & 0xff;
        }
        return new Batch(x, y, picked, imageSize, numClasses, oneHot, this);
    }

    /**
     * Reads one byte of every cache line of the picked images. The rows are scattered over the whole
     * set, so each costs DRAM misses; issued back to back here they overlap, where the copy loop meets
     * them one row at a time (a batch of 128 MNIST images: 55 -> 38 us).
     */
    private int touch(int[] picked) {
        int sum = 0;
        for (int example : picked) {
            int src = (first + example) * imageSize;
            for (int j = 0; j < imageSize; j += 64) {
                sum += pixels[src + j];
            }
            sum += pixels[src + imageSize - 1];
        }
        return sum;   // kept in a field: a result nobody reads would let the JIT drop the loads
    }

    /** {@link Batch#close}: every element of {@code images} is written before a batch uses it again. */
    void recycle(float[] images) {
        spare = images;
    }

    private void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) { // Fisher-Yates
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    @Override
    public String toString() {
        return name + " set: " + count + " examples";
    }
}
