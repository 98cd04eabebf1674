package io.eager4j.internal.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeout;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ParallelGemmTest {

    @Test
    void everyGemmHonoursLeadingDimensions() {
        assertTrue(GemmCheck.stridedAgainstReference(ReferenceGemm.INSTANCE) > 200);
        assertTrue(GemmCheck.stridedAgainstReference(VectorGemm.INSTANCE) > 200);
        if (OpenBlasLoader.result().library() != null) {
            assertTrue(GemmCheck.stridedAgainstReference(Gemms.select("openblas")) > 200);
        }
    }

    @Test
    void splitProductsMatchTheReference() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int threads : new int[] {2, 3}) {
            for (int blocks : new int[] {1, 3}) {
                Gemm gemm = new ParallelGemm(VectorGemm.INSTANCE, new Workers(threads, "test-gemm"), blocks);
                for (int t = 0; t < 4; t++) {
                    boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                    GemmCheck.one(gemm, ta, tb, 129, 150, 500, false, rnd);   // split by rows, ragged last block
                    GemmCheck.one(gemm, ta, tb, 129, 150, 784, t % 2 == 1, rnd);   // small C, long depth: by depth (the seed's forward)
                    GemmCheck.one(gemm, ta, tb, 37, 60, 1031, true, rnd);     // by depth, ragged last block
                    GemmCheck.strided(gemm, ta, tb, 50, 60, 701, t % 2 == 0, 3, rnd);
                    GemmCheck.one(gemm, ta, tb, 13, 1037, 500, true, rnd);    // too few rows: split by columns
                    GemmCheck.one(gemm, ta, tb, 40, 97, 301, t % 2 == 1, rnd);   // C over twice as wide as tall: by columns, ragged
                    GemmCheck.strided(gemm, ta, tb, 785, 151, 129, t % 2 == 0, 3, rnd);
                }
                GemmCheck.one(gemm, false, false, 7, 13, 129, false, rnd);    // small: not split at all
            }
        }
    }

    @Test
    void aDepthSplitAddsItsBlocksInOrderWhicheverThreadRanThem() {
        SplittableRandom rnd = new SplittableRandom(5);
        int m = 64, n = 40, k = 1001, half = 504;   // 2.6M multiply-adds, blocks of whole 8s: [0, 504) and [504, 1001)
        float[] a = GemmCheck.random(m * k, rnd), b = GemmCheck.random(k * n, rnd), c0 = GemmCheck.random(m * n, rnd);
        float[] want = c0.clone(), rest = new float[m * n];
        Gemm inner = VectorGemm.INSTANCE;
        inner.sgemm(false, false, m, n, half, a, 0, k, b, 0, n, want, 0, n, true);
        inner.sgemm(false, false, m, n, k - half, a, half, k, b, half * n, n, rest, 0, n, false);
        for (int i = 0; i < m * n; i++) want[i] += rest[i];
        Gemm split = new ParallelGemm(inner, new Workers(2, "test-depth"), 1);
        for (int run = 0; run < 20; run++) {
            float[] c = c0.clone();
            split.sgemm(false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n, true);
            for (int i = 0; i < m * n; i++) {
                assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(c[i]), "run " + run + ", element " + i);
            }
        }
    }

    @Test
    void oneThreadIsTheInnerGemmItself() {
        assertSame(VectorGemm.INSTANCE, ParallelGemm.of(VectorGemm.INSTANCE, new Workers(1, "test-one")));
        assertEquals("java", ParallelGemm.of(VectorGemm.INSTANCE, new Workers(2, "test-two")).name());
    }

    @Test
    void aBusyHelperNeverStallsTheCaller() throws Exception {
        Workers workers = new Workers(2, "test-workers");
        CountDownLatch release = new CountDownLatch(1), helperStuck = new CountDownLatch(1);
        Thread other = Thread.ofPlatform().start(() -> workers.run(2, i -> {
            boolean helper = Thread.currentThread().getName().startsWith("test-workers");
            if (helper) helperStuck.countDown();
            try {   // the other caller holds its block until the helper has claimed the second one
                (helper ? release : helperStuck).await(30, TimeUnit.SECONDS);   // bounded: a bug fails, never hangs
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        try {
            assertTrue(helperStuck.await(30, TimeUnit.SECONDS), "the helper never claimed the other caller's block");
            Set<String> ran = ConcurrentHashMap.newKeySet();
            assertTimeout(Duration.ofSeconds(10), () -> workers.run(50, i -> ran.add(Thread.currentThread().getName())));
            assertEquals(Set.of(Thread.currentThread().getName()), ran, "with its helper busy the caller runs every block");
        } finally {
            release.countDown();
            other.join();
        }
    }

    @Test
    void theCallerClaimsBlocksFromTheFrontAndHelpersFromTheBack() {
        Workers workers = new Workers(3, "test-ends");
        for (int run = 0; run < 20; run++) {
            String[] by = new String[9];
            workers.run(by.length, i -> {
                assertNull(by[i], "block " + i + " ran twice");
                by[i] = Thread.currentThread().getName();
                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            });
            int callers = 0;
            while (callers < by.length && by[callers].equals(Thread.currentThread().getName())) callers++;
            for (int i = callers; i < by.length; i++) {   // so a split's first block stays on the caller's core
                assertTrue(by[i].startsWith("test-ends-"), "run " + run + ": the caller's blocks are not a prefix: " + Arrays.toString(by));
            }
        }
    }

    @Test
    void anIdleHelperParksAfterLingering() throws Exception {
        Workers workers = new Workers(2, "test-linger");
        Set<String> ran = ConcurrentHashMap.newKeySet();
        workers.run(64, i -> {
            ran.add(Thread.currentThread().getName());
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);   // 64 ms in all: the helper claims some
        });
        assertTrue(ran.contains("test-linger-1"), "the helper ran no block: " + ran);
        Thread helper = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("test-linger-1")).findFirst().orElseThrow();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (helper.getState() != Thread.State.WAITING && System.nanoTime() < deadline) Thread.sleep(1);
        assertEquals(Thread.State.WAITING, helper.getState(), "an idle helper must park, not poll forever");
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(Workers.LINGER_NANOS) + 20);
        assertEquals(Thread.State.WAITING, helper.getState(), "a parked helper stays parked until there is work");
    }

    @Test
    void aFailingBlockFailsTheCall() {
        Workers workers = new Workers(2, "test-fail");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> workers.run(8, i -> {
            if (i == 5) throw new IllegalStateException("block 5 broke");
        }));
        assertEquals("block 5 broke", e.getMessage());
    }

    @Test
    void threadsPropertyIsValidated() {
        String old = System.getProperty(Gemms.THREADS);
        try {
            System.setProperty(Gemms.THREADS, "3");
            assertEquals(3, Gemms.threads());
            System.setProperty(Gemms.THREADS, "0");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Gemms::threads);
            assertTrue(e.getMessage().contains("eager4j.threads=0"), e.getMessage());
            System.setProperty(Gemms.THREADS, "two");
            assertThrows(IllegalArgumentException.class, Gemms::threads);
            System.clearProperty(Gemms.THREADS);
            assertEquals(Math.min(2, Runtime.getRuntime().availableProcessors()), Gemms.threads());
        } finally {
            if (old == null) System.clearProperty(Gemms.THREADS); else System.setProperty(Gemms.THREADS, old);
        }
    }
}
