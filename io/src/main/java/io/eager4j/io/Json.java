package io.eager4j.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.io.JsonStringEncoder;
import tools.jackson.core.json.JsonFactory;

/**
 * Safetensors headers as plain values, through jackson-core's streaming parser: objects (keys in
 * order, duplicates refused), arrays, strings, integers (as longs; one that does not fit is an
 * error, never rounded), other numbers as doubles, booleans and null.
 */
final class Json {
    private Json() {}

    /** Deep enough for any header; a hostile file cannot exhaust the stack. */
    static final int MAX_DEPTH = 64;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();

    /** One value, then nothing but whitespace. Throws IllegalArgumentException saying what is wrong and where. */
    static Object parse(byte[] utf8) {
        try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), utf8)) {
            JsonToken first = p.nextToken();
            if (first == null) throw new IllegalArgumentException("no JSON value at byte 0");
            Object v = value(p, first);
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("unexpected text after the end of the JSON value" + at(p.currentTokenLocation()));
            }
            return v;
        } catch (JacksonException e) {
            String what = e.getOriginalMessage().lines().findFirst().orElse("malformed JSON");
            throw new IllegalArgumentException(what + at(e.getLocation()));
        }
    }

    static Object parse(String text) {
        return parse(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static Object value(JsonParser p, JsonToken t) {
        return switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    String name = p.currentName();
                    m.put(name, value(p, p.nextToken()));
                }
                yield m;
            }
            case START_ARRAY -> {
                List<Object> a = new ArrayList<>();
                for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) a.add(value(p, v));
                yield a;
            }
            case VALUE_STRING -> p.getString();
            case VALUE_NUMBER_INT -> {
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    throw new IllegalArgumentException("number " + p.getText() + " is out of range" + at(p.currentTokenLocation()));
                }
                yield p.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> true;
            case VALUE_FALSE -> false;
            case VALUE_NULL -> null;
            default -> throw new IllegalArgumentException("unexpected " + t + at(p.currentTokenLocation()));
        };
    }

    /** " at byte N" of the header (the parser reads bytes), or nothing when the parser does not know. */
    private static String at(tools.jackson.core.TokenStreamLocation where) {
        if (where == null) return "";
        long b = where.getByteOffset(), c = where.getCharOffset();
        return b >= 0 ? " at byte " + b : c >= 0 ? " at character " + c : "";
    }

    /** {@code text} as a JSON string literal, quotes included. */
    static String quote(String text) {
        StringBuilder b = new StringBuilder(text.length() + 2).append('"');
        JsonStringEncoder.getInstance().quoteAsString(text, b);
        return b.append('"').toString();
    }
}
