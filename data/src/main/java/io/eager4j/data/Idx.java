package io.eager4j.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the MNIST format: big-endian header, then unsigned bytes), raw or gzip-compressed
 * (recognised by content, not by name). Everything is checked: magic number, dimensions, declared
 * size against the bytes actually present (no trailing bytes either), label range, and, when given,
 * the SHA-256 of the uncompressed content, computed while parsing so a file is read only once.
 * Any bad content is a {@link DataFileException} naming the file; nothing is allocated for a size
 * the data does not back up.
 *
 * <pre>{@code
 * Idx.Images images = Idx.readImages(Path.of("t10k-images-idx3-ubyte.gz"), null);
 * byte[] labels = Idx.readLabels(Path.of("t10k-labels-idx1-ubyte.gz"), 10, null);
 * System.out.println(images.count() + " images of " + images.rows() + "x" + images.cols());
 * }</pre>
 */
public final class Idx {
    /** Magic number of an IDX file of unsigned bytes with 3 dimensions (images). */
    public static final int IMAGES_MAGIC = 0x0803;
    /** Magic number of an IDX file of unsigned bytes with 1 dimension (labels). */
    public static final int LABELS_MAGIC = 0x0801;

    /** Largest body a Java array can hold. */
    static final long MAX_BYTES = Integer.MAX_VALUE - 8;
    // an unknown length: grow from here as data arrives, so a lying header costs nothing
    private static final int FIRST_CHUNK = 1 << 20;
    private static final long MAX_DEFLATE_RATIO = 1032;
    static final String ADVICE =
            " Delete it and run again to download a fresh copy (or replace it by hand).";

    /** Images as read: {@code count} images of {@code rows x cols} pixels, row-major, 0..255. */
    public record Images(int count, int rows, int cols, byte[] pixels) {
        /** Pixels per image. */
        public int imageSize() {
            return rows * cols;
        }
    }

    private Idx() {}

    /**
     * Reads an IDX image file (magic 2051).
     *
     * @param expectedSha256 lowercase hex SHA-256 of the uncompressed content, or null to skip the check
     * @throws DataFileException if the content is not a valid image file or the checksum differs
     * @throws UncheckedIOException if the file cannot be read
     */
    public static Images readImages(Path file, String expectedSha256) {
        try (InputStream in = Files.newInputStream(file)) {
            return readImages(in, Files.size(file), file.toString(), expectedSha256);
        } catch (IOException e) {
            throw cannotRead(file, e);
        }
    }

    /**
     * Reads an IDX label file (magic 2049) whose labels must lie in {@code 0..numClasses-1}.
     *
     * @param expectedSha256 lowercase hex SHA-256 of the uncompressed content, or null to skip the check
     * @throws DataFileException if the content is not a valid label file or the checksum differs
     * @throws UncheckedIOException if the file cannot be read
     */
    public static byte[] readLabels(Path file, int numClasses, String expectedSha256) {
        try (InputStream in = Files.newInputStream(file)) {
            return readLabels(in, Files.size(file), file.toString(), numClasses, expectedSha256);
        } catch (IOException e) {
            throw cannotRead(file, e);
        }
    }

    /** As {@link #readImages(Path, String)}; {@code size} is the stream's length if known, else -1. */
    static Images readImages(InputStream source, long size, String name, String expectedSha256) {
        Parsed p = read(source, size, name, IMAGES_MAGIC, expectedSha256);
        if (p.dims[1] == 0 || p.dims[2] == 0) {
            throw new DataFileException(name + ": declares images of " + p.dims[1] + "x" + p.dims[2]
                    + " pixels; an image needs at least one." + ADVICE);
        }
        return new Images(p.dims[0], p.dims[1], p.dims[2], p.body);
    }

    /** As {@link #readLabels(Path, int, String)}; {@code size} is the stream's length if known, else -1. */
    static byte[] readLabels(InputStream source, long size, String name, int numClasses, String expectedSha256) {
        if (numClasses < 1 || numClasses > 256) {
            throw new IllegalArgumentException("readLabels: numClasses " + numClasses + " must be in 1..256");
        }
        byte[] labels = read(source, size, name, LABELS_MAGIC, expectedSha256).body;
        for (int i = 0; i < labels.length; i++) {
            int label = labels[i] & 0xff;
            if (label >= numClasses) {
                throw new DataFileException(name + ": label " + label + " at index " + i + " is outside 0.."
                        + (numClasses - 1) + "; this is not a label file of a " + numClasses + "-class dataset."
                        + ADVICE);
            }
        }
        return labels;
    }

    private static UncheckedIOException cannotRead(Path file, IOException e) {
        String why = e instanceof NoSuchFileException ? "no such file" : e.getMessage();
        return new UncheckedIOException("cannot read " + file + ": " + why, e);
    }

    private record Parsed(int[] dims, byte[] body) {}

