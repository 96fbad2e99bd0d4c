package org.routerlab.launcher;

/**
 * The contract between the launcher and the command driver inside the framework (bundle router-shell, class
 * {@code org.routerlab.shell.internal.CliRequest}; keep the names in step). The command and its options travel as
 * framework properties; the exit code and standard output as services the launcher registers from the system
 * bundle.
 */
public final class CliProperties {
    /**
     * {@code run}, {@code plugins}, {@code lookup}, {@code routes-stats}, {@code bench}, {@code replay} or
     * {@code diff}; absent for {@code shell}, where the driver
     * stays inactive.
     */
    public static final String COMMAND = "routerlab.cli.command";
    /** Run time limit in seconds (decimal); absent for none. */
    public static final String DURATION = "routerlab.cli.duration";
    /** Packets the traffic source offers before the run ends; absent for no limit. */
    public static final String PACKETS = "routerlab.cli.packets";
    /** {@code true}: the summary is one JSON object on stdout, status lines go to stderr. */
    public static final String JSON = "routerlab.cli.json";
    /** Configuration overrides for this run: {@code KEY=VALUE} lines separated by {@code '\n'}. */
    public static final String SET = "routerlab.cli.set";
    /** {@code true}: {@code lookup} prints its rate on stderr when done. */
    public static final String TIMING = "routerlab.cli.timing";
    /** Prefix of the {@code bench} options: strategies, sizes, profiles (comma lists), report (an HTML file), nic. */
    public static final String BENCH_PREFIX = "routerlab.cli.bench.";
    /**
     * Prefix of the {@code replay} and {@code diff} options: dir, dir2, report, pcap, pcap.dropped, csv, whatif
     * ({@code KEY=VALUE} lines separated by {@code '\n'}), whatif.trace.
     */
    public static final String REPLAY_PREFIX = "routerlab.cli.replay.";
    /** Service property ({@code true}) of the {@code java.util.function.IntConsumer} that receives the exit code. */
    public static final String EXIT = "routerlab.cli.exit";
    /** Service property ({@code true}) of the {@code java.io.PrintStream} that is the command's standard output. */
    public static final String STDOUT = "routerlab.cli.stdout";
    /** The distribution home; the engine resolves relative route files against it. */
    public static final String HOME = "routerlab.home";

    private CliProperties() {
    }
}
