package io.eager4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The IDX parser on random and mutated input: it either parses, consistently (raw and gzip agree,
 * sizes add up), or throws {@link DataFileException}; never another exception, never an allocation
 * the data does not back up.
 */
class IdxFuzzTest {

    /** Outcome of one parse: the parsed value or the DataFileException; anything else fails the test. */
    private record Outcome(Idx.Images images, byte[] labels, boolean rejected) {}

    private static Outcome parseImages(byte[] bytes, boolean gz) {
        byte[] input = gz ? IdxFiles.gzip(bytes) : bytes;
        try {
            Idx.Images images = Idx.readImages(new ByteArrayInputStream(input), input.length, "fuzz", null);
            assertEquals((long) images.count() * images.rows() * images.cols(), images.pixels().length);
            assertEquals(bytes.length, 16 + images.pixels().length, "parsed size must be the whole file");
            return new Outcome(images, null, false);
        } catch (DataFileException e) {
            assertTrue(e.getMessage().startsWith("fuzz: "), e.getMessage());
            return new Outcome(null, null, true);
        }
    }

    private static Outcome parseLabels(byte[] bytes, boolean gz, int classes) {
        byte[] input = gz ? IdxFiles.gzip(bytes) : bytes;
        try {
            byte[] labels = Idx.readLabels(new ByteArrayInputStream(input), input.length, "fuzz", classes, null);
            assertEquals(bytes.length, 8 + labels.length);
            for (byte b : labels) {
                assertTrue((b & 0xff) < classes);
            }
            return new Outcome(null, labels, false);
        } catch (DataFileException e) {
            assertTrue(e.getMessage().startsWith("fuzz: "), e.getMessage());
            return new Outcome(null, null, true);
        }
    }

    private static void assertSame(Outcome a, Outcome b) {
        assertEquals(a.rejected, b.rejected, "raw and gzip disagree");
        if (a.images != null) {
            assertEquals(a.images.count(), b.images.count());
            assertEquals(a.images.rows(), b.images.rows());
            assertArrayEquals(a.images.pixels(), b.images.pixels());
        }
        if (a.labels != null) {
            assertArrayEquals(a.labels, b.labels);
        }
    }

    @Property(tries = 300)
    void randomBytesParseOrAreRejected(@ForAll @Size(max = 80) byte[] bytes) {
        assertSame(parseImages(bytes, false), parseImages(bytes, true));
        assertSame(parseLabels(bytes, false, 10), parseLabels(bytes, true, 10));
    }

    @Property(tries = 300)
    void arbitraryHeadersParseOrAreRejected(@ForAll("dims") int count, @ForAll("dims") int rows,
                                            @ForAll("dims") int cols, @ForAll @IntRange(max = 200) int bodyLength,
                                            @ForAll long seed) {
        byte[] body = IdxFiles.randomBytes(bodyLength, new SplittableRandom(seed));
        byte[] file = ByteBuffer.allocate(16 + bodyLength).putInt(Idx.IMAGES_MAGIC)
                .putInt(count).putInt(rows).putInt(cols).put(body).array();
        Outcome raw = parseImages(file, false);
        assertSame(raw, parseImages(file, true));
        boolean consistent = count >= 0 && rows > 0 && cols > 0 && (long) count * rows * cols == bodyLength;
        assertEquals(consistent, !raw.rejected, "accepted exactly when the header matches the body");
    }

    /** Header fields: small values (near the truth), edge values and anything at all. */
    @Provide
    Arbitrary<Integer> dims() {
        return Arbitraries.oneOf(Arbitraries.integers().between(0, 12),
                Arbitraries.of(-1, Integer.MIN_VALUE, Integer.MAX_VALUE, 1 << 30, 65536, 46341),
                Arbitraries.integers());
    }

    @Property(tries = 300)
    void mutatedValidFilesParseOrAreRejected(@ForAll @IntRange(max = 6) int count,
                                             @ForAll @IntRange(min = 1, max = 5) int side,
                                             @ForAll @IntRange(min = 1, max = 6) int mutations,
                                             @ForAll long seed) {
        var random = new SplittableRandom(seed);
        byte[] images = IdxFiles.images(count, side, side, IdxFiles.randomBytes(count * side * side, random));
        byte[] labels = IdxFiles.labels(IdxFiles.randomLabels(count, 10, random));
        byte[] mi = mutate(images, mutations, random);
        byte[] ml = mutate(labels, mutations, random);
        assertSame(parseImages(mi, false), parseImages(mi, true));
        assertSame(parseLabels(ml, false, 10), parseLabels(ml, true, 10));
        // mutating the compressed bytes instead: gzip must reject or decode, never crash
        byte[] gz = mutate(IdxFiles.gzip(images), mutations, random);
        try {
            Idx.readImages(new ByteArrayInputStream(gz), gz.length, "fuzz", null);
        } catch (DataFileException e) {
            assertTrue(e.getMessage().startsWith("fuzz: "), e.getMessage());
        }
    }

    /** Flips, overwrites, truncates or extends at random places. */
    private static byte[] mutate(byte[] bytes, int times, SplittableRandom random) {
        byte[] b = bytes.clone();
        for (int i = 0; i < times; i++) {
            switch (random.nextInt(5)) {
                case 0 -> {
                    if (b.length > 0) {
                        b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 1 -> {
                    if (b.length > 0) {
                        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                    }
                }
                case 2 -> b = Arrays.copyOf(b, random.nextInt(b.length + 1));
                case 3 -> b = Arrays.copyOf(b, b.length + 1 + random.nextInt(8));
                default -> {
                    if (b.length >= 8) { // a whole header field replaced by anything
                        int at = 4 * random.nextInt(Math.min(4, b.length / 4));
                        ByteBuffer.wrap(b).putInt(at, random.nextInt());
                    }
                }
            }
        }
        return b;
    }
}
