package io.eager4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.eager4j.DType;
import io.eager4j.Tensor;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bytes built by hand from the format's description, compared both ways with the reader and writer. */
class SafeTensorsTest {
    /** 8-byte little-endian length, the header text, then the data. */
    static byte[] file(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(h.length).put(h).put(data).array();
    }

    static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void writerOutputEqualsHandBuiltBytes() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("W", Tensor.of(new float[] {1, 2, 3, 4}, 2, 2));
        tensors.put("idx", Tensor.of(new int[] {7, -1, 65536}, 3));
        tensors.put("d", Tensor.of(new double[] {0.5, -2}, 2));
        // the widest type first (aligned data), then map order; header padded with spaces to 8 bytes
        String header = "{\"__metadata__\":{\"k\":\"v\"},"
                + "\"d\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                + "\"W\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[16,32]},"
                + "\"idx\":{\"dtype\":\"I32\",\"shape\":[3],\"data_offsets\":[32,44]}}";
        header += " ".repeat((8 - header.length() % 8) % 8);
        ByteBuffer data = le(44).putDouble(0.5).putDouble(-2).putFloat(1).putFloat(2).putFloat(3).putFloat(4)
                .putInt(7).putInt(-1).putInt(65536);
        assertArrayEquals(file(header, data.array()), SafeTensors.toBytes(tensors, Map.of("k", "v")));
    }

    @Test
    void readerReadsHandBuiltBytes() throws Exception {
        // keys out of data order, metadata last, spaces and padding as other writers may produce
        String header = "{ \"b\" : {\"data_offsets\": [8, 20], \"shape\": [3], \"dtype\": \"I32\"},\n"
                + "  \"a\": {\"dtype\": \"F32\", \"shape\": [2, 1], \"data_offsets\": [0, 8]},"
                + "  \"s\": {\"dtype\": \"F64\", \"shape\": [], \"data_offsets\": [20, 28]},"
                + "  \"e\": {\"dtype\": \"F32\", \"shape\": [0, 4], \"data_offsets\": [28, 28]},"
                + "  \"__metadata__\": {\"format\": \"pt\", \"note\": \"\\u00e9\\n\"}}     ";
        ByteBuffer data = le(28).putFloat(1.5f).putFloat(-0f).putInt(1).putInt(Integer.MIN_VALUE).putInt(3)
                .putDouble(Math.PI);
        SafeTensors.Contents c = SafeTensors.read(file(header, data.array()), "hand.safetensors");
        assertEquals(List.of("b", "a", "s", "e"), List.copyOf(c.tensors().keySet()));
        assertEquals(Map.of("format", "pt", "note", "é\n"), c.metadata());
        Tensor a = c.tensors().get("a");
        assertEquals(DType.FLOAT32, a.dtype());
        assertArrayEquals(new int[] {2, 1}, a.shape());
        assertArrayEquals(new float[] {1.5f, -0f}, a.toFloatArray());
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(a.toFloatArray()[1]));
        assertArrayEquals(new int[] {1, Integer.MIN_VALUE, 3}, c.tensors().get("b").toIntArray());
        assertEquals(DType.FLOAT64, c.tensors().get("s").dtype());
        assertArrayEquals(new int[0], c.tensors().get("s").shape());
        assertEquals(Math.PI, c.tensors().get("s").item());
        assertArrayEquals(new int[] {0, 4}, c.tensors().get("e").shape());
    }

    @Test
    void roundTripKeepsEveryBit(@TempDir Path dir) throws Exception {
        float[] f = {Float.NaN, Float.POSITIVE_INFINITY, -0f, Float.MIN_VALUE, Float.MAX_VALUE, 1e-40f};
        double[] d = {Double.NEGATIVE_INFINITY, Double.MIN_VALUE, -Double.MAX_VALUE, 1.0 / 3};
        int[] i = {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE};
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("f32", Tensor.of(f, 2, 3));
        in.put("f64", Tensor.of(d, 4));
        in.put("i32", Tensor.of(i, 2, 2));
        in.put("scalar", Tensor.scalar(2.5));
        in.put("name with \"quotes\" and ü", Tensor.of(new float[0], 0));
        Path p = dir.resolve("round.safetensors");
        SafeTensors.write(p, in, Map.of("steps", "3000"));
        SafeTensors.Contents out = SafeTensors.read(p);
        assertEquals(in.keySet(), out.tensors().keySet());
        assertEquals(Map.of("steps", "3000"), out.metadata());
        for (String k : in.keySet()) {
            assertArrayEquals(in.get(k).shape(), out.tensors().get(k).shape(), k);
            assertEquals(in.get(k).dtype(), out.tensors().get(k).dtype(), k);
        }
        float[] f2 = out.tensors().get("f32").toFloatArray();
        for (int k = 0; k < f.length; k++) {
            assertEquals(Float.floatToRawIntBits(f[k]), Float.floatToRawIntBits(f2[k]));
        }
        assertArrayEquals(d, out.tensors().get("f64").toDoubleArray());
        assertArrayEquals(i, out.tensors().get("i32").toIntArray());
        assertEquals(0, (ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN).getLong() % 8),
                "header padded to 8 bytes so data stays aligned");
    }

    @Test
    void writerRejectsWhatItCannotStoreBeforeTouchingTheFile(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("m.safetensors");
        SafeTensors.write(p, Map.of("a", Tensor.ones(2)), Map.of());
        byte[] before = Files.readAllBytes(p);
        var e = assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.write(p, Map.of("mask", Tensor.ones(2).greater(0)), Map.of()));
        assertEquals("safetensors: tensor 'mask' is bool; only float32, float64 and int32 can be saved (cast it first)",
                e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.write(p, Map.of("__metadata__", Tensor.ones(2)), Map.of()));
        assertArrayEquals(before, Files.readAllBytes(p));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(p), files.toList());
        }
    }

    @Test
    void failedWriteLeavesThePreviousFileAndNoTemporaryFile(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("ckpt");
        AtomicFile.write(p, out -> out.write("old".getBytes()));
        var e = assertThrows(java.io.IOException.class, () -> AtomicFile.write(p, out -> {
            out.write(new byte[100_000]);   // past the buffer: bytes reached the temporary file
            throw new java.io.IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals("old", Files.readString(p));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(p), files.toList());
        }
    }

    @Test
    void fileErrorsNameTheFile(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("short.safetensors");
        Files.write(p, new byte[] {1, 2, 3});
        var e = assertThrows(SafeTensorsException.class, () -> SafeTensors.read(p));
        assertEquals(p + ": truncated: 3 bytes, but a safetensors file starts with an 8-byte header length", e.getMessage());
        var missing = assertThrows(java.nio.file.NoSuchFileException.class, () -> SafeTensors.read(dir.resolve("nope")));
        assertTrue(missing.getMessage().contains("nope"));
    }

    @Test
    void writtenBytesStartWithTheLengthOfTheJsonHeader() {
        byte[] b = SafeTensors.toBytes(Map.of(), Map.of());
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(le(8).putLong(8).array());
        expected.writeBytes("{}      ".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(expected.toByteArray(), b);
    }
}
