package io.eager4j.internal.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReferenceGemmTest {
    private final Gemm ref = ReferenceGemm.INSTANCE;

    @Test
    void knownAnswerEveryTranspose() {
        float[] a = {1, 2, 3, 4, 5, 6};     // 2x3
        float[] aT = {1, 4, 2, 5, 3, 6};    // the same, stored 3x2
        float[] b = {7, 8, 9, 10, 11, 12};  // 3x2
        float[] bT = {7, 9, 11, 8, 10, 12}; // the same, stored 2x3
        float[] want = {58, 64, 139, 154};  // by hand: [1 2 3].[7 9 11] = 58, ...
        for (int t = 0; t < 4; t++) {
            boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
            float[] c = new float[4];
            ref.sgemm(ta, tb, 2, 2, 3, ta ? aT : a, 0, tb ? bT : b, 0, c, 0, false);
            assertArrayEquals(want, c, "transA=" + ta + " transB=" + tb);
        }
    }

    @Test
    void accumulateAddsAndOffsetsAreHonoured() {
        float[] a = {-1, 1, 2};    // offset 1: [1 2] (1x2)
        float[] b = {-1, -1, 3, 4}; // offset 2: [3 4]^T (2x1)
        float[] c = {9, 100};
        ref.sgemm(false, false, 1, 1, 2, a, 1, b, 2, c, 1, true);
        assertArrayEquals(new float[] {9, 111}, c);
    }

    @Test
    void emptySumIsZeroAndBadShapesSayWhy() {
        float[] c = {5, 5};
        ref.sgemm(false, false, 1, 2, 0, new float[0], 0, new float[0], 0, c, 0, false);
        assertArrayEquals(new float[] {0, 0}, c);
        var e = assertThrows(IllegalArgumentException.class,
                () -> ref.sgemm(false, false, 2, 2, 3, new float[5], 0, new float[6], 0, new float[4], 0, false));
        assertTrue(e.getMessage().contains("A [2x3] needs 6 floats"), e.getMessage());
    }
}
