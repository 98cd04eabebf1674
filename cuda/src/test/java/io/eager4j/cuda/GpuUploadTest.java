package io.eager4j.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.eager4j.DType;
import io.eager4j.internal.Buffer;
import org.junit.jupiter.api.Test;

/**
 * Uploads are queued on the stream through page-locked staging chunks: a chunk must not be
 * refilled while a queued copy may still read it. Behind a long matmul (so the copies wait in the
 * queue), more uploads than there are chunks, each of its own values, must all arrive intact.
 */
class GpuUploadTest {
    @Test
    void backToBackUploadsBehindQueuedWorkKeepTheirValues() {
        CudaBackend gpu = GpuSupport.backend();
        int big = 512;
        Buffer a = gpu.full(DType.FLOAT32, big * big, 1), b = gpu.full(DType.FLOAT32, big * big, 2);
        Buffer slow = gpu.matmul(DType.FLOAT32, a, b, 1, big, big, big, false, false);   // keeps the stream busy
        float[][] sent = new float[11][];
        Buffer[] up = new Buffer[sent.length];
        for (int u = 0; u < sent.length; u++) {
            sent[u] = new float[1000 + 4099 * u];   // growing: some chunks are too small and replaced
            for (int i = 0; i < sent[u].length; i++) sent[u][i] = u * 100_000 + i;
            up[u] = gpu.fromArray(DType.FLOAT32, sent[u]);
        }
        for (int u = 0; u < sent.length; u++) {
            assertArrayEquals(sent[u], (float[]) gpu.toArray(DType.FLOAT32, up[u]), "upload " + u);
        }
        float[] product = (float[]) gpu.toArray(DType.FLOAT32, slow);
        assertArrayEquals(new float[] {2 * big, 2 * big}, new float[] {product[0], product[product.length - 1]});
    }
}
