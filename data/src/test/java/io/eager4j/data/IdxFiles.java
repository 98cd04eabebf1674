package io.eager4j.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/** Builds small IDX files and whole tiny datasets for tests. */
final class IdxFiles {
    static final int ROWS = 3;
    static final int COLS = 2;

    private IdxFiles() {}

    static byte[] idx(int magic, int[] dims, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + body.length); // big-endian by default
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.put(body).array();
    }

    static byte[] images(int count, int rows, int cols, byte[] pixels) {
        return idx(Idx.IMAGES_MAGIC, new int[] {count, rows, cols}, pixels);
    }

    static byte[] labels(byte[] labels) {
        return idx(Idx.LABELS_MAGIC, new int[] {labels.length}, labels);
    }

    static byte[] randomBytes(int n, SplittableRandom random) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    static byte[] randomLabels(int n, int classes, SplittableRandom random) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) random.nextInt(classes);
        }
        return b;
    }

    static byte[] gzip(byte[] content) {
        var out = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(out)) {
            gz.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String sha256(byte[] content) {
        return HexFormat.of().formatHex(Idx.sha256().digest(content));
    }

    static Path write(Path dir, String name, byte[] content) {
        try {
            Files.createDirectories(dir);
            return Files.write(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A tiny MNIST-like dataset's uncompressed file contents, in {@link Dataset#files()} order. */
    record Tiny(byte[] trainImages, byte[] trainLabels, byte[] testImages, byte[] testLabels) {
        static Tiny random(int train, int test, long seed) {
            var random = new SplittableRandom(seed);
            return new Tiny(images(train, ROWS, COLS, randomBytes(train * ROWS * COLS, random)),
                    labels(randomLabels(train, 10, random)),
                    images(test, ROWS, COLS, randomBytes(test * ROWS * COLS, random)),
                    labels(randomLabels(test, 10, random)));
        }

        List<byte[]> contents() {
            return List.of(trainImages, trainLabels, testImages, testLabels);
        }

        /** A descriptor whose checksums match these contents. */
        Dataset dataset(List<URI> mirrors) {
            return new Dataset("tiny", "Tiny", 10, mirrors,
                    new DataFile("train-images-idx3-ubyte", sha256(trainImages)),
                    new DataFile("train-labels-idx1-ubyte", sha256(trainLabels)),
                    new DataFile("t10k-images-idx3-ubyte", sha256(testImages)),
                    new DataFile("t10k-labels-idx1-ubyte", sha256(testLabels)));
        }

        /** Writes the four files into {@code dir}, gzipped as {@code name.gz} or raw. */
        void writeTo(Path dir, boolean gz) {
            List<DataFile> files = dataset(List.of()).files();
            for (int i = 0; i < 4; i++) {
                byte[] content = contents().get(i);
                write(dir, gz ? files.get(i).gzName() : files.get(i).name(), gz ? gzip(content) : content);
            }
        }
    }
}
