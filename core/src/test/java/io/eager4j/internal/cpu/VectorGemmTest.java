package io.eager4j.internal.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class VectorGemmTest {

    @Test
    void matchesReferenceAtAwkwardSizes() {
        Gemm gemm = Gemms.select("java");
        assertInstanceOf(VectorGemm.class, gemm, "eager4j.cpu=java must give the Vector API GEMM");
        assertEquals("java", gemm.name());
        assertTrue(GemmCheck.againstReference(gemm) > 500);
    }

    @Test
    void seedShapes() {
        SplittableRandom rnd = new SplittableRandom(7);
        Gemm gemm = VectorGemm.INSTANCE;
        GemmCheck.one(gemm, false, false, 128, 150, 784, false, rnd); // forward
        GemmCheck.one(gemm, true, false, 784, 150, 128, false, rnd);  // dW0 = X^T . dH
        GemmCheck.one(gemm, false, false, 128, 10, 150, false, rnd);  // logits
        GemmCheck.one(gemm, false, true, 128, 150, 10, false, rnd);   // dH = dZ . W1^T
        GemmCheck.one(gemm, true, false, 150, 10, 128, true, rnd);    // dW1 = H^T . dZ
    }

    @Test
    void reusesScratchAcrossShapesAndThreads() throws Exception {
        SplittableRandom rnd = new SplittableRandom(9);
        GemmCheck.one(VectorGemm.INSTANCE, false, false, 300, 700, 900, false, rnd); // grows the buffers
        GemmCheck.one(VectorGemm.INSTANCE, true, true, 9, 17, 5, true, rnd);         // then a small one
        try (ExecutorService other = Executors.newSingleThreadExecutor()) { // its own scratch buffers
            other.submit(() -> GemmCheck.one(VectorGemm.INSTANCE, false, true, 40, 50, 60, false,
                    new SplittableRandom(1))).get();
        }
    }
}
