package org.routerlab.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes each feature configuration as {@code etc/<pid>.cfg} (FileInstall's format, that of
 * {@link java.util.Properties}) when the file is missing, so the features stay the single source of the defaults and
 * etc/ stays the user's. An existing file is never touched. Files are written under a temporary name and moved, so
 * FileInstall never reads half a file.
 */
public final class ConfigSeeder {
    private ConfigSeeder() {
    }

    /**
     * Seeds {@code etc} (created if needed) from {@code features}.
     *
     * @return the files written
     */
    public static List<Path> seed(final FeatureSet features, final Path etc) throws IOException {
        Files.createDirectories(etc);
        final List<Path> written = new ArrayList<>();
        for (final FeatureSet.Config config : features.configurations()) {
            final Path file = etc.resolve(config.fileName());
            if (Files.exists(file)) {
                continue;
            }
            // A unique hidden name that FileInstall's filter ignores; two launchers seeding at once both succeed.
            final Path tmp = Files.createTempFile(etc, "." + config.fileName(), ".tmp");
            try {
                Files.writeString(tmp, render(config), StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            written.add(file);
        }
        return written;
    }

    /** The {@code .cfg} text of {@code config}: a header comment, then {@code key=value} lines in feature order. */
    static String render(final FeatureSet.Config config) {
        final StringBuilder out = new StringBuilder(512);
        out.append("# ").append(config.pid()).append(": the defaults of feature '").append(config.feature())
                .append("' (features/").append(config.feature()).append(".json), written because this file was missing.\n");
        out.append("# Edit freely: FileInstall hands changes to the running router. Delete the file to get the defaults back.\n");
        for (final Map.Entry<String, Object> entry : config.values().entrySet()) {
            out.append(escape(entry.getKey(), true)).append('=').append(escape(text(entry.getValue()), false))
                    .append('\n');
        }
        return out.toString();
    }

    private static String text(final Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Collection<?> list) {
            return list.stream().map(String::valueOf).collect(Collectors.joining(","));
        }
        if (value instanceof Object[] array) {
            return java.util.Arrays.stream(array).map(String::valueOf).collect(Collectors.joining(","));
        }
        return value.toString();
    }

    /** Escapes as {@link java.util.Properties#load} expects; in values only what load would misread. */
    static String escape(final String text, final boolean key) {
        final StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\f' -> out.append("\\f");
                case '=', ':' -> out.append(key ? "\\" + c : String.valueOf(c));
                case ' ' -> out.append(key || i == 0 ? "\\ " : " ");
                case '#', '!' -> out.append(i == 0 ? "\\" + c : String.valueOf(c));
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
