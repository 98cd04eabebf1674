package io.eager4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eager4j.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** next_batch and epoch semantics on small in-memory sets. */
class DataSetTest {
    private static final int PIXELS = 4;

    /** A set of {@code n} examples whose pixels and label encode the example's index. */
    private static DataSet indexed(int n, long seed, boolean oneHot) {
        byte[] pixels = new byte[n * PIXELS];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            pixels[i * PIXELS] = (byte) i; // first pixel: index mod 256
            pixels[i * PIXELS + 1] = (byte) 255;
            labels[i] = (byte) (i % 10);
        }
        return new DataSet("train", DataSet.centre(new Idx.Images(n, 2, 2, pixels)), labels, 0, n, 10, oneHot,
                new SplittableRandom(seed));
    }

    private static int[] stream(DataSet set, int batchSize, int batches) {
        return IntStream.range(0, batches).flatMap(i -> Arrays.stream(set.nextBatch(batchSize).indices())).toArray();
    }

    private static boolean isPermutation(int[] a, int n) {
        return a.length == n && Arrays.equals(Arrays.stream(a).sorted().toArray(), IntStream.range(0, n).toArray());
    }

    @Property(tries = 200)
    void nextBatchVisitsEveryExampleOncePerEpoch(@ForAll @IntRange(min = 1, max = 60) int n,
                                                 @ForAll @IntRange(min = 1, max = 60) int batchSize,
                                                 @ForAll long seed) {
        if (batchSize > n) {
            batchSize = 1 + batchSize % n;
        }
        DataSet set = indexed(n, seed, false);
        int epochs = 3;
        int calls = (epochs * n + batchSize - 1) / batchSize;
        int[] seen = stream(set, batchSize, calls);
        for (int e = 0; e < epochs; e++) {
            int[] epoch = Arrays.copyOfRange(seen, e * n, (e + 1) * n);
            assertTrue(isPermutation(epoch, n), "epoch " + e + " is not a permutation: " + Arrays.toString(epoch));
        }
        // TF counts an epoch as completed when a batch first reaches past its end
        assertEquals((calls * batchSize - 1) / n, set.epochsCompleted());
    }

    @Test
    void theTailOfAnEpochStartsTheNextBatch() {
        DataSet set = indexed(10, 3, false);
        int[] a = set.nextBatch(4).indices();
        int[] b = set.nextBatch(4).indices();
        assertEquals(0, set.epochsCompleted());
        int[] c = set.nextBatch(4).indices(); // 2 left over from epoch 1, then 2 from epoch 2
        assertEquals(1, set.epochsCompleted());
        int[] firstEpoch = IntStream.concat(IntStream.concat(Arrays.stream(a), Arrays.stream(b)),
                Arrays.stream(c, 0, 2)).toArray();
        assertTrue(isPermutation(firstEpoch, 10), Arrays.toString(firstEpoch));
        int[] d = set.nextBatch(8).indices(); // finishes epoch 2 exactly: no epoch counted yet
        assertEquals(1, set.epochsCompleted());
        int[] secondEpoch = IntStream.concat(Arrays.stream(c, 2, 4), Arrays.stream(d)).toArray();
        assertTrue(isPermutation(secondEpoch, 10), Arrays.toString(secondEpoch));
    }

    @Test
    void epochsAreShuffledAndDiffer() {
        DataSet set = indexed(1000, 11, false);
        int[] first = stream(set, 1000, 1);
        int[] second = stream(set, 1000, 1);
        assertFalse(Arrays.equals(IntStream.range(0, 1000).toArray(), first), "first epoch not shuffled");
        assertTrue(isPermutation(second, 1000));
        assertFalse(Arrays.equals(first, second), "second epoch not reshuffled");
    }

    @Test
    void sameSeedSameBatchesOtherSeedOthers() {
        int[] a = stream(indexed(97, 5, false), 13, 30);
        int[] b = stream(indexed(97, 5, false), 13, 30);
        int[] c = stream(indexed(97, 6, false), 13, 30);
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void batchContentFollowsItsIndices() {
        DataSet set = indexed(30, 1, true);
        Batch batch = set.nextBatch(7);
        float[] x = batch.imageArray();
        int[] idx = batch.indices();
        int[] classes = batch.classes();
        for (int i = 0; i < 7; i++) {
            assertEquals(idx[i] * (float) (1.0 / 255.0), x[i * PIXELS], "pixel scaled as TF does");
            assertEquals(1f, x[i * PIXELS + 1], "255 scales to exactly 1");
            assertEquals(0f, x[i * PIXELS + 2]);
            assertEquals(idx[i] % 10, classes[i]);
        }
    }

    @Test
    void aClosedBatchsArrayHoldsTheNextBatchOfItsSize() {
        DataSet recycling = indexed(30, 3, true), fresh = indexed(30, 3, true);
        for (int size : new int[] {7, 7, 5, 7, 7, 30, 30}) {   // epochs wrap; other sizes get new arrays
            Batch a = recycling.nextBatch(size), b = fresh.nextBatch(size);
            assertArrayEquals(b.imageArray(), a.imageArray(), "closing changes no batch's values");
            assertArrayEquals(b.indices(), a.indices());
            assertArrayEquals(b.labels().toFloatArray(), a.labels().toFloatArray());
            a.close();
        }
        Batch first = recycling.nextBatch(7);
        Tensor x = first.images();
        float[] before = x.toFloatArray();
        first.close();
        Batch next = recycling.nextBatch(7);
        assertArrayEquals(next.imageArray(), x.toFloatArray(), "the next batch was drawn into the closed one's array");
        assertFalse(Arrays.equals(before, next.imageArray()), "two batches of distinct examples");
        Tensor kept = next.images();
        float[] values = kept.toFloatArray();
        recycling.nextBatch(7);   // next is still open: its array is not reused
        assertArrayEquals(values, kept.toFloatArray());
    }

    @Test
    void aClosedBatchRefusesItsData() {
        Batch b = indexed(10, 1, true).nextBatch(4);
        b.close();
        b.close();   // twice: nothing more happens
        IllegalStateException e = assertThrows(IllegalStateException.class, b::images);
        assertTrue(e.getMessage().startsWith("Batch.images: the batch is closed"), e.getMessage());
        assertThrows(IllegalStateException.class, b::labels);
        assertThrows(IllegalStateException.class, b::imageArray);
        assertThrows(IllegalStateException.class, b::indices);
        assertEquals(4, b.size());
        assertTrue(b.toString().endsWith(", closed]"), b.toString());
    }

    @Test
    void batchesCoverOneEpochWithAPartialLastBatch() {
        DataSet set = indexed(23, 2, false);
        List<Integer> sizes = new ArrayList<>();
        List<int[]> parts = new ArrayList<>();
        for (Batch b : set.batches(5, false)) {
            sizes.add(b.size());
            parts.add(b.indices());
        }
        assertEquals(List.of(5, 5, 5, 5, 3), sizes);
        int[] inOrder = parts.stream().flatMapToInt(Arrays::stream).toArray();
        assertArrayEquals(IntStream.range(0, 23).toArray(), inOrder);

        int[] shuffled = new int[0];
        for (Batch b : set.batches(5, true)) {
            shuffled = IntStream.concat(Arrays.stream(shuffled), Arrays.stream(b.indices())).toArray();
        }
        assertTrue(isPermutation(shuffled, 23));
        assertNotEquals(Arrays.toString(inOrder), Arrays.toString(shuffled));
        assertEquals(0, set.epochsCompleted(), "batches() leaves nextBatch's cursor alone");
    }

    @Test
    void badBatchSizesAndEmptySetsAreExplained() {
        DataSet set = indexed(10, 0, false);
        var big = assertThrows(IllegalArgumentException.class, () -> set.nextBatch(11));
        assertTrue(big.getMessage().contains("batch size 11") && big.getMessage().contains("1..10"), big.getMessage());
        assertThrows(IllegalArgumentException.class, () -> set.nextBatch(0));
        assertThrows(IllegalArgumentException.class, () -> set.batches(0, false));
        DataSet empty = new DataSet("validation", new Idx.Images(0, 2, 2, new byte[0]), new byte[0], 0, 0, 10,
                false, new SplittableRandom(0));
        var e = assertThrows(IllegalStateException.class, () -> empty.nextBatch(1));
        assertTrue(e.getMessage().contains("validation set is empty"), e.getMessage());
        assertFalse(empty.batches(4, true).iterator().hasNext());
    }

    @Test
    void tensorsHaveTheDocumentedShapesAndTypes() {
        Batch oneHot = indexed(12, 4, true).nextBatch(5);
        assertArrayEquals(new int[] {5, PIXELS}, oneHot.images().shape());
        assertArrayEquals(oneHot.imageArray(), oneHot.images().toFloatArray());
        float[] y = oneHot.labels().toFloatArray();
        assertArrayEquals(new int[] {5, 10}, oneHot.labels().shape());
        int[] classes = oneHot.classes();
        for (int i = 0; i < 5; i++) {
            for (int k = 0; k < 10; k++) {
                assertEquals(k == classes[i] ? 1f : 0f, y[i * 10 + k]);
            }
        }
        Batch ints = indexed(12, 4, false).nextBatch(5);
        assertArrayEquals(new int[] {5}, ints.labels().shape());
        assertArrayEquals(ints.classes(), ints.labels().toIntArray());
    }
}
