package org.routerlab.launcher;

import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.routerlab.api.engine.ConfigKeys;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code router run|shell|plugins|lookup|routes stats}: validates the command line before anything boots, then
 * hands it to a {@link Session} (normally {@link FelixSession}). Every error is one line on stderr, prefixed
 * {@code router: }; exit code 2 for bad arguments and configuration errors, 1 for runtime failures.
 */
@Command(name = "router", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Software-router experimentation framework on OSGi (Apache Felix).",
        footer = {"", "Run 'router help COMMAND' (or 'router help routes stats') for the options of a command. Exit "
                + "codes: 0 ok, 1 runtime failure, 2 bad arguments or configuration."},
        subcommands = Main.HelpCommand.class)
public final class Main implements Callable<Integer> {
    static final String DEFAULT_FEATURE = "emulated";
    static final String SHELL_FEATURE = "shell";
    static final double DEFAULT_DURATION_SECONDS = 10;
    /** The driver's command names ({@link CliProperties#COMMAND}). */
    static final String LOOKUP = "lookup";
    static final String ROUTES_STATS = "routes-stats";

    @Spec
    CommandSpec spec;

    /** Keeps the JUL logger configured below alive (JUL holds loggers weakly). */
    private static final java.util.logging.Logger ARIES = java.util.logging.Logger.getLogger("org.apache.aries");

    public static void main(final String[] args) {
        quietLogging();
        System.exit(run(new FelixSession(), Main::defaultHome, args));
    }

    /**
     * Bundles log lifecycle events at INFO; on a command line only warnings and errors are shown, unless
     * {@code -Dorg.slf4j.simpleLogger.defaultLogLevel=info} (ROUTER_JAVA_OPTS) asks for more. SPI Fly logs
     * through java.util.logging.
     */
    static void quietLogging() {
        final String level = "org.slf4j.simpleLogger.defaultLogLevel";
        if (System.getProperty(level) == null) {
            System.setProperty(level, "warn");
            ARIES.setLevel(java.util.logging.Level.WARNING);
        }
    }

    /** Parses, validates and executes {@code args}; returns the exit code. */
    static int run(final Session session, final Supplier<Path> home, final String... args) {
        return commandLine(session, home, new PrintWriter(System.out, true), new PrintWriter(System.err, true))
                .execute(args);
    }

