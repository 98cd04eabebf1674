package io.eager4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void parsesEveryKindOfValue() {
        Object v = Json.parse(" {\"a\": [1, -2, 3.5, 1e3], \"b\": {\"c\": null, \"d\": true, \"e\": false},"
                + " \"s\": \"q\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\"} ");
        assertEquals(Map.of("a", List.of(1L, -2L, 3.5, 1000.0),
                "b", mapWithNull(), "s", "q\"\\/\b\f\n\r\tA"), v);
    }

    private static Map<String, Object> mapWithNull() {
        var m = new java.util.LinkedHashMap<String, Object>();
        m.put("c", null);
        m.put("d", true);
        m.put("e", false);
        return m;
    }

    @Test
    void quoteRoundTrips() {
        String s = "a\"b\\c\nd\u0001é";
        assertEquals(s, Json.parse(Json.quote(s)));
    }

    @Test
    void refusesBadInputWithItsPosition() {
        // jackson's words, with the byte where it stopped
        String[][] cases = {{"{\"a\":x}", "Unrecognized token 'x'", "5"}, {"\"a\nb\"", "Illegal unquoted character", "2"},
                {"[1}", "Unexpected close marker '}'", "2"}, {"{\"a\":1}{}", "unexpected text after the end of the JSON value", "7"},
                {"{\"a\":1,\"a\":2}", "Duplicate Object property \"a\"", "10"}};
        for (String[] c : cases) {
            String m = assertThrows(IllegalArgumentException.class, () -> Json.parse(c[0])).getMessage();
            assertTrue(m.startsWith(c[1]) && m.endsWith(" at byte " + c[2]), c[0] + ": " + m);
        }
    }

    @Test
    void deepNestingIsRefusedNotAStackOverflow() {
        char[] open = new char[100_000];
        Arrays.fill(open, '[');
        var e = assertThrows(IllegalArgumentException.class, () -> Json.parse(new String(open)));
        assertEquals("Document nesting depth (65) exceeds the maximum allowed (64, from `StreamReadConstraints.getMaxNestingDepth()`)", e.getMessage());
    }
}
