package io.eager4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
    private final SplittableRandom random = new SplittableRandom(7);
    @TempDir Path dir;

    private static void assertMentions(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "message lacks '" + part + "': " + message);
        }
    }

    @Test
    void rawAndGzipReadTheSame() {
        byte[] pixels = IdxFiles.randomBytes(5 * 4 * 3, random);
        byte[] content = IdxFiles.images(5, 4, 3, pixels);
        Path raw = IdxFiles.write(dir, "x-idx3-ubyte", content);
        Path gz = IdxFiles.write(dir, "x-idx3-ubyte.gz", IdxFiles.gzip(content));
        for (Path p : new Path[] {raw, gz}) {
            Idx.Images images = Idx.readImages(p, IdxFiles.sha256(content));
            assertEquals(5, images.count());
            assertEquals(4, images.rows());
            assertEquals(3, images.cols());
            assertArrayEquals(pixels, images.pixels());
        }
    }

    @Test
    void truncatedGzipIsRejected() {
        byte[] gz = IdxFiles.gzip(IdxFiles.images(50, 4, 4, IdxFiles.randomBytes(800, random)));
        Path p = IdxFiles.write(dir, "cut-idx3-ubyte.gz", Arrays.copyOf(gz, gz.length / 2));
        var e = assertThrows(DataFileException.class, () -> Idx.readImages(p, null));
        assertMentions(e.getMessage(), p.toString(), "truncated", "Delete it");
    }

    @Test
    void gzipWithDamagedTrailerIsRejected() {
        byte[] gz = IdxFiles.gzip(IdxFiles.labels(IdxFiles.randomLabels(20, 10, random)));
        gz[gz.length - 6] ^= 1; // inside the CRC-32
        Path p = IdxFiles.write(dir, "crc-idx1-ubyte.gz", gz);
        var e = assertThrows(DataFileException.class, () -> Idx.readLabels(p, 10, null));
        assertMentions(e.getMessage(), p.toString(), "damaged");
    }

    @Test
    void labelFileGivenAsImagesIsRejectedByMagic() {
        Path p = IdxFiles.write(dir, "labels-idx1-ubyte", IdxFiles.labels(new byte[] {1, 2}));
        var e = assertThrows(DataFileException.class, () -> Idx.readImages(p, null));
        assertMentions(e.getMessage(), p.toString(), "magic number 2049", "2051");
    }

    @Test
    void notIdxAtAllIsRejectedByMagic() {
        Path p = IdxFiles.write(dir, "page.html", "<html>Not found</html>".getBytes());
        var e = assertThrows(DataFileException.class, () -> Idx.readLabels(p, 10, null));
        assertMentions(e.getMessage(), p.toString(), "not IDX", "2049");
    }

    @Test
    void countLargerThanTheDataIsRejectedBeforeReading() {
        byte[] content = IdxFiles.images(10, 28, 28, new byte[3 * 784]); // declares 10, holds 3
        Path raw = IdxFiles.write(dir, "short-idx3-ubyte", content);
        var e = assertThrows(DataFileException.class, () -> Idx.readImages(raw, null));
        assertMentions(e.getMessage(), raw.toString(), "10 x 28 x 28", "7840", String.valueOf(3 * 784), "truncated");

        Path gz = IdxFiles.write(dir, "short-idx3-ubyte.gz", IdxFiles.gzip(content));
        var g = assertThrows(DataFileException.class, () -> Idx.readImages(gz, null));
        assertMentions(g.getMessage(), gz.toString(), "10 x 28 x 28", "ends after " + 3 * 784, "truncated");
    }

    @Test
    void hugeDeclaredCountIsRejectedWithoutAllocatingIt() {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        byte[] content = IdxFiles.images(3_000_000, 28, 28, new byte[784]); // 2.35 GB declared, 784 bytes held
        byte[] gz = IdxFiles.gzip(content);
        Path p = IdxFiles.write(dir, "huge-idx3-ubyte.gz", gz);
        byte[] fits = IdxFiles.images(2_000_000, 28, 28, new byte[784]); // 1.57 GB: fits an array
        Path q = IdxFiles.write(dir, "big-idx3-ubyte.gz", IdxFiles.gzip(fits));
        long before = threads.getCurrentThreadAllocatedBytes();
        var e = assertThrows(DataFileException.class, () -> Idx.readImages(p, null));
        assertMentions(e.getMessage(), p.toString(), "3000000 x 28 x 28", "more than");
        var f = assertThrows(DataFileException.class, () -> Idx.readImages(q, null));
        assertMentions(f.getMessage(), q.toString(), "ends after 784", "truncated");
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 32 << 20, "allocated " + allocated + " bytes for two tiny files");
    }

    @Test
    void gzipBodyIsAllocatedOnceWhenTheHeaderIsPlausible() {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        byte[] pixels = IdxFiles.randomBytes(5000 * 784, random);   // 3.9 MB: grown by doubling it took 7 MB
        Path p = IdxFiles.write(dir, "plausible-idx3-ubyte.gz", IdxFiles.gzip(IdxFiles.images(5000, 28, 28, pixels)));
        long before = threads.getCurrentThreadAllocatedBytes();
        Idx.Images images = Idx.readImages(p, null);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertArrayEquals(pixels, images.pixels());
        assertTrue(allocated < pixels.length * 5L / 4, "allocated " + allocated + " bytes for a " + pixels.length + "-byte body");
    }

    @Test
    void trailingBytesAreRejected() {
        byte[] content = IdxFiles.labels(new byte[] {1, 2, 3});
        byte[] longer = Arrays.copyOf(content, content.length + 1);
        Path p = IdxFiles.write(dir, "long-idx1-ubyte", longer);
        var e = assertThrows(DataFileException.class, () -> Idx.readLabels(p, 10, null));
        assertMentions(e.getMessage(), p.toString(), "more data than its header declares");
        Path g = IdxFiles.write(dir, "long-idx1-ubyte.gz", IdxFiles.gzip(longer));
        assertThrows(DataFileException.class, () -> Idx.readLabels(g, 10, null));
    }

    @Test
    void labelsAboveTheClassCountAreRejected() {
        Path p = IdxFiles.write(dir, "bad-idx1-ubyte.gz", IdxFiles.gzip(IdxFiles.labels(new byte[] {0, 9, 3, 10, 2})));
        var e = assertThrows(DataFileException.class, () -> Idx.readLabels(p, 10, null));
        assertMentions(e.getMessage(), p.toString(), "label 10 at index 3", "0..9");
        assertEquals(5, Idx.readLabels(p, 11, null).length); // the same file is fine with 11 classes
    }

    @Test
    void checksumMismatchNamesFileBothSumsAndTheFix() {
        byte[] content = IdxFiles.labels(IdxFiles.randomLabels(30, 10, random));
        byte[] other = content.clone();
        other[other.length - 1] = (byte) ((other[other.length - 1] + 1) % 10);
        Path p = IdxFiles.write(dir, "l-idx1-ubyte.gz", IdxFiles.gzip(other));
        String expected = IdxFiles.sha256(content);
        var e = assertThrows(DataFileException.class, () -> Idx.readLabels(p, 10, expected));
        assertMentions(e.getMessage(), p.toString(), expected, IdxFiles.sha256(other), "Delete it");
    }

    @Test
    void anotherDatasetsFileIsNamedAsSuch() {
        String fashionLabels = Dataset.FASHION_MNIST.trainLabels().sha256();
        assertEquals("Fashion-MNIST's train-labels-idx1-ubyte", Dataset.describeFile(fashionLabels));
        assertEquals(null, Dataset.describeFile(IdxFiles.sha256(new byte[] {1})));
    }

    @Test
    void tooShortForAHeaderIsRejected() {
        for (int n = 0; n < 12; n++) {
            byte[] partial = Arrays.copyOf(IdxFiles.images(1, 1, 1, new byte[1]), n);
            Path p = IdxFiles.write(dir, "h" + n, partial);
            var e = assertThrows(DataFileException.class, () -> Idx.readImages(p, null), "length " + n);
            assertMentions(e.getMessage(), p.toString());
        }
    }

    @Test
    void zeroSizedImagesAreRejected() {
        Path p = IdxFiles.write(dir, "z-idx3-ubyte", IdxFiles.images(4, 0, 28, new byte[0]));
        var e = assertThrows(DataFileException.class, () -> Idx.readImages(p, null));
        assertMentions(e.getMessage(), p.toString(), "0x28");
    }

    @Test
    void missingFileIsAnIoErrorNamingIt() {
        Path p = dir.resolve("absent-idx3-ubyte.gz");
        var e = assertThrows(UncheckedIOException.class, () -> Idx.readImages(p, null));
        assertMentions(e.getMessage(), p.toString(), "no such file");
    }
}
