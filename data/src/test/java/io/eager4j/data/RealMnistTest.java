package io.eager4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real MNIST files from {@code $EAGER4J_DATA}: checksums, published class counts, splits, batches. */
class RealMnistTest {
    private static Path folder;
    private static DataSets mnist;

    @BeforeEach
    void read() { // per test, so a skip is counted (and explained) for each
        folder = RealData.folder(Dataset.MNIST, "EAGER4J_DATA", null);
        if (mnist == null) {
            mnist = Mnist.readDataSets(folder, false); // verifies all four SHA-256 sums while reading
        }
    }

    @Test
    void splitsHaveTensorFlowsSizes() {
        assertEquals(55000, mnist.train().numExamples());
        assertEquals(5000, mnist.validation().numExamples());
        assertEquals(10000, mnist.test().numExamples());
        assertEquals(784, mnist.train().imageSize());
        assertEquals(10, mnist.train().numClasses());
    }

    @Test
    void classCountsAreThePublishedOnes() {
        int[] train = RealData.sum(RealData.classCounts(mnist.train().all().classes(), 10),
                RealData.classCounts(mnist.validation().all().classes(), 10));
        assertArrayEquals(new int[] {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}, train);
        assertArrayEquals(new int[] {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009},
                RealData.classCounts(mnist.test().all().classes(), 10));
    }

    @Test
    void pixelsAreScaledIntoZeroOne() {
        float[] x = mnist.test().all().imageArray();
        assertEquals(10000 * 784, x.length);
        double min = 1;
        double max = 0;
        boolean between = false;
        for (float v : x) {
            min = Math.min(min, v);
            max = Math.max(max, v);
            between |= v > 0 && v < 1;
        }
        assertEquals(0.0, min);
        assertEquals(1.0, max);
        assertTrue(between, "grey pixels exist");
    }

    @Test
    void twoSeededEpochsVisitEveryExampleOnceEach() {
        DataSets fresh = Dataset.MNIST.read(ReadOptions.defaults().withDir(folder).withSeed(42));
        DataSets again = Dataset.MNIST.read(ReadOptions.defaults().withDir(folder).withSeed(42));
        DataSet train = fresh.train();
        int n = train.numExamples();
        int batch = 128;
        int calls = (2 * n + batch - 1) / batch;
        int[] seen = new int[calls * batch];
        for (int i = 0; i < calls; i++) {
            Batch b = train.nextBatch(batch);
            System.arraycopy(b.indices(), 0, seen, i * batch, batch);
            if (i < 3 || i == calls - 1) { // same seed, same batches, contents included
                Batch c = again.train().nextBatch(batch);
                assertArrayEquals(b.indices(), c.indices());
                assertArrayEquals(b.imageArray(), c.imageArray());
                assertArrayEquals(b.classes(), c.classes());
            } else {
                again.train().nextBatch(batch);
            }
        }
        int[] first = Arrays.copyOfRange(seen, 0, n);
        int[] second = Arrays.copyOfRange(seen, n, 2 * n);
        int[] all = IntStream.range(0, n).toArray();
        assertArrayEquals(all, Arrays.stream(first).sorted().toArray());
        assertArrayEquals(all, Arrays.stream(second).sorted().toArray());
        assertFalse(Arrays.equals(first, second));
        assertFalse(Arrays.equals(all, first));
        assertEquals(2, train.epochsCompleted());
    }

    @Test
    void mnistFilesAreNotTakenForFashionMnist() {
        var e = assertThrows(DataFileException.class, () -> FashionMnist.readDataSets(folder, false));
        String m = e.getMessage();
        assertTrue(m.contains("It is MNIST's train-images-idx3-ubyte") && m.contains(folder.toString())
                && m.contains("keep this file") && !m.contains("Delete it"), m);
    }
}
