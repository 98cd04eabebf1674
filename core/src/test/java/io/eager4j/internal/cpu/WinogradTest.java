package io.eager4j.internal.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Winograd's F(2x2, 5x5) pieces on their own: the matrices derived from the points give the
 * correlation they promise, and the written-out vector kernels hold those matrices' coefficients.
 * (The convolutions through them are checked against the reference in FastWindowsTest.)
 */
class WinogradTest {
    private static final int VL = WinogradKernels.VL;

    /** y = Aᵀ[(G g) ⊙ (Bᵀ d)] is the 2-output correlation of a 6-element d with a 5-tap g. */
    @Test
    void theMatricesComputeTheCorrelation() {
        Random r = new Random(7);
        for (int trial = 0; trial < 100; trial++) {
            double[] d = new double[6], g = new double[5];
            for (int i = 0; i < 6; i++) d[i] = r.nextGaussian();
            for (int i = 0; i < 5; i++) g[i] = r.nextGaussian();
            double[] product = new double[6];
            for (int j = 0; j < 6; j++) {
                double gg = 0, dd = 0;
                for (int k = 0; k < 5; k++) gg += Winograd.G[j][k] * g[k];
                for (int k = 0; k < 6; k++) dd += Winograd.BT[j][k] * d[k];
                product[j] = gg * dd;
            }
            for (int i = 0; i < 2; i++) {
                double y = 0, expected = 0;
                for (int j = 0; j < 6; j++) y += Winograd.AT[i][j] * product[j];
                for (int k = 0; k < 5; k++) expected += d[i + k] * g[k];
                assertEquals(expected, y, 1e-12, "output " + i);
            }
        }
    }

    /** Each kernel applied to the unit vectors gives its matrix's columns: Bᵀ, its transpose B, A (Aᵀ's transpose) and Aᵀ. */
    @Test
    void theKernelsHoldTheMatricesCoefficients() {
        for (int k = 0; k < 6; k++) {
            float[] in = unit(k, 6), out = new float[6 * VL];
            WinogradKernels.bt(in, new int[] {0, VL, 2 * VL, 3 * VL, 4 * VL, 5 * VL}, 0, out, 0, VL);
            for (int j = 0; j < 6; j++) assertLanes(Winograd.BT[j][k], out, j, "Bt[" + j + "][" + k + "]");
            WinogradKernels.b(in, 0, VL, out, 0, VL);
            for (int j = 0; j < 6; j++) assertLanes(Winograd.BT[k][j], out, j, "B[" + j + "][" + k + "]");
            int[] rows = new int[6];
            for (int i = 0; i < 6; i++) rows[i] = i == k ? 0 : -1;   // the other rows in the padding: zeros
            WinogradKernels.bt(unit(0, 1), rows, 0, out, 0, VL);
            for (int j = 0; j < 6; j++) assertLanes(Winograd.BT[j][k], out, j, "Bt[" + j + "][" + k + "] with the other rows in the padding");
            float[] two = new float[2 * VL];
            WinogradKernels.at(in, 0, VL, null, 0, two, 0, VL);
            for (int i = 0; i < 2; i++) assertLanes(Winograd.AT[i][k], two, i, "At[" + i + "][" + k + "]");
        }
        for (int i = 0; i < 2; i++) {
            float[] out = new float[6 * VL];
            WinogradKernels.a(unit(i, 2), 0, VL, out, 0, VL);
            for (int j = 0; j < 6; j++) assertLanes(Winograd.AT[i][j], out, j, "A[" + j + "][" + i + "]");
        }
    }

    /** With a bias, Aᵀ's outputs get it and the ReLU: negatives and -0 to +0. */
    @Test
    void theOutputTransformAddsTheBiasThenTheRelu() {
        float[] m = new float[6 * VL], bias = new float[VL], out = new float[2 * VL];
        for (int l = 0; l < VL; l++) {
            m[l] = l - 4f;   // row 0 sums the first five: just this
            bias[l] = l % 2 == 0 ? 0.5f : -0.5f;
        }
        WinogradKernels.at(m, 0, VL, bias, 0, out, 0, VL);
        for (int l = 0; l < VL; l++) {
            assertEquals(Math.max(0f, l - 4f + bias[l]), out[l], 0f, "lane " + l);
            assertEquals(Float.floatToRawIntBits(Math.max(0f, bias[l])), Float.floatToRawIntBits(out[VL + l]), "row 1, lane " + l);
        }
    }

    /** k-th of n vectors all ones, the rest zeros. */
    private static float[] unit(int k, int n) {
        float[] a = new float[n * VL];
        java.util.Arrays.fill(a, k * VL, (k + 1) * VL, 1f);
        return a;
    }

    private static void assertLanes(double expected, float[] out, int vector, String what) {
        for (int l = 0; l < VL; l++) assertEquals((float) expected, out[vector * VL + l], 0f, what + ", lane " + l);
    }
}
