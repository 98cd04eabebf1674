package io.eager4j.spark;

import io.eager4j.examples.SeedMnist;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The driver's end of what workers tell it, over loopback TCP (executors' standard output goes to
 * their log files, not to the user's terminal): worker 0's output lines, and every worker's process
 * id and steps done, so that a failure can be reported by worker and step, and worker 0's losses
 * for the progress bar. One line per message: {@code o <text>}, {@code p <rank> <pid>},
 * {@code s <rank> <steps done> <loss>}.
 */
final class Channel implements AutoCloseable {
    private final ServerSocket server;
    private final PrintWriter out;
    private final SeedMnist.Listener progress;
    private final Map<Integer, Long> pids = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> done = new ConcurrentHashMap<>();
    private int ended;   // connections read to their end

    Channel(String host, PrintWriter out, SeedMnist.Listener progress) throws IOException {
        this.out = out;
        this.progress = progress;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(host, 0));
        Thread acceptor = new Thread(this::accept, "eager4j-spark-channel");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String address() {
        return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread reader = new Thread(() -> read(s), "eager4j-spark-channel-reader");
                reader.setDaemon(true);
                reader.start();
            } catch (IOException e) {
                return;   // closed
            }
        }
    }

    private void read(Socket s) {
        try (s; var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("o ")) {
                    synchronized (out) {
                        out.println(line.substring(2));
                        out.flush();
                    }
                } else if (line.startsWith("p ") || line.startsWith("s ")) {
                    String[] f = line.split(" ");
                    if (f[0].equals("p")) {
                        pids.put(Integer.parseInt(f[1]), Long.parseLong(f[2]));
                        continue;
                    }
                    int rank = Integer.parseInt(f[1]), steps = Integer.parseInt(f[2]);
                    done.merge(rank, steps, Math::max);
                    if (rank == 0 && progress != null) progress.step(steps - 1, Double.parseDouble(f[3]), Double.NaN);
                }
            }
        } catch (IOException | RuntimeException e) {
            // a worker that dies closes its end; the stage's failure says why
        }
        synchronized (this) {
            ended++;
            notifyAll();
        }
    }

    /**
     * Waits (up to {@code ms}) until {@code workers} connections were read to their end: a task's
     * result can reach the driver before the last lines its worker sent were printed.
     */
    synchronized void awaitEnded(int workers, long ms) throws InterruptedException {
        long end = System.currentTimeMillis() + ms;
        while (ended < workers && System.currentTimeMillis() < end) wait(Math.max(1, end - System.currentTimeMillis()));
    }

    /** Process ids of the workers that said hello, by rank. */
    Map<Integer, Long> pids() {
        return Map.copyOf(pids);
    }

    /** The steps every worker finished: the step that failed is the next one. */
    int stepsDoneByAll(int workers) {
        int min = Integer.MAX_VALUE;
        for (int r = 0; r < workers; r++) min = Math.min(min, done.getOrDefault(r, 0));
        return min == Integer.MAX_VALUE ? 0 : min;
    }

    /** The steps some worker finished. */
    int stepsDone() {
        return done.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    /** A worker's end: connects to the driver's channel. */
    static final class Client implements AutoCloseable {
        private final Socket socket;
        private final PrintWriter lines;
        private final int rank;

        Client(String address, int rank) throws IOException {
            int colon = address.lastIndexOf(':');
            this.socket = new Socket(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
            this.lines = new PrintWriter(new java.io.OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8), false);
            this.rank = rank;
            send("p " + rank + " " + ProcessHandle.current().pid());
        }

        synchronized void send(String line) {
            lines.println(line);
            lines.flush();
        }

        void stepsDone(int n, double loss) {
            send("s " + rank + " " + n + " " + loss);
        }

        /** A writer whose lines reach the driver's standard output. */
        PrintWriter output() {
            return new PrintWriter(new Writer() {
                private final StringBuilder line = new StringBuilder();

                @Override
                public void write(char[] c, int off, int len) {
                    for (int i = off; i < off + len; i++) {
                        if (c[i] == '\n') {
                            send("o " + line);
                            line.setLength(0);
                        } else if (c[i] != '\r') {
                            line.append(c[i]);
                        }
                    }
                }

                @Override
                public void flush() {}

                @Override
                public void close() {}
            }, true);
        }

        @Override
        public void close() throws IOException {
            lines.flush();
            socket.close();
        }
    }
}
