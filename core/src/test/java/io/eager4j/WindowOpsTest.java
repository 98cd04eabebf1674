package io.eager4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.eager4j.nn.NN;
import io.eager4j.nn.Padding;
import org.junit.jupiter.api.Test;

/** Convolution, pooling and gather: answers worked out by hand (written down), and the errors. */
class WindowOpsTest {
    static Tensor grid(int rows, int cols) {   // 1, 2, ... row by row, as [1, rows, cols, 1]
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) v[i] = i + 1;
        return Tensor.of(v, 1, rows, cols, 1);
    }

    @Test
    void conv2dKnownAnswers() {
        Tensor x = grid(3, 3), f = Tensor.of(new double[] {1, 0, 0, -1}, 2, 2, 1, 1);   // x[i,j] - x[i+1,j+1]
        assertArrayEquals(new double[] {-4, -4, -4, -4}, NN.conv2d(x, f, new int[] {1, 1}, Padding.VALID).toDoubleArray());
        // SAME, stride 2 on 3x3: out 2x2, one row and column of padding at the bottom and right
        Tensor same = NN.conv2d(x, f, new int[] {2, 2}, Padding.SAME);
        assertArrayEquals(new int[] {1, 2, 2, 1}, same.shape());
        assertArrayEquals(new double[] {1 - 5, 3 - 0, 7 - 0, 9}, same.toDoubleArray());
        // 1x1 with two input and three output channels: a matrix product per pixel
        Tensor px = Tensor.of(new double[] {1, 2, 3, 4}, 1, 1, 2, 2), w = Tensor.of(new double[] {1, 0, 2, 0, 1, 3}, 1, 1, 2, 3);
        assertArrayEquals(new double[] {1, 2, 8, 3, 4, 18}, NN.conv2d(px, w, new int[] {1, 1}, Padding.SAME).toDoubleArray());
    }

    @Test
    void poolingKnownAnswers() {
        Tensor x = grid(4, 4);
        assertArrayEquals(new double[] {6, 8, 14, 16}, NN.maxPool2d(x, new int[] {2, 2}, new int[] {2, 2}, Padding.VALID).toDoubleArray());
        // SAME 3x3 stride 2 on 4x4: windows rows/cols {0..2} and {2..3}
        assertArrayEquals(new double[] {11, 12, 15, 16}, NN.maxPool2d(x, new int[] {3, 3}, new int[] {2, 2}, Padding.SAME).toDoubleArray());
        // average over the real elements only: 54/9, 45/6, 72/6, 54/4
        assertArrayEquals(new double[] {6, 7.5, 12, 13.5}, NN.avgPool2d(x, new int[] {3, 3}, new int[] {2, 2}, Padding.SAME).toDoubleArray());
    }

    @Test
    void maxPoolGradientGoesToTheFirstMaximumOfATie() {
        Tensor x = Tensor.of(new double[] {1, 1, 1, 1}, 1, 2, 2, 1);
        try (var tape = new GradientTape()) {
            tape.watch(x);
            Tensor g = tape.gradient(NN.maxPool2d(x, new int[] {2, 2}, new int[] {2, 2}, Padding.VALID).sum(), x);
            assertArrayEquals(new double[] {1, 0, 0, 0}, g.toDoubleArray());
        }
    }

    @Test
    void gatherPicksRowsAndAddsGradientsBack() {
        Tensor table = Tensor.of(new double[] {10, 11, 20, 21, 30, 31}, 3, 2);
        Tensor idx = Tensor.of(new int[] {2, 0, 2}, 3);
        assertArrayEquals(new double[] {30, 31, 10, 11, 30, 31}, table.gather(idx, 0).toDoubleArray());
        assertArrayEquals(new int[] {2, 2, 2}, table.gather(Tensor.of(new int[] {0, 1, 2, 0}, 2, 2), 0).shape());
        try (var tape = new GradientTape()) {
            tape.watch(table);
            assertArrayEquals(new double[] {1, 1, 0, 0, 2, 2}, tape.gradient(table.gather(idx, 0).sum(), table).toDoubleArray());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> table.gather(Tensor.of(new int[] {3}, 1), 0));
        assertEquals("gather: index 3 at position 0 is outside [0, 3)", e.getMessage());
    }

    @Test
    void errorsNameTheOpAndShowTheShapes() {
        Tensor x = Tensor.zeros(128, 28, 28, 1), f = Tensor.zeros(5, 5, 3, 32);
        assertEquals("conv2d: filter [5, 5, 3, 32] needs 3 input channels, input [128, 28, 28, 1] has 1",
                assertThrows(IllegalArgumentException.class, () -> NN.conv2d(x, f, new int[] {1, 1}, Padding.SAME)).getMessage());
        assertEquals("conv2d: input must be NHWC [n, h, w, c], got [28, 28]",
                assertThrows(IllegalArgumentException.class, () -> NN.conv2d(Tensor.zeros(28, 28), f, new int[] {1, 1}, Padding.SAME)).getMessage());
        assertEquals("maxPool2d: a 5x5 window does not fit input [1, 4, 4, 1] with VALID padding; use SAME or a smaller window",
                assertThrows(IllegalArgumentException.class,
                        () -> NN.maxPool2d(Tensor.zeros(1, 4, 4, 1), new int[] {5, 5}, new int[] {1, 1}, Padding.VALID)).getMessage());
        assertEquals("avgPool2d: strides must be two numbers {rows, columns}, got [2]",
                assertThrows(IllegalArgumentException.class,
                        () -> NN.avgPool2d(Tensor.zeros(1, 4, 4, 1), new int[] {2, 2}, new int[] {2}, Padding.VALID)).getMessage());
        assertEquals("sparseSoftmaxCrossEntropy: labels must be int32 of shape [4] for logits [4, 10], got float32 [4]",
                assertThrows(IllegalArgumentException.class,
                        () -> NN.sparseSoftmaxCrossEntropy(Tensor.zeros(4, 10), Tensor.zeros(4))).getMessage());
    }
}
