package io.eager4j.spark;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A {@code --spark} master: {@code local}, {@code local[N]}, {@code local[*]} or {@code spark://host:port}. */
record Master(String url, String host, int port, int localSlots) {
    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\d+|\\*)])?"), STANDALONE = Pattern.compile("spark://([^:/]+):(\\d+)");
    static final int PROBE_MS = 5000;

    static Master parse(String url) {
        Matcher m = LOCAL.matcher(url);
        if (m.matches()) {
            int slots = m.group(1) == null ? 1 : m.group(1).equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(m.group(1));
            if (slots < 1) throw new IllegalArgumentException("--spark " + url + ": local[0] has no slots; use local[N] with N of 1 or more");
            return new Master(url, "127.0.0.1", 0, slots);
        }
        m = STANDALONE.matcher(url);
        if (m.matches()) return new Master(url, m.group(1), Integer.parseInt(m.group(2)), 0);
        throw new IllegalArgumentException("--spark " + url + " is not a master this trainer knows; use local[N] (N threads of this"
                + " process) or spark://host:port (a standalone cluster)");
    }

    boolean isLocal() {
        return port == 0;
    }

    /** Whether this project may talk to it: only loopback is allowed from this machine's own runs. */
    boolean isLoopback() {
        return isLocal() || host.equals("localhost") || host.startsWith("127.");
    }

    /** Fails in at most a few seconds, with one line, when nothing answers at the master's address. */
    void probe() {
        if (isLocal()) return;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), PROBE_MS);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--spark " + url + ": unknown host " + host);
        } catch (ConnectException e) {
            throw new IllegalArgumentException("--spark " + url + ": no Spark master answers at " + host + ":" + port
                    + " (connection refused); start one, or check the host and port");
        } catch (SocketTimeoutException e) {
            throw new IllegalArgumentException("--spark " + url + ": no answer from " + host + ":" + port + " within "
                    + PROBE_MS / 1000 + " s; check the address and that the master runs");
        } catch (IOException e) {
            throw new IllegalArgumentException("--spark " + url + ": cannot reach " + host + ":" + port + " (" + e.getMessage() + ")");
        }
    }
}
