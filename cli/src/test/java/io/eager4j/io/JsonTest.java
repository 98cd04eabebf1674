package io.eager4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
        assertEquals("unexpected character 'x' at character 5",
                assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":x}")).getMessage());
        assertEquals("control character in a string at character 2",
                assertThrows(IllegalArgumentException.class, () -> Json.parse("\"a\nb\"")).getMessage());
        assertEquals("expected ',' or ']' but found '}' at character 2",
                assertThrows(IllegalArgumentException.class, () -> Json.parse("[1}")).getMessage());
        assertEquals("bad number '-' at character 0",
                assertThrows(IllegalArgumentException.class, () -> Json.parse("-")).getMessage());
    }

    @Test
    void deepNestingIsRefusedNotAStackOverflow() {
        char[] open = new char[100_000];
        Arrays.fill(open, '[');
        var e = assertThrows(IllegalArgumentException.class, () -> Json.parse(new String(open)));
        assertEquals("nested deeper than 64 levels at character 65", e.getMessage());
    }
}
