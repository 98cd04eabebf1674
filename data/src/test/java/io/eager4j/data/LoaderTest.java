package io.eager4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading whole (tiny) datasets from folders: splits, checks across files, folder search, errors. */
class LoaderTest {
    @TempDir Path dir;

    private static final Loader OFFLINE = new Loader(Map.<String, String>of()::get, Downloader.standard());

    private static void assertMentions(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "message lacks '" + part + "': " + message);
        }
    }

    /** A local address where nothing listens. */
    static URI closedPort() throws IOException {
        int port;
        try (var socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        return URI.create("http://127.0.0.1:" + port + "/mnist/");
    }

    @Test
    void splitsLikeReadDataSets() {
        var tiny = IdxFiles.Tiny.random(40, 15, 1);
        tiny.writeTo(dir, true);
        DataSets sets = OFFLINE.read(tiny.dataset(List.of()), ReadOptions.defaults().withDir(dir).withValidationSize(12));
        assertEquals(28, sets.train().numExamples());
        assertEquals(12, sets.validation().numExamples());
        assertEquals(15, sets.test().numExamples());
        assertEquals(IdxFiles.ROWS * IdxFiles.COLS, sets.train().imageSize());
        byte[] labels = Arrays.copyOfRange(tiny.trainLabels(), 8, 48); // labels after the 8-byte header
        int[] expectedValidation = new int[12];
        int[] expectedTrain = new int[28];
        for (int i = 0; i < 40; i++) {
            if (i < 12) {
                expectedValidation[i] = labels[i];
            } else {
                expectedTrain[i - 12] = labels[i];
            }
        }
        assertArrayEquals(expectedValidation, sets.validation().all().classes());
        assertArrayEquals(expectedTrain, sets.train().all().classes());
        float[] x = sets.validation().all().imageArray();
        for (int i = 0; i < x.length; i++) {
            int pixel = tiny.trainImages()[16 + i] & 0xff;
            assertEquals(pixel * (float) (1.0 / 255.0), x[i]);
        }
    }

    @Test
    void rawAndGzipFilesMixInOneFolder() {
        var tiny = IdxFiles.Tiny.random(10, 5, 2);
        tiny.writeTo(dir, false);
        Dataset d = tiny.dataset(List.of());
        IdxFiles.write(dir, d.trainLabels().gzName(), IdxFiles.gzip(tiny.trainLabels()));
        assertTrue(new java.io.File(dir.toFile(), d.trainLabels().name()).delete());
        DataSets sets = OFFLINE.read(d, ReadOptions.defaults().withDir(dir).withValidationSize(0));
        assertEquals(10, sets.train().numExamples());
        assertEquals(0, sets.validation().numExamples());
    }

    @Test
    void imageAndLabelCountsMustMatch() {
        var tiny = IdxFiles.Tiny.random(10, 5, 3);
        var shortLabels = IdxFiles.labels(new byte[9]);
        var mismatched = new IdxFiles.Tiny(tiny.trainImages(), shortLabels, tiny.testImages(), tiny.testLabels());
        mismatched.writeTo(dir, true);
        var e = assertThrows(DataFileException.class, () ->
                OFFLINE.read(mismatched.dataset(List.of()), ReadOptions.defaults().withDir(dir).withValidationSize(0)));
        assertMentions(e.getMessage(), "train-images-idx3-ubyte.gz holds 10 images",
                "train-labels-idx1-ubyte.gz holds 9 labels", dir.toString());
    }

    @Test
    void aFileWithTheWrongChecksumIsNeverUsed() throws IOException {
        var tiny = IdxFiles.Tiny.random(10, 5, 4);
        tiny.writeTo(dir, true);
        var other = IdxFiles.Tiny.random(10, 5, 5);
        Path testImages = IdxFiles.write(dir, "t10k-images-idx3-ubyte.gz", IdxFiles.gzip(other.testImages()));
        Dataset d = tiny.dataset(List.of(closedPort()));
        var e = assertThrows(DataFileException.class, () ->
                OFFLINE.read(d, ReadOptions.defaults().withDir(dir).withValidationSize(0)));
        assertMentions(e.getMessage(), testImages.toString(), d.testImages().sha256(),
                IdxFiles.sha256(other.testImages()), "Delete it");
        assertTrue(Files.exists(testImages), "a bad file is reported, not silently replaced");
    }

    @Test
    void missingFileWithNoMirrorReachableSaysWhatToDo() throws IOException {
        var tiny = IdxFiles.Tiny.random(10, 5, 6);
        tiny.writeTo(dir, true);
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte.gz"));
        URI down = closedPort();
        var e = assertThrows(UncheckedIOException.class, () ->
                OFFLINE.read(tiny.dataset(List.of(down)), ReadOptions.defaults().withDir(dir).withValidationSize(0)));
        assertMentions(e.getMessage(), "t10k-labels-idx1-ubyte.gz", dir.toString(),
                down.resolve("t10k-labels-idx1-ubyte.gz").toString(), "--data-dir", "EAGER4J_DATA");
        try (var left = Files.list(dir)) {
            assertEquals(3, left.count(), "nothing left behind by the failed download");
        }
        var off = assertThrows(UncheckedIOException.class, () -> OFFLINE.read(tiny.dataset(List.of(down)),
                ReadOptions.defaults().withDir(dir).withMirrors(List.of())));
        assertMentions(off.getMessage(), "t10k-labels-idx1-ubyte.gz", dir.toString(), "downloads are off");
    }

    @Test
    void validationSizeIsChecked() {
        var tiny = IdxFiles.Tiny.random(10, 5, 7);
        tiny.writeTo(dir, false);
        var e = assertThrows(IllegalArgumentException.class, () ->
                OFFLINE.read(tiny.dataset(List.of()), ReadOptions.defaults().withDir(dir)));
        assertMentions(e.getMessage(), "validation size 5000", "10 training examples");
        assertThrows(IllegalArgumentException.class, () -> ReadOptions.defaults().withValidationSize(-1));
        DataSets all = OFFLINE.read(tiny.dataset(List.of()), ReadOptions.defaults().withDir(dir).withValidationSize(10));
        assertEquals(0, all.train().numExamples());
    }

    @Test
    void folderSearchFollowsTheDocumentedOrder() throws IOException {
        Dataset mnist = Dataset.MNIST;
        Path explicit = dir.resolve("explicit");
        Loader withData = new Loader(Map.of("EAGER4J_DATA", dir.toString(),
                "XDG_CACHE_HOME", dir.resolve("xdg").toString())::get, Downloader.standard());
        assertEquals(explicit, withData.folder(mnist, explicit));
        assertEquals(dir, withData.folder(mnist, null), "EAGER4J_DATA itself without a dataset sub-folder");
        Files.createDirectories(dir.resolve("fashion-mnist"));
        assertEquals(dir.resolve("fashion-mnist"), withData.folder(Dataset.FASHION_MNIST, null));
        assertEquals(dir, withData.folder(mnist, null));

        Loader withXdg = new Loader(Map.of("XDG_CACHE_HOME", dir.toString())::get, Downloader.standard());
        assertEquals(dir.resolve("eager4j/mnist"), withXdg.folder(mnist, null));
        Path home = Path.of(System.getProperty("user.home"), ".cache", "eager4j", "fashion-mnist");
        assertEquals(home, OFFLINE.folder(Dataset.FASHION_MNIST, null));
        Loader relativeXdg = new Loader(Map.of("XDG_CACHE_HOME", "rel")::get, Downloader.standard());
        assertEquals(home, relativeXdg.folder(Dataset.FASHION_MNIST, null), "a relative XDG_CACHE_HOME is ignored");
    }

    @Test
    void theCacheFollowsHomeWhenItDiffersFromTheAccountsHome() {
        Path other = dir.resolve("other-home");
        Loader withHome = new Loader(Map.of("HOME", other.toString())::get, Downloader.standard());
        assertEquals(other.resolve(".cache/eager4j/mnist"), withHome.folder(Dataset.MNIST, null));
        Loader both = new Loader(Map.of("HOME", other.toString(), "XDG_CACHE_HOME", dir.resolve("xdg").toString())::get,
                Downloader.standard());
        assertEquals(dir.resolve("xdg/eager4j/mnist"), both.folder(Dataset.MNIST, null), "XDG_CACHE_HOME comes first");
    }

    @Test
    void datasetsAreFoundByName() {
        assertEquals(Dataset.MNIST, Dataset.byName("mnist"));
        assertEquals(Dataset.FASHION_MNIST, Dataset.byName("Fashion_MNIST"));
        var e = assertThrows(IllegalArgumentException.class, () -> Dataset.byName("cifar"));
        assertMentions(e.getMessage(), "cifar", "mnist", "fashion-mnist");
    }

    @Test
    void descriptorsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new DataFile("x.gz", "0".repeat(64)));
        assertThrows(IllegalArgumentException.class, () -> new DataFile("x", "0".repeat(63)));
        assertThrows(IllegalArgumentException.class, () -> new DataFile("x", "g".repeat(64)));
        var tiny = IdxFiles.Tiny.random(1, 1, 8).dataset(List.of(URI.create("http://127.0.0.1:1/no-slash")));
        assertEquals("http://127.0.0.1:1/no-slash/", tiny.mirrors().get(0).toString());
        assertEquals(2, Dataset.MNIST.mirrors().size());
        assertEquals(1, Dataset.FASHION_MNIST.mirrors().size());
    }
}
