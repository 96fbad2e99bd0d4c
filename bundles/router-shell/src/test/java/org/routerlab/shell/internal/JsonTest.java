package org.routerlab.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void shouldWriteScalars() {
        assertEquals("null", Json.write(null));
        assertEquals("true", Json.write(true));
        assertEquals("42", Json.write(42));
        assertEquals("-7", Json.write(-7L));
        assertEquals("1.5", Json.write(1.5));
        assertEquals("\"x\"", Json.write("x"));
    }

    @Test
    void shouldWriteNonFiniteDoublesAsNull() {
        assertEquals("[null,null,null]", Json.write(List.of(Double.NaN, Double.POSITIVE_INFINITY, Float.NaN)));
    }

    @Test
    void shouldEscapeStrings() {
        assertEquals("\"a\\\"b\\\\c\\nd\\te\\r\\u0001\\u2028\"", Json.write("a\"b\\c\nd\te\r\u0001\u2028"));
        assertEquals("\"héllo → ✓\"", Json.write("héllo → ✓"));
    }

    @Test
    void shouldWriteMapsInIterationOrderAndNestedValues() {
        final Map<String, Object> map = new LinkedHashMap<>();
        map.put("z", 1);
        map.put("a", List.of("x", Map.of("k", false)));
        map.put("n", null);
        map.put("e", List.of());
        map.put("o", Map.of());
        assertEquals("{\"z\":1,\"a\":[\"x\",{\"k\":false}],\"n\":null,\"e\":[],\"o\":{}}", Json.write(map));
    }

    @Test
    void shouldWriteOtherValuesAsStrings() {
        assertEquals("[\"SECONDS\",\"p/0\"]", Json.write(Arrays.asList(java.util.concurrent.TimeUnit.SECONDS,
                java.nio.file.Path.of("p/0"))));
    }

    @Test
    void shouldWriteMapKeysAsStrings() {
        assertEquals("{\"1\":2}", Json.write(Map.of(1, 2)));
    }
}
