package io.eager4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fashion-MNIST from {@code $EAGER4J_FASHION_DATA} (default: Debian's dataset-fashion-mnist folder),
 * whose .gz files Debian re-compressed: the checksums of the uncompressed content must still pass.
 */
class RealFashionMnistTest {
    private static DataSets fashion;

    @BeforeEach
    void read() { // per test, so a skip is counted (and explained) for each
        var folder = RealData.folder(Dataset.FASHION_MNIST, "EAGER4J_FASHION_DATA", "/usr/share/datasets/fashion-mnist");
        if (fashion == null) {
            fashion = FashionMnist.readDataSets(folder, true); // verifies all four SHA-256 sums while reading
        }
    }

    @Test
    void splitsAndBalancedClasses() {
        assertEquals(55000, fashion.train().numExamples());
        assertEquals(5000, fashion.validation().numExamples());
        assertEquals(10000, fashion.test().numExamples());
        int[] train = RealData.sum(RealData.classCounts(fashion.train().all().classes(), 10),
                RealData.classCounts(fashion.validation().all().classes(), 10));
        int[] sixThousand = new int[10];
        Arrays.fill(sixThousand, 6000); // Fashion-MNIST is balanced: 6000 per class, 1000 in test
        assertArrayEquals(sixThousand, train);
        int[] thousand = new int[10];
        Arrays.fill(thousand, 1000);
        assertArrayEquals(thousand, RealData.classCounts(fashion.test().all().classes(), 10));
    }

    @Test
    void oneHotBatchesInZeroOne() {
        Batch b = fashion.train().nextBatch(256);
        assertEquals(256, b.size());
        for (float v : b.imageArray()) {
            assertTrue(v >= 0f && v <= 1f, "pixel " + v);
        }
        float[] y = b.labels().toFloatArray();
        assertEquals(256 * 10, y.length);
        for (int i = 0; i < 256; i++) {
            float rowSum = 0;
            for (int k = 0; k < 10; k++) {
                rowSum += y[i * 10 + k];
            }
            assertEquals(1f, rowSum);
            assertEquals(1f, y[i * 10 + b.classes()[i]]);
        }
    }
}
