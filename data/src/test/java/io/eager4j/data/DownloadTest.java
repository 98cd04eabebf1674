package io.eager4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads against a local HTTP server on 127.0.0.1 only: good, corrupt, dropping and stalling mirrors. */
class DownloadTest {
    @TempDir Path dir;
    private HttpServer server;
    private final IdxFiles.Tiny tiny = IdxFiles.Tiny.random(12, 6, 9);
    private final IdxFiles.Tiny other = IdxFiles.Tiny.random(12, 6, 10);
    private final Map<String, byte[]> good = new ConcurrentHashMap<>();
    private final Map<String, byte[]> corrupt = new ConcurrentHashMap<>();
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch release = new CountDownLatch(1);
    private final Loader loader = new Loader(Map.<String, String>of()::get,
            new Downloader(Duration.ofSeconds(5), Duration.ofMillis(700)));

    @BeforeEach
    void start() throws IOException {
        List<DataFile> files = tiny.dataset(List.of()).files();
        for (int i = 0; i < 4; i++) {
            good.put(files.get(i).gzName(), IdxFiles.gzip(tiny.contents().get(i)));
            corrupt.put(files.get(i).gzName(), IdxFiles.gzip(other.contents().get(i))); // valid gzip, wrong content
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    /** /good/, /corrupt/, /drop/ (half, then close), /stall/ (half, then silence), /raw/ (uncompressed), else 404. */
    private void handle(HttpExchange x) throws IOException {
        String[] parts = x.getRequestURI().getPath().split("/");
        String mode = parts[1];
        String file = parts[parts.length - 1];
        requests.add(mode + "/" + file);
        byte[] body = switch (mode) {
            case "good", "drop", "stall" -> good.get(file);
            case "corrupt" -> corrupt.get(file);
            case "raw" -> tiny.contents().get(tiny.dataset(List.of()).files().stream()
                    .map(DataFile::gzName).toList().indexOf(file));
            default -> null;
        };
        if (body == null) {
            x.sendResponseHeaders(404, -1);
            x.close();
            return;
        }
        x.sendResponseHeaders(200, body.length);
        OutputStream out = x.getResponseBody();
        if (mode.equals("drop") || mode.equals("stall")) {
            out.write(body, 0, body.length / 2);
            out.flush();
            if (mode.equals("stall")) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            x.close(); // body incomplete: the server cuts the connection, the client sees a premature EOF
            return;
        }
        out.write(body);
        out.close();
    }

    private URI mirror(String mode) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + mode + "/");
    }

    private DataSets read(Path folder, URI... mirrors) {
        return loader.read(tiny.dataset(List.of()),
                ReadOptions.defaults().withDir(folder).withValidationSize(2).withMirrors(List.of(mirrors)));
    }

    private static List<String> listing(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return List.of();
        }
        try (var files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void goodMirrorDeliversVerifiedFilesIntoANewFolder() throws IOException {
        Path folder = dir.resolve("new/sub");
        DataSets sets = read(folder, mirror("good"));
        assertEquals(10, sets.train().numExamples());
        assertEquals(6, sets.test().numExamples());
        assertEquals(good.keySet().stream().sorted().toList(), listing(folder));
        for (var e : good.entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(folder.resolve(e.getKey())));
        }
        requests.clear();
        read(folder, mirror("good")); // now read from the folder, not downloaded again
        assertEquals(List.of(), requests);
    }

    @Test
    void corruptMirrorIsRejectedAndTheNextOneTried() throws IOException {
        DataSets sets = read(dir, mirror("corrupt"), mirror("good"));
        int[] expected = java.util.stream.IntStream.range(8, 14).map(i -> tiny.testLabels()[i]).toArray();
        assertArrayEquals(expected, sets.test().all().classes());
        assertTrue(requests.contains("corrupt/train-images-idx3-ubyte.gz"), requests.toString());
        assertEquals(good.keySet().stream().sorted().toList(), listing(dir));
    }

    @Test
    void onlyCorruptMirrorsLeaveNothingThatLooksValid() throws IOException {
        var e = assertThrows(UncheckedIOException.class, () -> read(dir, mirror("corrupt")));
        String m = e.getMessage();
        assertTrue(m.contains("train-images-idx3-ubyte.gz") && m.contains("SHA-256")
                && m.contains(mirror("corrupt").resolve("train-images-idx3-ubyte.gz").toString()), m);
        assertEquals(List.of(), listing(dir));
    }

    @Test
    void droppedConnectionLeavesNoPartialFile() throws IOException {
        var e = assertThrows(UncheckedIOException.class, () -> read(dir, mirror("drop")));
        assertTrue(e.getMessage().contains(mirror("drop").resolve("train-images-idx3-ubyte.gz").toString()),
                e.getMessage());
        assertEquals(List.of(), listing(dir));
        read(dir, mirror("drop"), mirror("good"));
        assertEquals(good.keySet().stream().sorted().toList(), listing(dir));
    }

    @Test
    void stalledTransferTimesOut() throws IOException {
        long start = System.nanoTime();
        var e = assertThrows(UncheckedIOException.class, () -> read(dir, mirror("stall")));
        assertTrue(e.getMessage().contains("no data for 700 ms"), e.getMessage());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(8), "read timeout not applied");
        assertEquals(List.of(), listing(dir));
    }

    @Test
    void twoFailingMirrorsGetOneClauseEachAndTheFix() throws IOException {
        URI closed = LoaderTest.closedPort();
        var e = assertThrows(UncheckedIOException.class, () -> read(dir, closed, mirror("missing")));
        String file = "train-images-idx3-ubyte.gz";
        assertEquals("Tiny file " + file + " is not in " + dir + " and no mirror could provide it: "
                + closed.resolve(file) + ": ConnectException (ClosedChannelException); " + mirror("missing").resolve(file) + ": IOException: HTTP 404."
                + " Put the file (raw or .gz) into " + dir + " by hand, or pass --data-dir / set EAGER4J_DATA to a folder"
                + " that holds the Tiny files.", e.getMessage());
        var same = assertThrows(UncheckedIOException.class, () -> read(dir, mirror("missing"), mirror("missing")));
        assertTrue(same.getMessage().contains(": " + mirror("missing").resolve(file) + ", " + mirror("missing").resolve(file)
                + ": IOException: HTTP 404. Put the file"), "the cause once: " + same.getMessage());
    }

    @Test
    void aCauseWrappedInItsOwnTypeIsNamedOnce() {
        var inner = new java.net.ConnectException();
        inner.initCause(new java.nio.channels.UnresolvedAddressException());
        var outer = new java.net.ConnectException();
        outer.initCause(inner);
        assertEquals("ConnectException (UnresolvedAddressException: the host name does not resolve; no network?)",
                Downloader.describe(outer));
    }

    @Test
    void firstMirrorDownSecondServes() throws IOException {
        read(dir, LoaderTest.closedPort(), mirror("missing"), mirror("good"));
        assertEquals(good.keySet().stream().sorted().toList(), listing(dir));
        assertTrue(requests.contains("missing/train-images-idx3-ubyte.gz"), requests.toString());
    }

    @Test
    void uncompressedDownloadsAreKeptUnderTheRawName() throws IOException {
        read(dir, mirror("raw"));
        assertEquals(tiny.dataset(List.of()).files().stream().map(DataFile::name).sorted().toList(), listing(dir));
        assertArrayEquals(tiny.trainImages(), Files.readAllBytes(dir.resolve("train-images-idx3-ubyte")));
    }
}
