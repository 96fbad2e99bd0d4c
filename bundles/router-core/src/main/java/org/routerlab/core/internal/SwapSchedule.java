package org.routerlab.core.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * A scenario of hot swaps for reproducible experiments ({@code --schedule FILE}): one {@code AT_SECONDS KEY=VALUE} per
 * line, e.g. {@code 2.0 dma=premapped-reuse}, {@code 4.0 routing=dir-24-8}, {@code 6.0 routes=other.txt}; blank lines
 * and {@code #} comments are ignored. Times are seconds after forwarding starts.
 */
record SwapSchedule(Path file, List<Entry> entries) {
    /** The keys a schedule may swap. */
    static final Set<String> KEYS = Set.of("dma", "routing", "routes", "profile");

    record Entry(long atNanos, String key, String value, int line) {
    }

    static SwapSchedule empty() {
        return new SwapSchedule(null, List.of());
    }

    /**
     * @throws IllegalArgumentException naming the file, the line and the cause, when the file is unreadable or a line
     *         is malformed (nothing is scheduled then)
     */
    static SwapSchedule parse(final Path file) {
        final List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("schedule " + file + ": cannot read (" + e.getMessage() + ")");
        }
        final List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            final int number = i + 1;
            String text = lines.get(i);
            final int hash = text.indexOf('#');
            if (hash >= 0) {
                text = text.substring(0, hash);
            }
            text = text.strip();
            if (text.isEmpty()) {
                continue;
            }
            final String[] parts = text.split("\\s+");
            if (parts.length != 2) {
                throw error(file, number, "expected 'AT_SECONDS KEY=VALUE', got '" + text + "'");
            }
            final double seconds;
            try {
                seconds = Double.parseDouble(parts[0]);
            } catch (NumberFormatException e) {
                throw error(file, number, "'" + parts[0] + "' is not a time in seconds");
            }
            if (!(seconds >= 0) || seconds > 1e6) {
                throw error(file, number, "time " + parts[0] + " must be between 0 and 1e6 seconds");
            }
            final int eq = parts[1].indexOf('=');
            if (eq <= 0 || eq == parts[1].length() - 1) {
                throw error(file, number, "expected KEY=VALUE, got '" + parts[1] + "'");
            }
            final String key = parts[1].substring(0, eq);
            if (!KEYS.contains(key)) {
                throw error(file, number, "'" + key + "' cannot be swapped (swappable: "
                        + KEYS.stream().sorted().toList() + ")");
            }
            entries.add(new Entry(Math.round(seconds * 1e9), key, parts[1].substring(eq + 1), number));
        }
        entries.sort(Comparator.comparingLong(Entry::atNanos).thenComparingInt(Entry::line));
        return new SwapSchedule(file, List.copyOf(entries));
    }

    private static IllegalArgumentException error(final Path file, final int line, final String cause) {
        return new IllegalArgumentException("schedule " + file + ":" + line + ": " + cause);
    }
}
