package org.routerlab.api.engine;

import java.util.Locale;
import java.util.Map;

/**
 * Typed reads of the router configuration (string keys and values) for plug-ins, with the error messages the
 * command line shows: {@code key=value} and what was expected. A missing or blank value gives the default.
 */
public final class ConfigValues {
    private ConfigValues() {
    }

    public static int intValue(final Map<String, String> config, final String key, final int def, final int min,
            final int max) {
        return (int) longValue(config, key, def, min, max);
    }

    /** @throws IllegalArgumentException {@code key=value is not a whole number} or {@code must be in min..max} */
    public static long longValue(final Map<String, String> config, final String key, final long def, final long min,
            final long max) {
        final String v = config.get(key);
        if (v == null || v.isBlank()) {
            return def;
        }
        final long value;
        try {
            value = Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "=" + v + " is not a whole number");
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + "=" + v + " must be in " + min + ".." + max);
        }
        return value;
    }

    /** A share in 0..1; @throws IllegalArgumentException {@code key=value must be a fraction in 0..1} */
    public static double fraction(final Map<String, String> config, final String key, final double def) {
        final double d = doubleValue(config, key, def, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
        if (!(d >= 0 && d <= 1)) {
            throw new IllegalArgumentException(key + "=" + config.get(key) + " must be a fraction in 0..1");
        }
        return d;
    }

    public static double doubleValue(final Map<String, String> config, final String key, final double def,
            final double min, final double max) {
        final String v = config.get(key);
        if (v == null || v.isBlank()) {
            return def;
        }
        final double d;
        try {
            d = Double.parseDouble(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "=" + v + " is not a number");
        }
        if (!(d >= min && d <= max)) {
            throw new IllegalArgumentException(key + "=" + v + " must be in " + min + ".." + max);
        }
        return d;
    }

    public static boolean booleanValue(final Map<String, String> config, final String key, final boolean def) {
        final String v = config.get(key);
        if (v == null || v.isBlank()) {
            return def;
        }
        return switch (v.strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException(key + "=" + v + " must be true or false");
        };
    }
}
