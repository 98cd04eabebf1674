package io.eager4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.eager4j.nn.NN;
import org.junit.jupiter.api.Test;

/** Forward values and error messages of the ops. */
class OpsTest {
    @Test
    void wrapAdoptsTheArrayWhereOfCopiesIt() {
        float[] a = {1, 2, 3, 4};
        Tensor wrapped = Tensor.wrap(a, 2, 2), copied = Tensor.of(a, 2, 2);
        assertArrayEquals(new int[] {2, 2}, wrapped.shape());
        a[0] = 9;   // a broken promise, to see the difference: wrap shares, of does not
        assertEquals(9f, wrapped.toFloatArray()[0]);
        assertEquals(1f, copied.toFloatArray()[0]);
        assertEquals(10f, (float) wrapped.add(copied).toFloatArray()[0]);
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.wrap(new float[3], 2, 2));
        assertEquals("wrap: 3 values cannot fill shape [2, 2]", e.getMessage());
    }

    @Test
    void broadcastingFollowsNumpy() {
        Tensor a = Tensor.of(new float[] {1, 2, 3}, 3, 1), b = Tensor.of(new float[] {10, 20}, 2);
        Tensor c = a.add(b);
        assertArrayEquals(new int[] {3, 2}, c.shape());
        assertArrayEquals(new float[] {11, 21, 12, 22, 13, 23}, c.toFloatArray());
        assertArrayEquals(new float[] {2, 4, 6}, a.mul(2).reshape(3).toFloatArray());
    }

    @Test
    void matmulKnownAnswer() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = Tensor.of(new float[] {7, 8, 9, 10, 11, 12}, 3, 2);
        assertArrayEquals(new float[] {58, 64, 139, 154}, a.matmul(b).toFloatArray());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, a.transpose().toFloatArray());
    }

    @Test
    void errorsNameTheOpAndShowTheShapes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(128, 784).matmul(Tensor.zeros(150, 10)));
        assertEquals("matmul: shapes [128, 784] and [150, 10] cannot be multiplied", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).add(Tensor.zeros(4)));
        assertEquals("add: shapes [2, 3] and [4] cannot be broadcast", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2).add(Tensor.zeros(DType.FLOAT64, 2)));
        assertEquals("add: dtypes float32 and float64 differ; cast one with cast(DType)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(6).reshape(4, -1));
        assertEquals("reshape: cannot reshape [6] (6 elements) to [4, -1]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 2).sum(2));
        assertEquals("sum: axis 2 is out of range for rank 2", e.getMessage());
    }

    @Test
    void gpuWithoutCudaModuleSaysWhy() {
        var e = assertThrows(IllegalStateException.class, () -> Device.gpu(0));
        assertEquals("gpu:0 not available: no eager4j-cuda module on the class path", e.getMessage());
        assertEquals("cpu", Device.parse("/cpu:0").toString());
        assertThrows(IllegalArgumentException.class, () -> Device.parse("tpu"));
    }

    @Test
    void deviceScopePlacesNewTensors() {
        try (var scope = Device.cpu().use()) {
            assertEquals(Device.cpu(), Tensor.ones(2).device());
            assertEquals(Device.cpu(), Variable.create("v", 2, 2).device());
        }
    }

    @Test
    void reductionsArgmaxComparisonsWhere() {
        Tensor x = Tensor.of(new float[] {1, 5, 3, 4, 2, 6}, 2, 3);
        assertArrayEquals(new float[] {9, 12}, x.sum(1).toFloatArray());
        assertArrayEquals(new float[] {4, 5, 6}, x.max(0).toFloatArray());
        assertArrayEquals(new int[] {1, 2}, x.argmax(1).toIntArray());
        assertEquals(3.5, x.mean().item(), 1e-6);
        assertArrayEquals(new int[] {2, 1, 3}, x.sum(new int[] {1}, true).reshape(2, 1, 1).broadcastTo(2, 1, 3).shape());
        Tensor big = Tensor.where(x.greater(3), x, Tensor.scalar(0));
        assertArrayEquals(new float[] {0, 5, 0, 4, 0, 6}, big.toFloatArray());
        assertEquals(DType.BOOL, x.equal(x).dtype());
        assertEquals(1.0, x.argmax(1).equal(Tensor.of(new int[] {1, 2})).cast(DType.FLOAT32).mean().item());
    }

    @Test
    void shapeOpsAndOneHot() {
        Tensor x = Tensor.arange(0, 6, 1).reshape(2, 3);
        assertArrayEquals(new float[] {1, 2, 4, 5}, x.slice(new int[] {0, 1}, new int[] {2, 2}).toFloatArray());
        assertArrayEquals(new float[] {0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5}, Tensor.concat(1, x, x).toFloatArray());
        assertArrayEquals(new int[] {3, 2, 2}, Tensor.zeros(2, 2, 3).permute(2, 0, 1).shape());
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0}, Tensor.of(new int[] {2, 0}, 2).oneHot(3).toFloatArray());
    }

    @Test
    void clipSoftmaxAndDropout() {
        assertArrayEquals(new float[] {-1, 0.5f, 1}, Tensor.of(new float[] {-3, 0.5f, 7}).clip(-1, 1).toFloatArray());
        Tensor sm = NN.softmax(Tensor.of(new float[] {1000, 1000, 0}, 1, 3), 1);
        assertArrayEquals(new float[] {0.5f, 0.5f, 0}, sm.toFloatArray(), 1e-6f);
        Tensor d = NN.dropout(Tensor.ones(10_000), 0.75, new Rng(1));
        double kept = d.greater(0).cast(DType.FLOAT32).mean().item();
        assertEquals(0.75, kept, 0.02);
        assertEquals(1 / 0.75, d.max().item(), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> NN.dropout(Tensor.ones(2), 0, new Rng(1)));
    }

    @Test
    void toStringIsReadable() {
        assertEquals("tensor([[1, 2], [3, 4.5]], float32)", Tensor.of(new float[] {1, 2, 3, 4.5f}, 2, 2).toString());
        assertEquals("tensor([0, 1, 2, ..., 1997, 1998, 1999], int32)", Tensor.arange(2000).toString());
        assertEquals(7.0, Tensor.scalar(7).item());
    }
}
