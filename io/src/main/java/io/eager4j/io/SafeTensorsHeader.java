package io.eager4j.io;

import io.eager4j.DType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A checked safetensors header: every rule of the format is enforced before any tensor data is
 * read, so the reader can trust the offsets. Problems become {@link SafeTensorsException}s naming
 * the file.
 */
record SafeTensorsHeader(List<Entry> entries, Map<String, String> metadata, long dataStart) {

    /** One tensor's header entry; offsets are relative to {@code dataStart}. */
    record Entry(String name, DType dtype, int[] shape, long begin, long end) {}

    /** Random-access bytes: a file channel or an array. */
    interface Source {
        long size() throws IOException;

        void read(long position, ByteBuffer dst) throws IOException;
    }

    private static final Set<String> FIELDS = Set.of("dtype", "shape", "data_offsets");

    static SafeTensorsHeader read(Source src, String file) throws IOException {
        long size = src.size();
        if (size < 8) {
            throw new SafeTensorsException(file, "truncated: " + size + " bytes, but a safetensors file starts with an 8-byte header length");
        }
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        src.read(0, len);
        long n = len.getLong(0);
        if (n < 0 || n > SafeTensors.MAX_HEADER_BYTES) {
            throw new SafeTensorsException(file, "header length " + Long.toUnsignedString(n) + " is over the "
                    + SafeTensors.MAX_HEADER_BYTES / 1_000_000 + " MB limit: not a safetensors file, or a damaged one");
        }
        if (8 + n > size) {
            throw new SafeTensorsException(file, "truncated: the header should be " + n + " bytes but only "
                    + (size - 8) + " follow the length");
        }
        ByteBuffer raw = ByteBuffer.allocate((int) n);
        src.read(8, raw);
        raw.flip();
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(raw).toString();
        } catch (CharacterCodingException e) {
            throw new SafeTensorsException(file, "header is not valid UTF-8");
        }
        if (!json.startsWith("{")) {
            throw new SafeTensorsException(file, "header does not start with '{': not a safetensors file");
        }
        Object parsed;
        try {
            parsed = Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw new SafeTensorsException(file, "bad JSON in the header: " + e.getMessage());
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, Object> e : asObject(parsed).entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                metadata = metadata(file, e.getValue());
            } else {
                entries.add(entry(file, e.getKey(), e.getValue()));
            }
        }
        checkCoverage(file, entries, size - 8 - n);
        return new SafeTensorsHeader(List.copyOf(entries), Collections.unmodifiableMap(metadata), 8 + n);   // file order
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asObject(Object o) {
        return (Map<String, Object>) o;   // the header starts with '{', so the value is an object
    }

    private static Map<String, String> metadata(String file, Object value) throws SafeTensorsException {
        if (!(value instanceof Map<?, ?> m)) {
            throw new SafeTensorsException(file, "__metadata__ must be an object of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new SafeTensorsException(file, "__metadata__ value for \"" + e.getKey() + "\" must be a string");
            }
            out.put((String) e.getKey(), s);
        }
        return out;
    }

    private static Entry entry(String file, String name, Object value) throws SafeTensorsException {
        String where = "tensor '" + name + "'";
        if (!(value instanceof Map<?, ?> m)) {
            throw new SafeTensorsException(file, where + ": expected an object with dtype, shape and data_offsets");
        }
        for (Object key : m.keySet()) {
            if (!FIELDS.contains(key)) {
                throw new SafeTensorsException(file, where + ": unknown field \"" + key + "\" (expected dtype, shape, data_offsets)");
            }
        }
        if (!(m.get("dtype") instanceof String code)) {
            throw new SafeTensorsException(file, where + ": dtype missing or not a string");
        }
        DType dtype = switch (code) {
            case "F32" -> DType.FLOAT32;
            case "F64" -> DType.FLOAT64;
            case "I32" -> DType.INT32;
            default -> throw new SafeTensorsException(file, where + " has dtype " + code
                    + "; eager4j reads F32, F64 and I32");
        };
        long[] dims = longs(file, where, "shape", m.get("shape"), -1);
        long[] offsets = longs(file, where, "data_offsets", m.get("data_offsets"), 2);
        long elements = 1;
        int[] shape = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] > Integer.MAX_VALUE) {
                throw new SafeTensorsException(file, where + ": dimension " + dims[i] + " is too large");
            }
            shape[i] = (int) dims[i];
            elements *= dims[i];   // both factors fit an int, so the product fits a long
            if (elements > Integer.MAX_VALUE) {
                throw new SafeTensorsException(file, where + ": shape " + Arrays.toString(dims)
                        + " has more elements than a Java array can hold");
            }
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (end < begin) {
            throw new SafeTensorsException(file, where + ": data_offsets [" + begin + ", " + end + "] give a negative size");
        }
        long need = elements * dtype.byteSize();
        if (end - begin != need) {
            throw new SafeTensorsException(file, where + ": shape " + Arrays.toString(shape) + " of " + code
                    + " needs " + need + " bytes but data_offsets [" + begin + ", " + end + "] span " + (end - begin));
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    /** Non-negative integers; exactly {@code count} of them unless count is -1. */
    private static long[] longs(String file, String where, String field, Object value, int count)
            throws SafeTensorsException {
        if (!(value instanceof List<?> list)) {
            throw new SafeTensorsException(file, where + ": " + field + " missing or not an array");
        }
        if (count >= 0 && list.size() != count) {
            throw new SafeTensorsException(file, where + ": " + field + " must have " + count + " numbers, has " + list.size());
        }
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Long v)) {
                throw new SafeTensorsException(file, where + ": " + field + " holds " + list.get(i) + ", not an integer");
            }
            if (v < 0) {
                throw new SafeTensorsException(file, where + ": " + field + " holds the negative number " + v);
            }
            out[i] = v;
        }
        return out;
    }

    /** The tensors must tile the data exactly: no overlap, no hole, nothing missing, nothing extra. */
    private static void checkCoverage(String file, List<Entry> entries, long dataBytes) throws SafeTensorsException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.begin() < expected) {
                throw new SafeTensorsException(file, "tensors '" + previous.name() + "' " + span(previous) + " and '"
                        + e.name() + "' " + span(e) + " overlap");
            }
            if (e.begin() > expected) {
                throw new SafeTensorsException(file, "data bytes [" + expected + ", " + e.begin()
                        + ") belong to no tensor (a hole before '" + e.name() + "')");
            }
            expected = e.end();
            previous = e;
        }
        if (expected > dataBytes) {
            throw new SafeTensorsException(file, "truncated: the tensors need " + expected + " data bytes but the file has "
                    + dataBytes);
        }
        if (expected < dataBytes) {
            throw new SafeTensorsException(file, (dataBytes - expected) + " bytes after the last tensor belong to no tensor");
        }
    }

    private static String span(Entry e) {
        return "[" + e.begin() + ", " + e.end() + ")";
    }
}
