package io.eager4j.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The TCP ring on loopback, its workers as threads: sums, identical bits, and failures that name the peer. */
class TcpRingTest {
    /** n workers joined into a ring, each running body; results in rank order. */
    static <T> List<T> ring(int n, int timeoutMs, Function<TcpRing, T> body) throws Exception {
        List<ServerSocket> servers = new ArrayList<>();
        List<String> addresses = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            ServerSocket s = new ServerSocket();
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            servers.add(s);
            addresses.add("127.0.0.1:" + s.getLocalPort());
        }
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                int rank = r;
                futures.add(pool.submit(() -> {
                    try (TcpRing comm = TcpRing.connect(rank, addresses, servers.get(rank), java.time.Duration.ofMillis(timeoutMs))) {
                        return body.apply(comm);
                    }
                }));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) out.add(f.get());
            return out;
        } finally {
            pool.shutdownNow();
            for (ServerSocket s : servers) s.close();
        }
    }

    @Test
    void everyWorkerGetsTheSameSumAtEveryLength() throws Exception {
        for (int n : new int[] {1, 2, 3, 4}) {
            for (int len : new int[] {0, 1, 2, 5, 1000, 119_306}) {   // shorter than the ring, uneven chunks, the seed's gradients
                List<float[]> sums = ring(n, 10_000, comm -> {
                    float[] v = values(comm.rank(), len);
                    comm.sum(v);
                    return v;
                });
                double[][] dsums = ring(n, 10_000, comm -> {
                    double[] v = new double[len];
                    float[] f = values(comm.rank(), len);
                    for (int i = 0; i < len; i++) v[i] = f[i] * 1e-3;
                    comm.sum(v);
                    return v;
                }).toArray(new double[0][]);
                for (int r = 1; r < n; r++) {
                    assertArrayEquals(sums.get(0), sums.get(r), "n " + n + " len " + len + ": worker " + r + " must hold worker 0's bits");
                    assertArrayEquals(dsums[0], dsums[r]);
                }
                float[][] each = new float[n][];
                for (int r = 0; r < n; r++) each[r] = values(r, len);
                for (int i = 0; i < len; i++) {
                    double exact = 0;
                    for (int r = 0; r < n; r++) exact += each[r][i];
                    assertEquals(exact, sums.get(0)[i], 1e-5 * Math.max(1, Math.abs(exact)), "n " + n + " element " + i);
                }
            }
        }
    }

    private static float[] values(int rank, int len) {
        SplittableRandom random = new SplittableRandom(rank * 31L + len);
        float[] v = new float[len];
        for (int i = 0; i < len; i++) v[i] = (float) random.nextDouble(-10, 10);
        return v;
    }

    @Test
    void workersThatDisagreeOnTheLengthAreToldSo() throws Exception {
        // the first to read the other's header says why; closing then resets the connection, so the
        // other may only see its peer go: each worker's own message is collected
        List<String> said = ring(2, 5_000, comm -> {
            try {
                comm.sum(new float[comm.rank() == 0 ? 10 : 12]);
                return "no error";
            } catch (IllegalStateException e) {
                return e.getMessage();
            }
        });
        assertTrue(said.stream().anyMatch(m -> m.contains("every worker must make the same calls, with the same lengths")), said.toString());
        assertTrue(said.stream().noneMatch(m -> m.equals("no error")), said.toString());
    }

    @Test
    void aDeadPeerFailsTheCallNamingIt() {
        long start = System.nanoTime();
        var e = assertThrows(ExecutionException.class, () -> ring(3, 20_000, comm -> {
            if (comm.rank() == 2) {
                comm.close();   // worker 2 goes away before the first sum
                return null;
            }
            comm.sum(new float[100]);
            return null;
        }));
        String m = e.getCause().getMessage();
        assertTrue(m.contains("lost worker 2") && m.contains("in call 1"), m);
        assertTrue(System.nanoTime() - start < 10e9, "a closed connection fails at once, not after the timeout");
    }

    @Test
    void aSilentPeerFailsAfterTheTimeout() {
        var e = assertThrows(ExecutionException.class, () -> ring(2, 1_000, comm -> {
            if (comm.rank() == 1) {
                try {
                    Thread.sleep(3_000);   // alive, connected, says nothing
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }
            comm.sum(new float[4]);
            return null;
        }));
        assertTrue(e.getCause().getMessage().contains("nothing came within 1 s"), e.getCause().getMessage());
    }
}
