package org.routerlab.shell.internal;

import java.util.Collection;
import java.util.Map;

/**
 * A minimal JSON writer for the command-line summaries: maps (in their iteration order), collections, strings,
 * numbers, booleans and null, written compactly on one line. Non-finite doubles are written as null, since JSON has
 * no NaN or Infinity; any other value type is written as its string.
 *
 * <p>Hand-written rather than embedded (Jakarta JSON, Jackson) so that router-shell imports nothing but the router
 * API and the framework: the output is small, write-only and fully covered by {@code JsonTest}.
 */
final class Json {
    private Json() {
    }

    /** {@code value} as one line of JSON. */
    static String write(final Object value) {
        final StringBuilder out = new StringBuilder(256);
        value(out, value);
        return out.toString();
    }

    private static void value(final StringBuilder out, final Object value) {
        switch (value) {
            case null -> out.append("null");
            case CharSequence text -> string(out, text);
            case Boolean bool -> out.append(bool.booleanValue());
            case Double d -> number(out, d);
            case Float f -> number(out, f.doubleValue());
            case Number number -> out.append(number);
            case Map<?, ?> map -> object(out, map);
            case Collection<?> list -> array(out, list);
            case Object other -> string(out, String.valueOf(other));
        }
    }

    private static void number(final StringBuilder out, final double d) {
        if (Double.isFinite(d)) {
            out.append(d);
        } else {
            out.append("null");
        }
    }

    private static void object(final StringBuilder out, final Map<?, ?> map) {
        out.append('{');
        boolean first = true;
        for (final Map.Entry<?, ?> entry : map.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            string(out, String.valueOf(entry.getKey()));
            out.append(':');
            value(out, entry.getValue());
        }
        out.append('}');
    }

    private static void array(final StringBuilder out, final Collection<?> list) {
        out.append('[');
        boolean first = true;
        for (final Object element : list) {
            if (!first) {
                out.append(',');
            }
            first = false;
            value(out, element);
        }
        out.append(']');
    }

    private static void string(final StringBuilder out, final CharSequence text) {
        out.append('"');
        for (int i = 0, n = text.length(); i < n; i++) {
            final char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
