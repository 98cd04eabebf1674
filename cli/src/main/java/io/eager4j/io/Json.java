package io.eager4j.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough JSON for safetensors headers: objects (keys kept in order, duplicates rejected),
 * arrays, strings, integers, booleans and null. Numbers with a fraction or exponent are read as
 * doubles; integers that do not fit a long are an error, never silently rounded.
 */
final class Json {
    /** Deep enough for any header; stops a hostile file from overflowing the stack. */
    private static final int MAX_DEPTH = 64;

    private final String s;
    private int pos;

    private Json(String s) {
        this.s = s;
    }

    /** One value, then only whitespace. Throws IllegalArgumentException saying what is wrong and where. */
    static Object parse(String text) {
        Json p = new Json(text);
        Object v = p.value(0);
        p.skipSpace();
        if (p.pos != text.length()) {
            throw p.error("unexpected text after the end of the JSON value");
        }
        return v;
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH + " levels");
        }
        skipSpace();
        if (pos >= s.length()) {
            throw error("unexpected end of JSON");
        }
        char c = s.charAt(pos);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) yield number();
                throw error("unexpected character '" + c + "'");
            }
        };
    }

    private Map<String, Object> object(int depth) {
        Map<String, Object> map = new LinkedHashMap<>();
        pos++;   // '{'
        skipSpace();
        if (peek() == '}') {
            pos++;
            return map;
        }
        while (true) {
            skipSpace();
            if (pos >= s.length()) throw error("unexpected end of JSON, expected a quoted key");
            if (peek() != '"') throw error("expected a quoted key");
            int keyAt = pos;
            String key = string();
            skipSpace();
            expect(':');
            Object v = value(depth + 1);
            if (map.containsKey(key)) {
                pos = keyAt;
                throw error("duplicate key \"" + key + "\"");
            }
            map.put(key, v);
            skipSpace();
            char c = next("',' or '}'");
            if (c == '}') return map;
            if (c != ',') throw error("expected ',' or '}' but found '" + c + "'", pos - 1);
        }
    }

    private List<Object> array(int depth) {
        List<Object> list = new ArrayList<>();
        pos++;   // '['
        skipSpace();
        if (peek() == ']') {
            pos++;
            return list;
        }
        while (true) {
            list.add(value(depth + 1));
            skipSpace();
            char c = next("',' or ']'");
            if (c == ']') return list;
            if (c != ',') throw error("expected ',' or ']' but found '" + c + "'", pos - 1);
        }
    }

    private String string() {
        pos++;   // opening quote
        StringBuilder b = new StringBuilder();
        while (true) {
            char c = next("closing '\"'");
            if (c == '"') return b.toString();
            if (c < 0x20) throw error("control character in a string", pos - 1);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = next("escape");
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (pos + 4 > s.length()) throw error("unexpected end of JSON in \\u escape");
                    try {
                        b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                    } catch (NumberFormatException x) {
                        throw error("bad \\u escape");
                    }
                    pos += 4;
                }
                default -> throw error("bad escape '\\" + e + "'", pos - 1);
            }
        }
    }

    private Object number() {
        int start = pos;
        if (peek() == '-') pos++;
        boolean integer = true;
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c >= '0' && c <= '9') {
                pos++;
            } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                integer = false;
                pos++;
            } else {
                break;
            }
        }
        String text = s.substring(start, pos);
        try {
            if (integer) return Long.parseLong(text);
            return Double.parseDouble(text);
        } catch (NumberFormatException x) {
            throw error(integer && text.length() > 1 ? "number " + text + " is out of range" : "bad number '" + text + "'", start);
        }
    }

    private Object literal(String word, Object v) {
        if (!s.startsWith(word, pos)) throw error("unexpected character '" + s.charAt(pos) + "'");
        pos += word.length();
        return v;
    }

    private void skipSpace() {
        while (pos < s.length() && " \t\r\n".indexOf(s.charAt(pos)) >= 0) pos++;
    }

    private char peek() {
        return pos < s.length() ? s.charAt(pos) : '\0';
    }

    private char next(String expected) {
        if (pos >= s.length()) throw error("unexpected end of JSON, expected " + expected);
        return s.charAt(pos++);
    }

    private void expect(char c) {
        char got = next("'" + c + "'");
        if (got != c) throw error("expected '" + c + "' but found '" + got + "'", pos - 1);
    }

    private IllegalArgumentException error(String what) {
        return error(what, pos);
    }

    private IllegalArgumentException error(String what, int at) {
        return new IllegalArgumentException(what + " at character " + at);
    }

    /** {@code text} as a JSON string literal. */
    static String quote(String text) {
        StringBuilder b = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }
}
