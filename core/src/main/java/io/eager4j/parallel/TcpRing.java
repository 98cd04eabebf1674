package io.eager4j.parallel;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A ring all-reduce over TCP (Baidu's, Horovod's and NCCL's scheme): the array is cut into N
 * chunks; in N-1 steps each worker sends one chunk to the next worker and adds the one it gets from
 * the previous (reduce-scatter), after which each holds one chunk fully summed; N-1 more steps pass
 * the sums round (all-gather). Each worker sends and receives 2(N-1)/N of the array whatever N is,
 * and every chunk is summed once, by one worker, so all end with the same bits. A peer that dies or
 * stalls fails the call within the timeout instead of hanging it. The Spark trainer joins its
 * workers so; any launcher that can tell each process the others' addresses can.
 * <pre>{@code
 * ServerSocket server = new ServerSocket(0);                    // bound before the addresses are exchanged
 * List<String> all = ...;                                      // every worker's "host:port", in rank order
 * try (TcpRing ring = TcpRing.connect(rank, all, server, Duration.ofMinutes(2))) {
 *     ring.sum(gradients);
 * }
 * }</pre>
 */
public final class TcpRing implements AllReduce {
    private static final int FLOAT = 4, DOUBLE = 8;

    private final int rank, size, timeoutMs;
    private final List<String> addresses;
    private final Socket toNext, fromPrev;
    private final DataOutputStream out;
    private final DataInputStream in;
    private final ExecutorService sender;   // sends while this thread receives: neither side blocks the other
    private long calls;

    private TcpRing(int rank, List<String> addresses, Socket toNext, Socket fromPrev, int timeoutMs) throws IOException {
        this.rank = rank;
        this.size = addresses.size();
        this.addresses = addresses;
        this.timeoutMs = timeoutMs;
        this.toNext = toNext;
        this.fromPrev = fromPrev;
        this.out = toNext == null ? null : new DataOutputStream(new BufferedOutputStream(toNext.getOutputStream(), 1 << 16));
        this.in = fromPrev == null ? null : new DataInputStream(new BufferedInputStream(fromPrev.getInputStream(), 1 << 16));
        this.sender = size == 1 ? null : Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "eager4j-allreduce-send-" + rank);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Joins the ring: {@code addresses} are every worker's "host:port" in rank order, {@code server}
     * this worker's own listening socket (bound before the addresses were exchanged).
     */
    public static TcpRing connect(int rank, List<String> addresses, ServerSocket server, Duration timeout) throws IOException {
        int n = addresses.size(), timeoutMs = Math.toIntExact(timeout.toMillis());
        if (rank < 0 || rank >= n) throw new IllegalArgumentException("TcpRing: rank " + rank + " of " + n + " workers");
        if (n == 1) return new TcpRing(rank, addresses, null, null, timeoutMs);
        int next = (rank + 1) % n, prev = (rank + n - 1) % n;
        Socket toNext = new Socket();
        toNext.connect(address(addresses.get(next)), timeoutMs);   // its server listens already: the connect returns at once
        toNext.setTcpNoDelay(true);
        new DataOutputStream(toNext.getOutputStream()).writeInt(rank);
        server.setSoTimeout(timeoutMs);
        Socket fromPrev;
        try {
            fromPrev = server.accept();
        } catch (SocketTimeoutException e) {
            toNext.close();
            throw new IOException("all-reduce: worker " + rank + " waited " + timeoutMs / 1000 + " s in vain for worker " + prev
                    + " (" + addresses.get(prev) + ") to connect", e);
        }
        fromPrev.setTcpNoDelay(true);
        fromPrev.setSoTimeout(timeoutMs);
        int said = new DataInputStream(fromPrev.getInputStream()).readInt();
        if (said != prev) {
            throw new IOException("all-reduce: worker " + rank + " expected worker " + prev + " to connect, got worker " + said);
        }
        return new TcpRing(rank, addresses, toNext, fromPrev, timeoutMs);
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void sum(float[] values) {
        if (size > 1) ring(values.length, FLOAT, values, null);
    }

    @Override
    public void sum(double[] values) {
        if (size > 1) ring(values.length, DOUBLE, null, values);
    }

    /** Reduce-scatter, then all-gather, over the chunks of f (or d). */
    private void ring(int len, int width, float[] f, double[] d) {
        long call = ++calls;
        for (int s = 0; s < size - 1; s++) {
            exchange(call, len, width, f, d, mod(rank - s), mod(rank - s - 1), true);
        }
        for (int s = 0; s < size - 1; s++) {
            exchange(call, len, width, f, d, mod(rank - s + 1), mod(rank - s), false);
        }
    }

    private int mod(int c) {
        return ((c % size) + size) % size;
    }

    private int from(int chunk, int len) {
        return (int) ((long) len * chunk / size);
    }

    /** Sends chunk {@code send} to the next worker while receiving chunk {@code recv} from the previous, then adds or copies it. */
    private void exchange(long call, int len, int width, float[] f, double[] d, int send, int recv, boolean add) {
        int s0 = from(send, len), s1 = from(send + 1, len), r0 = from(recv, len), r1 = from(recv + 1, len);
        byte[] outgoing = new byte[(s1 - s0) * width];
        ByteBuffer ob = ByteBuffer.wrap(outgoing).order(ByteOrder.LITTLE_ENDIAN);
        if (f != null) ob.asFloatBuffer().put(f, s0, s1 - s0); else ob.asDoubleBuffer().put(d, s0, s1 - s0);
        Future<?> sent = sender.submit(() -> {
            out.writeLong(call);
            out.writeInt(width);
            out.writeInt(s1 - s0);
            out.write(outgoing);
            out.flush();
            return null;
        });
        int prev = mod(rank - 1);
        byte[] incoming;
        try {
            long theirCall = in.readLong();
            int theirWidth = in.readInt(), count = in.readInt();
            if (theirCall != call || theirWidth != width || count != r1 - r0) {
                throw new IllegalStateException("all-reduce: worker " + prev + " sent " + count + (theirWidth == FLOAT ? " float" : " double")
                        + " values in its call " + theirCall + ", worker " + rank + " expected " + (r1 - r0) + (width == FLOAT ? " float" : " double")
                        + " values in call " + call + "; every worker must make the same calls, with the same lengths, in the same order");
            }
            incoming = new byte[count * width];
            in.readFully(incoming);
        } catch (IOException e) {
            throw lost(prev, call, e);
        }
        try {
            sent.get();
        } catch (ExecutionException e) {
            throw lost(mod(rank + 1), call, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("all-reduce: worker " + rank + " was interrupted in call " + call, e);
        }
        ByteBuffer ib = ByteBuffer.wrap(incoming).order(ByteOrder.LITTLE_ENDIAN);
        if (f != null) {
            var fb = ib.asFloatBuffer();
            if (add) for (int i = r0; i < r1; i++) f[i] += fb.get(); else fb.get(f, r0, r1 - r0);
        } else {
            var db = ib.asDoubleBuffer();
            if (add) for (int i = r0; i < r1; i++) d[i] += db.get(); else db.get(d, r0, r1 - r0);
        }
    }

    private IllegalStateException lost(int peer, long call, Throwable cause) {
        String why = cause instanceof EOFException ? "it closed the connection"
                : cause instanceof SocketTimeoutException ? "nothing came within " + timeoutMs / 1000 + " s"
                : String.valueOf(cause.getMessage());
        return new IllegalStateException("all-reduce: worker " + rank + " lost worker " + peer + " (" + addresses.get(peer) + ") in call "
                + call + ": " + why, cause);
    }

    @Override
    public void close() {
        if (sender != null) sender.shutdownNow();
        for (Socket s : new Socket[] {toNext, fromPrev}) {
            try {
                if (s != null) s.close();
            } catch (IOException ignored) {
                // closing: nothing left to lose
            }
        }
    }
}
