package io.eager4j.bench;

import io.eager4j.parallel.AllReduce;
import io.eager4j.parallel.TcpRing;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The all-reduce's cost per call against the payload: N workers as threads of this JVM joined by
 * the TCP ring on loopback (what --spark's workers use between machines), and by the in-process
 * group for comparison, at the seed MLP's 119,260 gradients and the CNN's 3,274,634. Prints the
 * median milliseconds per call and the bytes each worker sent per second.
 * <pre>java -cp bench/target/benchmarks.jar io.eager4j.bench.AllReduceWorkload [workers] [calls]</pre>
 */
public final class AllReduceWorkload {
    private static final int[] SIZES = {1, 119_260, 3_274_634};

    private AllReduceWorkload() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        for (int size : SIZES) {
            double ring = median(run(n, size, calls, true));
            double local = median(run(n, size, calls, false));
            double sentMB = 2.0 * (n - 1) / n * size * 4 / 1e6;   // what each worker sends in one ring all-reduce
            System.out.printf(Locale.ROOT, "RESULT {\"workers\":%d,\"floats\":%d,\"tcp_ring_ms\":%.3f,\"in_process_ms\":%.3f,"
                    + "\"sent_MB_per_worker\":%.2f,\"ring_MB_per_s\":%.0f}%n", n, size, ring, local, sentMB, sentMB / ring * 1e3);
        }
    }

    /** Per-call milliseconds seen by worker 0, warm-up calls dropped. */
    private static double[] run(int n, int size, int calls, boolean tcp) throws Exception {
        List<ServerSocket> servers = new ArrayList<>();
        List<String> addresses = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            ServerSocket s = new ServerSocket();
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            servers.add(s);
            addresses.add("127.0.0.1:" + s.getLocalPort());
        }
        List<AllReduce> group = tcp ? null : AllReduce.inProcess(n);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<double[]>> futures = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                int rank = r;
                futures.add(pool.submit(() -> {
                    try (AllReduce comm = tcp ? TcpRing.connect(rank, addresses, servers.get(rank), Duration.ofMinutes(1)) : group.get(rank)) {
                        float[] v = new float[size];
                        Arrays.fill(v, rank + 1);
                        double[] ms = new double[calls];
                        for (int c = -5; c < calls; c++) {
                            long t = System.nanoTime();
                            comm.sum(v);
                            if (c >= 0) ms[c] = (System.nanoTime() - t) / 1e6;
                        }
                        return ms;
                    }
                }));
            }
            double[] first = futures.getFirst().get();
            for (Future<double[]> f : futures) f.get();
            return first;
        } finally {
            pool.shutdownNow();
            for (ServerSocket s : servers) s.close();
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