    private static Parsed read(InputStream source, long size, String name, int magic, String expectedSha256) {
        try {
            var buffered = new BufferedInputStream(source, 1 << 16);
            buffered.mark(2);
            boolean gzip = buffered.read() == 0x1f && buffered.read() == 0x8b;
            buffered.reset();
            InputStream plain = gzip ? new GZIPInputStream(buffered, 1 << 16) : buffered;
            MessageDigest sha256 = sha256();
            // deflate expands at most 1032:1, so a header declaring no more than that can size the body at
            // once; growing it by doubling left ~50 MB of dead copies in the old generation for MNIST
            long trusted = size < 0 ? FIRST_CHUNK
                    : gzip ? Math.max(FIRST_CHUNK, Math.min(MAX_BYTES, size * MAX_DEFLATE_RATIO)) : size;
            Parsed parsed = parse(new DigestInputStream(plain, sha256), name, magic, gzip ? -1 : size, trusted);
            if (expectedSha256 != null) {
                verify(name, expectedSha256, HexFormat.of().formatHex(sha256.digest()));
            }
            return parsed;
        } catch (EOFException | ZipException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new DataFileException(name + ": its gzip data is truncated or damaged (" + why + ")." + ADVICE, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    /** {@code trusted}: how many body bytes may be allocated before they are read (a raw file's size bounds them). */
    private static Parsed parse(InputStream in, String name, int magic, long size, long trusted) throws IOException {
        byte[] head = new byte[4];
        int got = readUpTo(in, head, 0, 4);
        if (got < 4) {
            throw new DataFileException(name + ": holds only " + got + " bytes, less than an IDX header."
                    + ADVICE);
        }
        int actual = bigEndian(head, 0);
        if (actual != magic) {
            throw new DataFileException(name + ": starts with magic number " + actual + " (0x"
                    + Integer.toHexString(actual) + ", " + kind(actual) + "), but " + kind(magic)
                    + " start with " + magic + "." + ADVICE);
        }
        int rank = magic & 0xff;
        byte[] dimBytes = new byte[4 * rank];
        if (readUpTo(in, dimBytes, 0, dimBytes.length) < dimBytes.length) {
            throw new DataFileException(name + ": ends inside its IDX header." + ADVICE);
        }
        long header = 4L + dimBytes.length;
        long limit = size < 0 ? MAX_BYTES : Math.min(MAX_BYTES, size - header);
        int[] dims = new int[rank];
        long total = 1;
        for (int i = 0; i < rank; i++) {
            dims[i] = bigEndian(dimBytes, 4 * i);
            if (dims[i] < 0) {
                throw new DataFileException(name + ": dimension " + i + " is " + Integer.toUnsignedString(dims[i])
                        + ", too large to be real." + ADVICE);
            }
            total = Math.min(total * dims[i], MAX_BYTES + 1); // both factors < 2^31: no overflow
        }
        if (total > limit) {
            throw new DataFileException(name + ": header declares " + shape(dims, rank)
                    + (total > MAX_BYTES ? " bytes of data, more than the " + MAX_BYTES + " this reader can hold."
                                         : " = " + total + " bytes of data, but only " + Math.max(0, size - header)
                                           + " follow the header: the file is truncated.")
                    + ADVICE);
        }
        byte[] body = readBody(in, (int) total, (int) Math.min(total, trusted));
        if (body.length < total) {
            throw new DataFileException(name + ": header declares " + shape(dims, rank) + " = " + total
                    + " bytes of data, but the data ends after " + body.length + " bytes: the file is truncated."
                    + ADVICE);
        }
        if (in.read() >= 0) {
            throw new DataFileException(name + ": holds more data than its header declares ("
                    + shape(dims, rank) + " = " + total + " bytes)." + ADVICE);
        }
        return new Parsed(dims, body);
    }

    /** Reads {@code total} bytes into {@code initial} first, or fewer (a shorter array) if the stream ends first. */
    private static byte[] readBody(InputStream in, int total, int initial) throws IOException {
        byte[] buf = new byte[initial];
        int filled = 0;
        while (true) {
            filled += readUpTo(in, buf, filled, buf.length - filled);
            if (filled < buf.length) {
                return Arrays.copyOf(buf, filled);
            }
            if (filled == total) {
                return buf;
            }
            buf = Arrays.copyOf(buf, (int) Math.min(total, 2L * buf.length));
        }
    }

    private static int readUpTo(InputStream in, byte[] buf, int off, int len) throws IOException {
        int total = 0;
        while (total < len) {
            int n = in.read(buf, off + total, len - total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    private static void verify(String name, String expected, String actual) {
        if (actual.equalsIgnoreCase(expected)) {
            return;
        }
        String mismatch = name + ": SHA-256 of its uncompressed content is " + actual + ", expected "
                + expected.toLowerCase(Locale.ROOT);
        String known = Dataset.describeFile(actual);
        if (known != null) { // a good file of the wrong dataset: deleting it would be bad advice
            throw new DataFileException(mismatch + ". It is " + known + ", not the file asked for: point"
                    + " --data-dir or EAGER4J_DATA at the folder of the dataset you want (keep this file).");
        }
        throw new DataFileException(mismatch + ": the file is damaged or not the expected one." + ADVICE);
    }

    private static String kind(int magic) {
        return switch (magic) {
            case IMAGES_MAGIC -> "IDX image files";
            case LABELS_MAGIC -> "IDX label files";
            default -> (magic >>> 16) == 0 && (magic & 0xff) > 0 ? "an IDX file of another type" : "not IDX";
        };
    }

    private static String shape(int[] dims, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(i == 0 ? "" : " x ").append(dims[i]);
        }
        return s.toString();
    }

    private static int bigEndian(byte[] b, int off) {
        return (b[off] & 0xff) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e); // every JDK must have it
        }
    }
}