    static CommandLine commandLine(final Session session, final Supplier<Path> home, final PrintWriter out,
            final PrintWriter err) {
        final CommandLine cl = new CommandLine(new Main());
        cl.addSubcommand("run", new RunCommand(session, home));
        cl.addSubcommand("shell", new ShellCommand(session, home));
        cl.addSubcommand("plugins", new PluginsCommand(session, home));
        cl.addSubcommand("lookup", new LookupCommand(session, home));
        cl.addSubcommand("bench", new BenchCommand(session, home));
        cl.addSubcommand("replay", new ReplayCommand(session, home));
        cl.addSubcommand("diff", new DiffCommand(session, home));
        final CommandLine routes = new CommandLine(new RoutesCommand());
        routes.addSubcommand("stats", new StatsCommand(session, home));
        cl.addSubcommand("routes", routes);
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((e, args) -> {
            final String command = helpPath(e.getCommandLine());
            e.getCommandLine().getErr().println("router: " + FeatureSet.oneLine(e) + " (see 'router help" + command
                    + "')");
            e.getCommandLine().getErr().flush();
            return LaunchException.USAGE;
        });
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof LaunchException launch) {
                commandLine.getErr().println("router: " + launch.getMessage());
                commandLine.getErr().flush();
                return launch.exitCode();
            }
            commandLine.getErr().println("router: " + FeatureSet.oneLine(e));
            commandLine.getErr().flush();
            return LaunchException.FAILURE;
        });
        return cl;
    }

    /** {@code " routes stats"} for the command line of {@code router routes stats}, {@code ""} for the root. */
    static String helpPath(final CommandLine commandLine) {
        final StringBuilder path = new StringBuilder();
        for (CommandLine c = commandLine; c.getParent() != null; c = c.getParent()) {
            path.insert(0, " " + c.getCommandName());
        }
        return path.toString();
    }

    /** No command: the usage. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** The distribution home: {@code -Drouterlab.home}, else the folder above {@code bin/router-launcher.jar}. */
    static Path defaultHome() {
        final String property = System.getProperty(CliProperties.HOME);
        if (property != null && !property.isBlank()) {
            return Path.of(property).toAbsolutePath().normalize();
        }
        try {
            final Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            final Path bin = jar.getParent();
            return (bin == null || bin.getParent() == null ? jar : bin.getParent()).toAbsolutePath().normalize();
        } catch (final URISyntaxException | RuntimeException e) {
            return Path.of("").toAbsolutePath();
        }
    }

    /**
     * {@code router help [COMMAND [SUBCOMMAND]]}: picocli's help command, but it follows a path of subcommands
     * ({@code router help routes stats}).
     */
    @Command(name = "help", helpCommand = true, description = "Show the usage of a command: 'router help run', "
            + "'router help routes stats'.")
    static final class HelpCommand implements CommandLine.IHelpCommandInitializable2, Runnable {
        @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command (and subcommand) to show.")
        List<String> commands = new ArrayList<>();

        private CommandLine self;
        private CommandLine.Help.ColorScheme colors;
        private PrintWriter out;

        @Override
        public void init(final CommandLine helpCommandLine, final CommandLine.Help.ColorScheme colorScheme,
                final PrintWriter outWriter, final PrintWriter errWriter) {
            this.self = helpCommandLine;
            this.colors = colorScheme;
            this.out = outWriter;
        }

        @Override
        public void run() {
            CommandLine target = self.getParent();
            for (final String name : commands) {
                final CommandLine sub = target.getSubcommands().get(name);
                if (sub == null) {
                    throw new ParameterException(target, "no command '" + name + "'");
                }
                target = sub;
            }
            target.usage(out, colors);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            final String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"routerlab " + (version == null ? "(development)" : version)};
        }
    }

    // ---- shared options ------------------------------------------------------------------------------------------

    /** Options of every command that boots the router. */
    abstract static class Boot implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--config", paramLabel = "DIR",
                description = "Configuration folder watched by FileInstall (default: etc/ of the distribution). "
                        + "Missing files are written from the features' defaults.")
        Path config;

        @Option(names = "--feature", paramLabel = "NAME",
                description = "Feature to boot (features/NAME.json); repeatable. Default: emulated.")
        List<String> features = new ArrayList<>();

        private final Session session;
        private final Supplier<Path> home;

        Boot(final Session session, final Supplier<Path> home) {
            this.session = session;
            this.home = home;
        }

        ParameterException usage(final String message) {
            return new ParameterException(spec.commandLine(), message);
        }

        Path home() {
            return home.get();
        }

        /** Validates the shared options, builds the invocation and executes it. */
        int execute(final String command, final List<String> featureNames, final Map<String, String> properties,
                final boolean json) throws LaunchException {
            final Path root = home();
            FeatureSet.checkNames(root.resolve("features"), featureNames);
            final Path etc = config == null ? root.resolve("etc") : config.toAbsolutePath().normalize();
            if (Files.exists(etc) && !Files.isDirectory(etc)) {
                throw usage("--config " + config + ": not a directory");
            }
            return session.execute(new Invocation(command, root, featureNames, etc, properties, json));
        }

        List<String> featuresOr(final String... defaults) {
            return features.isEmpty() ? List.of(defaults) : List.copyOf(features);
        }
    }

    /** {@code --set KEY=VALUE}, repeatable: configuration overrides for one run. */
    abstract static class Configurable extends Boot {
        @Option(names = "--set", paramLabel = "KEY=VALUE",
                description = "Override a configuration key (etc/routerlab.router.cfg) for this run only; "
                        + "repeatable. Keys as in that file; plug-ins read keys under nic., dma., "
                        + "routing., trace. and traffic.")
        List<String> sets = new ArrayList<>();

        Configurable(final Session session, final Supplier<Path> home) {
            super(session, home);
        }

        /** The {@code --set} options as an ordered map (a later key replaces an earlier one), validated. */
        Map<String, String> overrides() {
            final Map<String, String> overrides = new LinkedHashMap<>();
            for (final String set : sets) {
                final int eq = set.indexOf('=');
                if (eq <= 0) {
                    throw usage("--set expects KEY=VALUE, got '" + set + "'");
                }
                final String key = set.substring(0, eq).trim();
                final String value = set.substring(eq + 1);
                if (!ConfigKeys.isValid(key)) {
                    throw usage("--set " + key + ": unknown configuration key (known: " + String.join(", ",
                            new TreeSet<>(ConfigKeys.KNOWN)) + "; plug-in keys start with " + String.join(", ",
                            new TreeSet<>(ConfigKeys.PLUGIN_PREFIXES)) + ")");
                }
                if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
                    throw usage("--set " + key + ": the value must be one line");
                }
                overrides.put(key, value);
            }
            resolveRoutes(overrides);
            return overrides;
        }

        /**
         * A relative {@code routes} file given on the command line is looked up in the current folder first: when
         * it is there, it becomes absolute; otherwise it stays relative to the router home (routes/...).
         */
        private static void resolveRoutes(final Map<String, String> overrides) {
            final String routes = overrides.get(ConfigKeys.ROUTES);
            if (routes != null && !routes.isBlank()) {
                overrides.put(ConfigKeys.ROUTES, absoluteIfHere(routes));
            }
        }

        /** A relative path that exists in the current folder, made absolute; anything else as it is. */
        static String absoluteIfHere(final String file) {
            final Path path = Path.of(file);
            return !path.isAbsolute() && Files.exists(path) ? path.toAbsolutePath().normalize().toString() : file;
        }

        /** Adds an option's override; conflicting with a different {@code --set} of the same key is an error. */
        void putOption(final Map<String, String> overrides, final String option, final String key,
                final String value) {
            final String set = overrides.get(key);
            if (set != null && !set.equals(value)) {
                throw usage(option + " " + value + " conflicts with --set " + key + "=" + set);
            }
            overrides.put(key, value);
        }

        static String encode(final Map<String, String> overrides) {
            final StringBuilder out = new StringBuilder();
            overrides.forEach((k, v) -> out.append(k).append('=').append(v).append('\n'));
            return out.toString();
        }
    }

    // ---- run -------------------------------------------------------------------------------------------------------

    @Command(name = "run", description = {
        "Boot the router, forward for a while, print a status line per second and a summary.",
        "With both --duration and --packets, whichever limit is reached first ends the run; with --packets alone "
                + "there is no time limit; with neither, the run lasts 10 s."},
            mixinStandardHelpOptions = true)
    static final class RunCommand extends Configurable {
        @Option(names = "--duration", paramLabel = "SECONDS", description = "Forward for this long (default 10).")
        Double duration;

        @Option(names = "--packets", paramLabel = "N",
                description = "End once the traffic source has offered N packets and they are handled.")
        Long packets;

        @Option(names = "--seed", paramLabel = "N", description = "Seed of every random choice (= --set seed=N).")
        Long seed;

        @Option(names = "--trace", paramLabel = "DIR",
                description = "Write a trace to DIR (= --set trace.dir=<absolute DIR>).")
        Path trace;

        @Option(names = "--trace-level", paramLabel = "LEVEL",
                description = "off, summary, burst (default) or packet (= --set trace.level=LEVEL).")
        String traceLevel;

        @Option(names = "--json", description = "Print the summary as one JSON object on stdout; status lines go "
                + "to stderr.")
        boolean json;

        @Option(names = "--schedule", paramLabel = "FILE",
                description = "Hot-swap scenario: one 'AT_SECONDS KEY=VALUE' per line, KEY one of dma, routing, "
                        + "routes, profile (e.g. '2.0 dma=premapped-reuse'); = --set schedule=FILE.")
        Path schedule;

        RunCommand(final Session session, final Supplier<Path> home) {
            super(session, home);
        }

        @Override
        public Integer call() throws LaunchException {
            if (duration != null && !(duration > 0 && duration * 1e9 < Long.MAX_VALUE)) {
                throw usage("--duration must be a positive number of seconds, got " + plain(duration));
            }
            if (packets != null && packets <= 0) {
                throw usage("--packets must be a positive count, got " + packets);
            }
            if (seed != null && seed < 0) {
                throw usage("--seed must be a non-negative integer, got " + seed);
            }
            if (trace != null && Files.exists(trace) && !Files.isDirectory(trace)) {
                throw usage("--trace " + trace + ": not a directory");
            }
            if (schedule != null && !Files.isRegularFile(schedule)) {
                throw usage("--schedule " + schedule + ": no such file");
            }
            final Map<String, String> overrides = overrides();
            if (schedule != null) {
                putOption(overrides, "--schedule", ConfigKeys.SCHEDULE,
                        schedule.toAbsolutePath().normalize().toString());
            }
            if (seed != null) {
                putOption(overrides, "--seed", ConfigKeys.SEED, Long.toString(seed));
            }
            if (trace != null) {
                putOption(overrides, "--trace", ConfigKeys.TRACE_DIR, trace.toAbsolutePath().normalize().toString());
            }
            if (traceLevel != null) {
                if (!List.of("off", "summary", "burst", "packet").contains(traceLevel)) {
                    throw usage("--trace-level must be off, summary, burst or packet, got " + traceLevel);
                }
                putOption(overrides, "--trace-level", ConfigKeys.TRACE_LEVEL, traceLevel);
            }
            if (packets != null) {
                putOption(overrides, "--packets", ConfigKeys.TRAFFIC_PACKETS, Long.toString(packets));
            }
            final String traceDir = overrides.get(ConfigKeys.TRACE_DIR);
            if (traceDir != null && !traceDir.isBlank() && !Path.of(traceDir).isAbsolute()) {
                overrides.put(ConfigKeys.TRACE_DIR, Path.of(traceDir).toAbsolutePath().normalize().toString());
            }
            final double seconds = duration != null ? duration : packets != null ? 0 : DEFAULT_DURATION_SECONDS;
            final Map<String, String> properties = new LinkedHashMap<>();
            properties.put(CliProperties.COMMAND, "run");
            if (seconds > 0) {
                properties.put(CliProperties.DURATION, plain(seconds));
            }
            if (packets != null) {
                properties.put(CliProperties.PACKETS, Long.toString(packets));
            }
            properties.put(CliProperties.JSON, Boolean.toString(json));
            properties.put(CliProperties.SET, encode(overrides));
            return execute("run", featuresOr(DEFAULT_FEATURE), properties, json);
        }
    }

    static String plain(final double value) {
        if (!Double.isFinite(value)) {
            return Double.toString(value);
        }
        return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    // ---- shell -----------------------------------------------------------------------------------------------------

    @Command(name = "shell", description = {
        "Boot the router with the Gogo shell: router:status, router:counters, router:plugins, router:start [SECONDS], "
                + "router:stop; 'lb' lists bundles; Ctrl-D or 'exit 0' leaves.",
        "The route table of the running router: router:route add ROUTE (e.g. 10.9.0.0/16 via 10.0.0.2), "
                + "router:route del PREFIX, router:route show [PREFIX], router:route lookup ADDRESS, router:route load "
                + "FILE (lines 'add ROUTE' / 'withdraw PREFIX'), router:route replace FILE (a route file); changes "
                + "are published live, with their build and publish times.",
        "--set overrides apply to router:start."}, mixinStandardHelpOptions = true)
    static final class ShellCommand extends Configurable {
        ShellCommand(final Session session, final Supplier<Path> home) {
            super(session, home);
        }

        @Override
        public Integer call() throws LaunchException {
            final Map<String, String> properties = new LinkedHashMap<>();
            properties.put(CliProperties.SET, encode(overrides()));
            properties.put("gosh.args", "");
            final List<String> names = new ArrayList<>(featuresOr(DEFAULT_FEATURE));
            if (!names.contains(SHELL_FEATURE)) {
                names.add(SHELL_FEATURE);
            }
            return execute("shell", names, properties, false);
        }
    }

    // ---- lookup, routes stats --------------------------------------------------------------------------------------

    /** A command that builds a route table from a route file: {@code --routes FILE}, checked before booting. */
    abstract static class TableCommand extends Configurable {
        @Option(names = "--routes", paramLabel = "FILE",
                description = "Route file (= --set routes=FILE): ip route show format or one CIDR per line, .gz "
                        + "allowed; relative to the current folder, then the router home. Default: the configured "
                        + "one (routes/default.routes).")
        String routes;

        TableCommand(final Session session, final Supplier<Path> home) {
            super(session, home);
        }

        /** The {@code --set} overrides with {@code --routes}; a route file given must exist. */
        Map<String, String> tableOverrides() {
            if (routes != null && routes.isBlank()) {
                throw usage("--routes needs a file name");
            }
            final Map<String, String> overrides = overrides();
            if (routes != null) {
                putOption(overrides, "--routes", ConfigKeys.ROUTES, absoluteIfHere(routes));
            }
            final String file = overrides.get(ConfigKeys.ROUTES);
            if (file != null) {
                final String option = routes != null ? "--routes " + routes : "--set routes=" + file;
                if (file.isBlank()) {
                    throw usage(option + ": no route file");
                }
                final Path path = Path.of(file);
                final Path resolved = path.isAbsolute() ? path : home().resolve(path);
                if (Files.isDirectory(resolved)) {
                    throw usage(option + ": is a directory");
                }
                if (!Files.isRegularFile(resolved)) {
                    throw usage(option + ": no such file" + (path.isAbsolute() ? ""
                            : " (neither in the current folder nor in " + home() + ")"));
                }
            }
            return overrides;
        }
    }

    @Command(name = "lookup", description = {
        "Read IPv4 addresses from standard input, one per line, look each up in the route table built from a route "
                + "file, and print 'ADDRESS NEXTHOP' per address, in order.",
        "NEXTHOP is the gateway address, the interface of a connected route (dev IF), 'blackhole' for a blackhole "
                + "route, and 'unreachable' for an unreachable (or prohibit) route and for an address that no route "
                + "matches.",
        "The table is the route file alone: no connected routes of ports are added (a run adds them), and bare "
                + "prefixes (one CIDR per line) are spread by a hash of the prefix over the 16 gateways 10.255.0.1 .. "
                + "10.255.0.16. --set routing=NAME picks the routing algorithm.",
        "Blanks around an address are ignored and blank lines skipped. The first line that is not an address ends "
                + "the command with 'router: stdin:LINE: not an IPv4 address: TEXT' on stderr and exit code 2, "
                + "after the lines before it have been printed."}, mixinStandardHelpOptions = true)
    static final class LookupCommand extends TableCommand {
        @Option(names = "--timing", description = "When done, print the number of addresses, the time and the rate "
                + "(addresses/s, and of lookupBulk alone) on stderr.")
        boolean timing;

        LookupCommand(final Session session, final Supplier<Path> home) {
            super(session, home);
        }

        @Override
        public Integer call() throws LaunchException {
            final Map<String, String> properties = new LinkedHashMap<>();
            properties.put(CliProperties.COMMAND, LOOKUP);
            properties.put(CliProperties.TIMING, Boolean.toString(timing));
            properties.put(CliProperties.SET, encode(tableOverrides()));
            return execute(LOOKUP, featuresOr(DEFAULT_FEATURE), properties, false);
        }
    }

    @Command(name = "routes", description = "Route table tools: 'router routes stats' (live changes are Gogo "
            + "commands: router:route in ./router shell).", mixinStandardHelpOptions = true)
    static final class RoutesCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            throw new ParameterException(spec.commandLine(), "routes needs a subcommand: stats");
        }
    }

    @Command(name = "stats", description = {
        "Parse a route file, build its table with the routing algorithm and print: routes (by next-hop kind), "
                + "next hops, skipped IPv6 prefixes, parse and build time, the table's memory (bytes and MiB), "
                + "and routes per prefix length (non-zero lengths only).",
        "The table is the route file alone, as for 'router lookup' (bare prefixes over 10.255.0.1 .. 10.255.0.16)."},
            mixinStandardHelpOptions = true)
    static final class StatsCommand extends TableCommand {
        @Option(names = "--json", description = "Print one JSON object: routes_file, routing, routes, next_hops, "
                + "kinds, prefix_lengths, skipped_ipv6, parse_seconds, build_seconds, memory_bytes, memory_mib.")
        boolean json;

        StatsCommand(final Session session, final Supplier<Path> home) {
            super(session, home);
        }

        @Override
        public Integer call() throws LaunchException {
            final Map<String, String> properties = new LinkedHashMap<>();
            properties.put(CliProperties.COMMAND, ROUTES_STATS);
            properties.put(CliProperties.JSON, Boolean.toString(json));
            properties.put(CliProperties.SET, encode(tableOverrides()));
            return execute(ROUTES_STATS, featuresOr(DEFAULT_FEATURE), properties, json);
        }
    }

    // ---- bench -----------------------------------------------------------------------------------------------------

    @Command(name = "bench", description = {
        "Reproduce the paper's comparison: run the emulated router for every DMA strategy x frame size x cost "
                + "profile, measure each cell's steady state, and print hypercalls, IOTLB invalidations and bounce "
                + "bytes per packet, DMA faults, rx_missed, modeled and wall Mpps.",
        "Sizes are frame sizes on the wire, FCS included (64..1518). A progress bar goes to stderr."},
            mixinStandardHelpOptions = true)
    static final class BenchCommand extends Configurable {
        @Option(names = "--strategies", paramLabel = "LIST", split = ",",
                description = "DMA strategies (default per-packet,batch-16,premapped-reuse,recycle).")
        List<String> strategies = new ArrayList<>();

        @Option(names = "--sizes", paramLabel = "LIST", split = ",",
                description = "Frame sizes in bytes (default 64,128,256,512,1024,1518).")
        List<Integer> sizes = new ArrayList<>();

        @Option(names = "--profiles", paramLabel = "LIST", split = ",",
                description = "Cost profiles (default paper,xen-pv,iommu-strict,kvm-viommu).")
        List<String> profiles = new ArrayList<>();

        @Option(names = "--duration", paramLabel = "SECONDS",
                description = "Seconds per cell, 40% warm-up then the measured window (default 0.5).")
        Double duration;

        @Option(names = "--nic", paramLabel = "NAME", description = "NIC backend (default ixgbevf).")
        String nic;

        @Option(names = "--json", description = "Print a JSON array, one record per cell.")
        boolean json;

        @Option(names = "--report", paramLabel = "FILE.html",
                description = "Also write a self-contained HTML report with plots.")
        Path report;

        BenchCommand(final Session session, final Supplier<Path> home) {
            super(session, home);
        }

        @Override
        public Integer call() throws LaunchException {
            if (duration != null && !(duration >= 0.05 && duration <= 3600)) {
                throw usage("--duration must be 0.05..3600 seconds per cell, got " + plain(duration));
            }
            for (final int size : sizes) {
                if (size < 64 || size > 1518) {
                    throw usage("--sizes: " + size + " is not a frame size in 64..1518");
                }
            }
            if (report != null && report.toAbsolutePath().getParent() != null
                    && !Files.isDirectory(report.toAbsolutePath().getParent())) {
                throw usage("--report " + report + ": no such folder");
            }
            final Map<String, String> properties = new LinkedHashMap<>();
            properties.put(CliProperties.COMMAND, "bench");
            if (duration != null) {
                properties.put(CliProperties.DURATION, plain(duration));
            }
            properties.put(CliProperties.JSON, Boolean.toString(json));
            properties.put(CliProperties.SET, encode(overrides()));
            putList(properties, "strategies", strategies);
            putList(properties, "sizes", sizes);
            putList(properties, "profiles", profiles);
            if (nic != null) {
                properties.put(CliProperties.BENCH_PREFIX + "nic", nic);
            }
            if (report != null) {
                properties.put(CliProperties.BENCH_PREFIX + "report", report.toAbsolutePath().normalize().toString());
            }
            return execute("bench", featuresOr(DEFAULT_FEATURE), properties, json);
        }

        private static void putList(final Map<String, String> properties, final String name, final List<?> values) {
            if (!values.isEmpty()) {
                properties.put(CliProperties.BENCH_PREFIX + name,
                        String.join(",", values.stream().map(String::valueOf).toList()));
            }
        }
    }

    // ---- replay, diff ----------------------------------------------------------------------------------------------

    @Command(name = "replay", description = {
        "Analyse a trace: packets, drops by reason, hypercalls and bounces per packet, wall and modeled Mpps over "
                + "time, latency percentiles, ring occupancy, swaps; says when the run was cut short.",
        "--what-if KEY=VALUE re-drives the recorded arrivals (same frames, same modeled timing; needs a trace at "
                + "--trace-level packet) through nic=ixgbevf with the change, records a new trace and compares."},
            mixinStandardHelpOptions = true)
    static final class ReplayCommand extends Boot {
        @Parameters(paramLabel = "DIR", description = "The trace directory (router run --trace DIR).")
        Path dir;

        @Option(names = "--json", description = "Print one JSON object.")
        boolean json;

        @Option(names = "--report", paramLabel = "FILE.html", description = "Also write a self-contained HTML report.")
        Path report;

        @Option(names = "--pcap", paramLabel = "FILE",
                description = "Export the forwarded packets (as received, modeled arrival time stamps) as pcap.")
        Path pcap;

        @Option(names = "--pcap-dropped", description = "With --pcap: export the dropped packets instead.")
        boolean pcapDropped;

        @Option(names = "--csv", paramLabel = "DIR",
                description = "Export timeline.csv, bursts.csv, packets.csv and swaps.csv into DIR.")
        Path csv;

        @Option(names = "--what-if", paramLabel = "KEY=VALUE",
                description = "Re-drive the recorded arrivals with this setting changed (dma=, routing=, profile=, "
                        + "cost.*, ...); repeatable.")
        List<String> whatIf = new ArrayList<>();

        @Option(names = "--what-if-trace", paramLabel = "DIR",
                description = "Where the what-if run's trace goes (default: DIR-whatif next to DIR).")
        Path whatIfTrace;

        ReplayCommand(final Session session, final Supplier<Path> home) {
            super(session, home);
        }

        @Override
        public Integer call() throws LaunchException {
            final Map<String, String> properties = new LinkedHashMap<>();
            properties.put(CliProperties.COMMAND, "replay");
            properties.put(CliProperties.JSON, Boolean.toString(json));
            properties.put(CliProperties.REPLAY_PREFIX + "dir", dir.toAbsolutePath().normalize().toString());
            putPath(properties, "report", report);
            putPath(properties, "pcap", pcap);
            putPath(properties, "csv", csv);
            putPath(properties, "whatif.trace", whatIfTrace);
            if (pcapDropped) {
                if (pcap == null) {
                    throw usage("--pcap-dropped needs --pcap FILE");
                }
                properties.put(CliProperties.REPLAY_PREFIX + "pcap.dropped", "true");
            }
            final StringBuilder changes = new StringBuilder();
            for (final String w : whatIf) {
                final int eq = w.indexOf('=');
                if (eq <= 0 || !ConfigKeys.isValid(w.substring(0, eq).trim())) {
                    throw usage("--what-if expects KEY=VALUE with a configuration key, got '" + w + "'");
                }
                if (w.indexOf('\n') >= 0) {
                    throw usage("--what-if " + w + ": the value must be one line");
                }
                changes.append(w).append('\n');
            }
            if (changes.length() > 0) {
                properties.put(CliProperties.REPLAY_PREFIX + "whatif", changes.toString());
            }
            return execute("replay", featuresOr(DEFAULT_FEATURE), properties, json);
        }

        private void putPath(final Map<String, String> properties, final String name, final Path path) {
            if (path != null) {
                final Path parent = path.toAbsolutePath().getParent();
                if (parent != null && !Files.isDirectory(parent)) {
                    throw usage("--" + (name.equals("whatif.trace") ? "what-if-trace" : name) + " " + path
                            + ": no such folder");
                }
                properties.put(CliProperties.REPLAY_PREFIX + name, path.toAbsolutePath().normalize().toString());
            }
        }
    }

    @Command(name = "diff", description = "Compare two traces side by side; differences over 5 % are marked.",
            mixinStandardHelpOptions = true)
    static final class DiffCommand extends Boot {
        @Parameters(index = "0", paramLabel = "DIR_A", description = "The first trace.")
        Path a;

        @Parameters(index = "1", paramLabel = "DIR_B", description = "The second trace.")
        Path b;

        @Option(names = "--json", description = "Print one JSON object.")
        boolean json;

        @Option(names = "--report", paramLabel = "FILE.html", description = "Also write a self-contained HTML report.")
        Path report;

        DiffCommand(final Session session, final Supplier<Path> home) {
            super(session, home);
        }

        @Override
        public Integer call() throws LaunchException {
            final Map<String, String> properties = new LinkedHashMap<>();
            properties.put(CliProperties.COMMAND, "diff");
            properties.put(CliProperties.JSON, Boolean.toString(json));
            properties.put(CliProperties.REPLAY_PREFIX + "dir", a.toAbsolutePath().normalize().toString());
            properties.put(CliProperties.REPLAY_PREFIX + "dir2", b.toAbsolutePath().normalize().toString());
            if (report != null) {
                properties.put(CliProperties.REPLAY_PREFIX + "report", report.toAbsolutePath().normalize().toString());
            }
            return execute("diff", featuresOr(DEFAULT_FEATURE), properties, json);
        }
    }

    // ---- plugins ---------------------------------------------------------------------------------------------------

    @Command(name = "plugins", description = "List the NIC backends, DMA strategies, routing algorithms and trace "
            + "stores registered, with their bundles and versions ('*' marks the configured one).",
            mixinStandardHelpOptions = true)
    static final class PluginsCommand extends Boot {
        @Option(names = "--json", description = "Print {\"nic\": [...], \"dma\": [...], \"routing\": [...], "
                + "\"trace\": [...]}.")
        boolean json;

        PluginsCommand(final Session session, final Supplier<Path> home) {
            super(session, home);
        }

        @Override
        public Integer call() throws LaunchException {
            final Map<String, String> properties = new LinkedHashMap<>();
            properties.put(CliProperties.COMMAND, "plugins");
            properties.put(CliProperties.JSON, Boolean.toString(json));
            return execute("plugins", featuresOr(DEFAULT_FEATURE), properties, json);
        }
    }

}
