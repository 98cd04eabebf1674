package io.eager4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eager4j.internal.Philox;
import io.eager4j.optim.Adam;
import org.junit.jupiter.api.Test;

/** Values computed independently (by hand, from published vectors) and written down. */
class KnownAnswerTest {
    @Test
    void philoxMatchesRandom123Vectors() {
        int[] out = new int[4];
        Philox.block(0, 0, 0, 0, 0, 0, out);
        assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}, out);
        Philox.block(-1, -1, -1, -1, -1, -1, out);
        assertArrayEquals(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}, out);
        Philox.block(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, out);
        assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}, out);
    }

    @Test
    void randomStreamIsAPureFunctionOfSeedAndOffset() {
        Rng a = new Rng(42);
        Tensor first = a.uniform(0, 1, 10);
        Tensor second = a.uniform(0, 1, 6);
        assertEquals(3, a.offset() - Philox.blocks(6));
        double[] whole = new double[16 + 2];   // 10 values use 3 blocks: the next draw starts at block 3
        Philox.fill(whole, false, 42, 0, 0, 1);
        double[] tail = new double[6];
        Philox.fill(tail, false, 42, 3, 0, 1);
        for (int i = 0; i < 10; i++) assertEquals(whole[i], first.toFloatArray()[i], 0);
        for (int i = 0; i < 6; i++) assertEquals(tail[i], second.toFloatArray()[i], 0);
        assertArrayEquals(new Rng(42).uniform(0, 1, 10).toFloatArray(), first.toFloatArray());
    }

    @Test
    void normalDrawsHaveTheRightMoments() {
        double[] z = new Rng(3).normal(DType.FLOAT64, 2, 3, 100_000).toDoubleArray();
        double mean = 0, sq = 0;
        for (double v : z) mean += v / z.length;
        for (double v : z) sq += (v - mean) * (v - mean) / z.length;
        assertEquals(2, mean, 0.05);
        assertEquals(3, Math.sqrt(sq), 0.05);
    }

    @Test
    void glorotLimitsFollowTfFanRules() {
        assertEquals(0.0801, Initializers.glorotLimit(784, 150), 5e-5);
        assertEquals(0.1414, Initializers.glorotLimit(150), 5e-5);
        Rng.setSeed(1);
        Variable w0 = Variable.create("W0", 784, 150), b0 = Variable.create("b0", 150);
        assertTrue(w0.abs().max().item() <= 0.0802 && w0.abs().max().item() > 0.079);
        assertTrue(b0.abs().max().item() <= 0.1415 && b0.abs().max().item() > 0.13);
    }

    @Test
    void adamFirstThreeStepsMatchTfFormulaByHand() {
        // loss = sum(v^2), lr 0.1; values worked out with TF 1.x's lr_t = lr*sqrt(1-b2^t)/(1-b1^t)
        double[][] expected = {
            {0.9000000158113858, -1.9000000079056936},
            {0.8004122550985358, -1.8001664992234345},
            {0.7015863085615979, -1.7006234096352553}};
        Variable v = new Variable("v", Tensor.of(new double[] {1, -2}));
        Adam adam = new Adam(0.1);
        for (double[] e : expected) {
            adam.minimize(() -> v.mul(v).sum());
            assertArrayEquals(e, v.toDoubleArray(), 1e-12);
        }
        assertEquals(3, adam.steps());
    }
}
