package io.eager4j.io;

import static io.eager4j.io.SafeTensorsTest.file;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One row per way a file can be wrong: the reader refuses it with a message naming the file. */
class MalformedSafeTensorsTest {
    private static final String F32_2 = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";

    static Stream<Arguments> cases() {
        byte[] eight = new byte[8];
        return Stream.of(
                row("empty file", new byte[0],
                        "truncated: 0 bytes, but a safetensors file starts with an 8-byte header length"),
                row("huge header length", ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(100_000_001).array(),
                        "header length 100000001 is over the 100 MB limit: not a safetensors file, or a damaged one"),
                row("header length with the top bit set", ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1).array(),
                        "header length 18446744073709551615 is over the 100 MB limit: not a safetensors file, or a damaged one"),
                row("header longer than the file", Arrays.copyOf(file(F32_2, eight), 20),
                        "truncated: the header should be 54 bytes but only 12 follow the length"),
                row("not JSON", file("PK\u0003\u0004", new byte[0]), "header does not start with '{': not a safetensors file"),
                row("bad JSON", file("{\"a\":{\"dtype\":\"F32\",", eight),
                        "bad JSON in the header: Unexpected end-of-input within/between Object entries at byte 20"),
                row("not UTF-8", file("{\"\u00ff\":1}", new byte[0]).clone(), null),
                row("duplicate name", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", eight),
                        "bad JSON in the header: Duplicate Object property \"a\" at byte 57"),
                row("entry not an object", file("{\"a\":[1]}", new byte[0]),
                        "tensor 'a': expected an object with dtype, shape and data_offsets"),
                row("unknown dtype", file(F32_2.replace("F32", "BF16"), eight),
                        "tensor 'a' has dtype BF16; eager4j reads F32, F64 and I32"),
                row("missing shape", file("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", eight),
                        "tensor 'a': shape missing or not an array"),
                row("unknown field", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":1}}", eight),
                        "tensor 'a': unknown field \"x\" (expected dtype, shape, data_offsets)"),
                row("negative dimension", file(F32_2.replace("[2]", "[-2]"), eight),
                        "tensor 'a': shape holds the negative number -2"),
                row("fractional offset", file(F32_2.replace("[0,8]", "[0,8.5]"), eight),
                        "tensor 'a': data_offsets holds 8.5, not an integer"),
                row("three offsets", file(F32_2.replace("[0,8]", "[0,4,8]"), eight),
                        "tensor 'a': data_offsets must have 2 numbers, has 3"),
                row("negative size", file(F32_2.replace("[0,8]", "[8,0]"), eight),
                        "tensor 'a': data_offsets [8, 0] give a negative size"),
                row("shape and offsets disagree", file(F32_2.replace("[2]", "[3]"), eight),
                        "tensor 'a': shape [3] of F32 needs 12 bytes but data_offsets [0, 8] span 8"),
                row("offsets past the data", file(F32_2, new byte[4]),
                        "truncated: the tensors need 8 data bytes but the file has 4"),
                row("offset beyond any file", file(F32_2.replace("[0,8]", "[9223372036854775800,9223372036854775808]"), eight),
                        "bad JSON in the header: number 9223372036854775808 is out of range at byte 68"),
                row("overlap", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", eight),
                        "tensors 'a' [0, 8) and 'b' [4, 8) overlap"),
                row("hole", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", eight),
                        "data bytes [0, 4) belong to no tensor (a hole before 'a')"),
                row("bytes after the last tensor", file(F32_2, new byte[12]),
                        "4 bytes after the last tensor belong to no tensor"),
                row("metadata not strings", file("{\"__metadata__\":{\"n\":1}}", new byte[0]),
                        "__metadata__ value for \"n\" must be a string"),
                row("trailing junk", file("{}x", new byte[0]),
                        "bad JSON in the header: Unrecognized token 'x': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false') at byte 2"));
    }

    private static Arguments row(String what, byte[] bytes, String message) {
        return Arguments.of(what, bytes, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rejected(String what, byte[] bytes, String message) {
        if (what.equals("not UTF-8")) {
            bytes[10] = (byte) 0xff;   // a lone 0xff byte inside the key: never valid UTF-8
            message = "header is not valid UTF-8";
        }
        byte[] b = bytes;
        var e = assertThrows(SafeTensorsException.class, () -> SafeTensors.read(b, "bad.safetensors"));
        assertEquals("bad.safetensors: " + message, e.getMessage());
    }
}
