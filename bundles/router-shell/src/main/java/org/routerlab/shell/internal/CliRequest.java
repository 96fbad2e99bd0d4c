package org.routerlab.shell.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.routerlab.api.engine.ConfigKeys;
import org.routerlab.api.engine.RunLimits;

/**
 * The command the outer launcher asked for, read from framework properties (the launcher, module
 * router-distribution, class {@code org.routerlab.launcher.CliProperties}, writes them; keep the names in step):
 * <pre>
 * routerlab.cli.command   run | plugins | lookup | routes-stats
 * routerlab.cli.duration  seconds (decimal), absent or 0 for no time limit
 * routerlab.cli.packets   packets the traffic source offers before the run ends, absent or 0 for no limit
 * routerlab.cli.json      true for one JSON object on stdout (status lines then go to stderr)
 * routerlab.cli.set       configuration overrides for this run, KEY=VALUE lines separated by '\n'
 * routerlab.cli.timing    true for a timing line on stderr after a lookup
 * routerlab.cli.bench.*   bench options: strategies, sizes, profiles (comma lists), report (an HTML file)
 * routerlab.cli.replay.*  replay and diff options: dir, dir2, report, pcap, pcap.dropped, csv, whatif (KEY=VALUE
 *                         lines), whatif.trace
 * </pre>
 *
 * @param command run, plugins, lookup or routes-stats
 * @param limits when the run ends
 * @param json whether to print JSON
 * @param overrides configuration overrides in the order given; {@code traffic.packets} is added from the packet
 *        limit when absent
 * @param timing whether {@code lookup} reports its rate on stderr
 * @param bench the {@code bench} options by name (strategies, sizes, profiles, report), empty otherwise
 */
record CliRequest(String command, RunLimits limits, boolean json, Map<String, String> overrides, boolean timing,
        Map<String, String> bench) {
    static final String RUN = "run";
    static final String PLUGINS = "plugins";
    static final String LOOKUP = "lookup";
    static final String ROUTES_STATS = "routes-stats";
    static final String BENCH = "bench";
    static final String REPLAY = "replay";
    static final String DIFF = "diff";
    static final Set<String> COMMANDS = Set.of(RUN, PLUGINS, LOOKUP, ROUTES_STATS, BENCH, REPLAY, DIFF);
    static final String BENCH_PREFIX = "routerlab.cli.bench.";
    static final Set<String> BENCH_OPTIONS = Set.of("strategies", "sizes", "profiles", "report", "nic");
    /** Options of {@code replay} and {@code diff}, read into the same option map as bench's. */
    static final String REPLAY_PREFIX = "routerlab.cli.replay.";
    static final Set<String> REPLAY_OPTIONS = Set.of("dir", "dir2", "report", "pcap", "pcap.dropped", "csv", "whatif",
            "whatif.trace");

    static final String COMMAND = "routerlab.cli.command";
    static final String DURATION = "routerlab.cli.duration";
    static final String PACKETS = "routerlab.cli.packets";
    static final String JSON = "routerlab.cli.json";
    static final String SET = "routerlab.cli.set";
    static final String TIMING = "routerlab.cli.timing";
    /** Service property of the {@code IntConsumer} the launcher registers to receive the exit code. */
    static final String EXIT = "routerlab.cli.exit";
    /** Service property of the {@code PrintStream} the launcher registers as the command's standard output. */
    static final String STDOUT = "routerlab.cli.stdout";

    CliRequest {
        overrides = Map.copyOf(overrides);
        bench = Map.copyOf(bench);
    }

    CliRequest(final String command, final RunLimits limits, final boolean json, final Map<String, String> overrides,
            final boolean timing) {
        this(command, limits, json, overrides, timing, Map.of());
    }

    CliRequest(final String command, final RunLimits limits, final boolean json, final Map<String, String> overrides) {
        this(command, limits, json, overrides, false);
    }

    /**
     * Reads the request from {@code properties} (framework properties).
     *
     * @throws IllegalArgumentException naming the property and value that are wrong
     */
    static CliRequest from(final Function<String, String> properties) {
        final String command = properties.apply(COMMAND);
        if (command == null || !COMMANDS.contains(command)) {
            throw new IllegalArgumentException(COMMAND + "=" + command + " (expected run, plugins, lookup, "
                    + "routes-stats, bench, replay or diff)");
        }
        final long durationNanos = durationNanos(properties.apply(DURATION));
        final long packets = count(PACKETS, properties.apply(PACKETS));
        final boolean json = Boolean.parseBoolean(properties.apply(JSON));
        final Map<String, String> overrides = overrides(properties.apply(SET));
        if (packets > 0) {
            overrides.putIfAbsent(ConfigKeys.TRAFFIC_PACKETS, Long.toString(packets));
        }
        final boolean timing = Boolean.parseBoolean(properties.apply(TIMING));
        final Map<String, String> bench = new LinkedHashMap<>();
        for (final String option : BENCH_OPTIONS) {
            final String value = properties.apply(BENCH_PREFIX + option);
            if (value != null) {
                bench.put(option, value);
            }
        }
        for (final String option : REPLAY_OPTIONS) {
            final String value = properties.apply(REPLAY_PREFIX + option);
            if (value != null) {
                bench.put(option, value);
            }
        }
        return new CliRequest(command, new RunLimits(durationNanos, packets), json, overrides, timing, bench);
    }

    private static long durationNanos(final String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        final double seconds;
        try {
            seconds = Double.parseDouble(value.trim());
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException(DURATION + "=" + value + " (expected seconds)", e);
        }
        if (!(seconds >= 0) || seconds * 1e9 >= Long.MAX_VALUE) {
            throw new IllegalArgumentException(DURATION + "=" + value + " (expected seconds >= 0)");
        }
        return Math.round(seconds * 1e9);
    }

    private static long count(final String name, final String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            final long n = Long.parseLong(value.trim());
            if (n < 0) {
                throw new IllegalArgumentException(name + "=" + value + " (expected a count >= 0)");
            }
            return n;
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException(name + "=" + value + " (expected a count >= 0)", e);
        }
    }

    /** Decodes {@code KEY=VALUE} lines; blank lines are skipped, a later key replaces an earlier one. */
    static Map<String, String> overrides(final String encoded) {
        final Map<String, String> overrides = new LinkedHashMap<>();
        if (encoded == null) {
            return overrides;
        }
        for (final String line : encoded.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            final int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(SET + " line '" + line + "' (expected KEY=VALUE)");
            }
            overrides.put(line.substring(0, eq).trim(), line.substring(eq + 1));
        }
        return overrides;
    }
}
