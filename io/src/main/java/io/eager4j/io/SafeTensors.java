package io.eager4j.io;

import io.eager4j.DType;
import io.eager4j.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the safetensors format: an 8-byte little-endian header length N, N bytes of JSON
 * ({@code {"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}, "__metadata__": {...}}},
 * offsets counted from the first byte after the header), then the raw little-endian data. eager4j
 * reads and writes F32, F64 and I32; files from other tools load if they use those types.
 * <pre>{@code
 * SafeTensors.write(Path.of("w.safetensors"), Map.of("W0", w0), Map.of("steps", "3000"));   // atomic
 * Tensor w = SafeTensors.read(Path.of("w.safetensors")).tensors().get("W0");
 * }</pre>
 * Every header is checked before any data is read: a damaged or hostile file gets a
 * {@link SafeTensorsException} naming the file and the problem, never an arbitrary exception.
 */
public final class SafeTensors {
    /** Larger headers are refused: no honest file needs one, and it would be read into memory. */
    public static final long MAX_HEADER_BYTES = 100_000_000;

    private SafeTensors() {}

    /** Tensors in file order, and the string-to-string {@code __metadata__} (empty if none). */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    // ---- writing

    /**
     * Writes {@code tensors} (and {@code metadata}, may be empty) to {@code file} atomically: a failed
     * write leaves any previous file intact. Tensors are laid out widest type first, then in the
     * map's order, so every tensor's data is aligned to its element size.
     */
    public static void write(Path file, Map<String, ? extends Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        byte[] header = header(tensors, metadata);   // bad input fails before any file is touched
        AtomicFile.write(file, out -> writeTo(out, header, tensors));
    }

    /** The bytes {@link #write} would put in a file. */
    public static byte[] toBytes(Map<String, ? extends Tensor> tensors, Map<String, String> metadata) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writeTo(out, header(tensors, metadata), tensors);
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // a byte array does not fail
        }
        return out.toByteArray();
    }

    private static void writeTo(OutputStream out, byte[] header, Map<String, ? extends Tensor> tensors)
            throws IOException {
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
        out.write(header);
        for (Map.Entry<String, ? extends Tensor> e : layout(tensors)) {
            out.write(data(e.getValue()));
        }
    }

    private static byte[] header(Map<String, ? extends Tensor> tensors, Map<String, String> metadata) {
        StringBuilder json = new StringBuilder("{");
        if (metadata != null && !metadata.isEmpty()) {
            json.append("\"__metadata__\":{");
            String sep = "";
            for (Map.Entry<String, String> m : metadata.entrySet()) {
                json.append(sep).append(Json.quote(m.getKey())).append(':').append(Json.quote(m.getValue()));
                sep = ",";
            }
            json.append('}');
        }
        long offset = 0;
        for (Map.Entry<String, ? extends Tensor> e : layout(tensors)) {
            Tensor t = e.getValue();
            long bytes = (long) t.size() * t.dtype().byteSize();
            json.append(json.length() > 1 ? "," : "").append(Json.quote(e.getKey()))
                    .append(":{\"dtype\":\"").append(code(e.getKey(), t.dtype()))
                    .append("\",\"shape\":").append(shape(t.shape()))
                    .append(",\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        json.append('}');
        while (json.length() % 8 != 0) json.append(' ');   // pad as the reference writer does; the data starts 8-aligned
        byte[] b = json.toString().getBytes(StandardCharsets.UTF_8);
        if (b.length % 8 != 0) {   // multi-byte names: pad the bytes, not the characters
            b = (json + " ".repeat(8 - b.length % 8)).getBytes(StandardCharsets.UTF_8);
        }
        return b;
    }

    private static List<Map.Entry<String, ? extends Tensor>> layout(Map<String, ? extends Tensor> tensors) {
        List<Map.Entry<String, ? extends Tensor>> list = new ArrayList<>();
        for (Map.Entry<String, ? extends Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                throw new IllegalArgumentException("safetensors: '__metadata__' is reserved and cannot name a tensor");
            }
            code(e.getKey(), e.getValue().dtype());
            list.add(e);
        }
        list.sort(Comparator.comparingInt(e -> -e.getValue().dtype().byteSize()));   // stable: map order within a width
        return list;
    }

    private static String code(String name, DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> "F32";
            case FLOAT64 -> "F64";
            case INT32 -> "I32";
            default -> throw new IllegalArgumentException("safetensors: tensor '" + name + "' is " + dtype
                    + "; only float32, float64 and int32 can be saved (cast it first)");
        };
    }

    private static String shape(int[] shape) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) b.append(i > 0 ? "," : "").append(shape[i]);
        return b.append(']').toString();
    }

    private static byte[] data(Tensor t) {
        ByteBuffer b = ByteBuffer.allocate(t.size() * t.dtype().byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        switch (t.dtype()) {
            case FLOAT32 -> b.asFloatBuffer().put(t.toFloatArray());
            case FLOAT64 -> b.asDoubleBuffer().put(t.toDoubleArray());
            default -> b.asIntBuffer().put(t.toIntArray());
        }
        return b.array();
    }

    // ---- reading

    /** Reads a whole file; tensors are created on {@link io.eager4j.Device#current()}. */
    public static Contents read(Path file) throws IOException {
        String name = file.toString();
        try (FileChannel ch = FileChannel.open(file)) {
            return read(new SafeTensorsHeader.Source() {
                @Override
                public long size() throws IOException {
                    return ch.size();
                }

                @Override
                public void read(long position, ByteBuffer dst) throws IOException {
                    while (dst.hasRemaining()) {
                        if (ch.read(dst, position + dst.position()) < 0) {
                            throw new SafeTensorsException(name, "truncated: the file ended while being read");
                        }
                    }
                }
            }, name);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(name, null, "no such file");
        }
    }

    /** Reads safetensors bytes; {@code name} is used in error messages. */
    public static Contents read(byte[] bytes, String name) throws SafeTensorsException {
        try {
            return read(new SafeTensorsHeader.Source() {
                @Override
                public long size() {
                    return bytes.length;
                }

                @Override
                public void read(long position, ByteBuffer dst) {
                    dst.put(bytes, (int) position, dst.remaining());
                }
            }, name);
        } catch (SafeTensorsException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // a byte array does not fail
        }
    }

    private static Contents read(SafeTensorsHeader.Source src, String name) throws IOException {
        SafeTensorsHeader h = SafeTensorsHeader.read(src, name);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (SafeTensorsHeader.Entry e : h.entries()) {
            ByteBuffer b = ByteBuffer.allocate((int) (e.end() - e.begin())).order(ByteOrder.LITTLE_ENDIAN);
            src.read(h.dataStart() + e.begin(), b);
            b.flip();
            tensors.put(e.name(), switch (e.dtype()) {
                case FLOAT32 -> {
                    float[] v = new float[b.remaining() / 4];
                    b.asFloatBuffer().get(v);
                    yield Tensor.of(v, e.shape());
                }
                case FLOAT64 -> {
                    double[] v = new double[b.remaining() / 8];
                    b.asDoubleBuffer().get(v);
                    yield Tensor.of(v, e.shape());
                }
                default -> {
                    int[] v = new int[b.remaining() / 4];
                    b.asIntBuffer().get(v);
                    yield Tensor.of(v, e.shape());
                }
            });
        }
        return new Contents(Collections.unmodifiableMap(tensors), h.metadata());
    }
}
