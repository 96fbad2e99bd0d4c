package org.routerlab.shell.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntSupplier;
import org.routerlab.api.engine.ConfigKeys;
import org.routerlab.api.engine.EngineControl;
import org.routerlab.api.engine.EngineState;
import org.routerlab.api.engine.RouterStatus;
import org.routerlab.api.route.RouteFileException;
import org.routerlab.api.route.RoutingAlgorithm;

/**
 * Runs one command-line command against the engine and returns its exit code: 0 done, 2 usage or configuration
 * error (bad setting, unknown plug-in, unreadable route file, a line of standard input that is not an address),
 * 1 runtime failure. Errors are one line on {@code err}, prefixed {@code router: }.
 *
 * <p>{@code lookup} and {@code routes-stats} do not start the engine: they build a {@link StandaloneTable} from the
 * route file ({@code routes}, relative to the router home) with the routing algorithm {@code routing} of the
 * configuration overlaid with the request's overrides.
 *
 * <p>Not thread-safe except {@link #interrupt()}, which another thread may call while {@link #execute} runs.
 */
final class CommandRunner {
    static final int OK = 0;
    static final int FAILURE = 1;
    static final int USAGE = 2;

    private static final long SECOND_NANOS = 1_000_000_000L;
    /** How long a run may take to wind down once asked to stop. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final String DEFAULT_ROUTING = "binary-trie";

    private final EngineControl engine;
    private final RoutingAlgorithms algorithms;
    private final Path home;
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final IntSupplier bundlesActive;
    private final IntSupplier bundlesTotal;
    private volatile boolean interrupted;
    /** The plug-in bundles the framework refused, listed by {@code plugins} ({@link PluginCompatibility}). */
    private java.util.function.Supplier<List<PluginCompatibility.Refusal>> refused = List::of;
    /** {@code replay} and {@code diff}; null where no trace store is at hand (tests). */
    private TraceCommands traces;

    /**
     * @param engine the engine ({@code run}, {@code plugins}; its configuration for {@code lookup} and
     *        {@code routes-stats})
     * @param algorithms the routing algorithms that {@code lookup} and {@code routes-stats} build tables with
     * @param home the router home, which relative route files are resolved against
     * @param in standard input ({@code lookup} reads addresses from it)
     * @param out standard output
     * @param err standard error
     * @param bundlesActive active bundles, for the run summary
     * @param bundlesTotal installed bundles, for the run summary
     */
    CommandRunner(final EngineControl engine, final RoutingAlgorithms algorithms, final Path home,
            final InputStream in, final PrintStream out, final PrintStream err, final IntSupplier bundlesActive,
            final IntSupplier bundlesTotal) {
        this.engine = engine;
        this.algorithms = algorithms;
        this.home = home;
        this.in = in;
        this.out = out;
        this.err = err;
        this.bundlesActive = bundlesActive;
        this.bundlesTotal = bundlesTotal;
    }

    /** Sets what runs {@code replay} and {@code diff}. */
    CommandRunner traces(final TraceCommands traces) {
        this.traces = traces;
        return this;
    }

    int execute(final CliRequest request) {
        try {
            return switch (request.command()) {
                case CliRequest.PLUGINS -> plugins(request.json());
                case CliRequest.RUN -> run(request);
                case CliRequest.LOOKUP -> lookup(request);
                case CliRequest.ROUTES_STATS -> routesStats(request);
                case CliRequest.BENCH -> bench(request);
                case CliRequest.REPLAY, CliRequest.DIFF -> traceCommand(request);
                default -> error(USAGE, "unknown command '" + request.command() + "'");
            };
        } catch (final RuntimeException e) {
            return error(FAILURE, message(e));
        }
    }

    // ---- bench ---------------------------------------------------------------------------------------------------

    /**
     * {@code router bench}: every strategy × size × profile, a table (or JSON) on stdout, the progress bar on
     * stderr, and optionally an HTML report.
     */
    private int bench(final CliRequest request) {
        final Map<String, String> o = request.bench();
        final BenchPlan plan;
        try {
            final double seconds = request.limits().durationNanos() > 0 ? request.limits().durationNanos() / 1e9
                    : BenchPlan.DEFAULT_SECONDS;
            plan = new BenchPlan(BenchPlan.names(o.get("strategies"), BenchPlan.DEFAULT_STRATEGIES),
                    BenchPlan.sizes(o.get("sizes")), BenchPlan.names(o.get("profiles"), BenchPlan.DEFAULT_PROFILES),
                    seconds, o.getOrDefault("nic", "ixgbevf"));
        } catch (final IllegalArgumentException e) {
            return error(USAGE, e.getMessage());
        }
        final List<BenchCell> cells;
        try {
            cells = new BenchRunner(engine, err).run(plan, request.overrides());
        } catch (final IllegalArgumentException | RouteFileException e) {
            err.println();
            return error(USAGE, message(e));
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return error(FAILURE, "interrupted");
        } catch (final Exception e) {
            err.println();
            return error(FAILURE, message(e));
        }
        out.println(request.json() ? BenchReport.json(cells) : BenchReport.table(cells));
        out.flush();
        final String report = o.get("report");
        if (report != null && !report.isBlank()) {
            try {
                final Path file = Path.of(report);
                java.nio.file.Files.writeString(file, BenchReport.html(cells,
                        "routerlab bench: " + plan.nic() + ", " + plan.seconds() + " s per cell"));
                err.println("router: report written to " + file.toAbsolutePath());
            } catch (final java.io.IOException e) {
                return error(FAILURE, "cannot write the report: " + e.getMessage());
            }
        }
        for (final BenchCell c : cells) {
            if (c.error() != null || c.buffersLeaked() != 0 || c.dmaFaults() != 0) {
                return error(FAILURE, "cell " + c.strategy() + " " + c.size() + " B " + c.profile() + ": "
                        + (c.error() != null ? c.error() : c.buffersLeaked() + " buffers leaked, " + c.dmaFaults()
                                + " DMA faults"));
            }
        }
        return OK;
    }

    // ---- replay, diff ----------------------------------------------------------------------------------------------

    private int traceCommand(final CliRequest request) {
        if (traces == null) {
            return error(FAILURE, request.command() + ": no trace store is at hand");
        }
        try {
            return CliRequest.REPLAY.equals(request.command()) ? traces.replay(request.bench(), request.json())
                    : traces.diff(request.bench(), request.json());
        } catch (final TraceCommands.BadTrace e) {
            return error(USAGE, e.getMessage());
        } catch (final IOException e) {
            return error(FAILURE, message(e));
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return error(FAILURE, "interrupted");
        }
    }

    // ---- lookup, routes stats ------------------------------------------------------------------------------------

    /** A problem with the request (exit code 2), reported as one line. */
    private static final class Usage extends Exception {
        private static final long serialVersionUID = 1L;

        Usage(final String message) {
            super(message);
        }
    }

    /** Builds the table that {@code lookup} and {@code routes-stats} use: route file and algorithm as configured. */
    private StandaloneTable table(final CliRequest request) throws Usage, InterruptedException {
        final Map<String, String> config = new TreeMap<>(engine.configuration());
        config.putAll(request.overrides());
        final String routes = config.getOrDefault(ConfigKeys.ROUTES, "").strip();
        if (routes.isEmpty()) {
            throw new Usage("no route file: give one with --routes FILE");
        }
        final String name = config.getOrDefault(ConfigKeys.ROUTING, DEFAULT_ROUTING).strip();
        final RoutingAlgorithm algorithm = name.isEmpty() ? null : algorithms.find(name);
        if (algorithm == null) {
            throw new Usage(ConfigKeys.ROUTING + "=" + name + ": no such routing algorithm is registered (available: "
                    + (algorithms.names().isEmpty() ? "none" : String.join(", ", algorithms.names())) + ")");
        }
        try {
            return StandaloneTable.load(home.resolve(routes).toAbsolutePath().normalize(), name, algorithm);
        } catch (final RouteFileException e) {
            throw new Usage(message(e));
        }
    }

    private int lookup(final CliRequest request) {
        try (StandaloneTable table = table(request)) {
            final AddressLookup.Result result = new AddressLookup(table.table()).run(in, out);
            if (request.timing()) {
                err.println(String.format(Locale.ROOT, "router: %d addresses in %.3f s: %.3f M addresses/s "
                        + "(lookupBulk alone %.3f s, %.3f M/s); table %s: %d routes, routing=%s, parsed in %.3f s, "
                        + "built in %.3f s, %.1f MiB", result.addresses(), result.nanos() / 1e9,
                        result.addressesPerSecond() / 1e6, result.lookupNanos() / 1e9,
                        result.lookupNanos() > 0 ? result.addresses() * 1e3 / result.lookupNanos() : 0.0,
                        table.file(), table.routes().size(), table.algorithm(), table.parseNanos() / 1e9,
                        table.buildNanos() / 1e9, table.table().memoryBytes() / RouteFormat.MIB));
                err.flush();
            }
            return OK;
        } catch (final Usage | AddressLookup.MalformedLine e) {
            return error(USAGE, e.getMessage());
        } catch (final IOException e) {
            return error(FAILURE, message(e));
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return error(FAILURE, "interrupted");
        }
    }

    private int routesStats(final CliRequest request) {
        try (StandaloneTable table = table(request)) {
            final RouteFormat.Stats stats = RouteFormat.Stats.of(table);
            if (request.json()) {
                out.println(RouteFormat.statsJson(stats));
            } else {
                out.print(RouteFormat.statsText(stats));
            }
            out.flush();
            return OK;
        } catch (final Usage e) {
            return error(USAGE, e.getMessage());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return error(FAILURE, "interrupted");
        }
    }

    // ---- plugins, run ----------------------------------------------------------------------------------------------

    /** Asks a run in progress to stop; {@link #execute} then prints the summary of what ran and returns. */
    void interrupt() {
        interrupted = true;
        engine.stop();
    }

    /** Where {@code plugins} learns which plug-in bundles could not be loaded, and why. */
    void refusals(final java.util.function.Supplier<List<PluginCompatibility.Refusal>> source) {
        refused = source;
    }

    private int plugins(final boolean json) {
        final List<PluginCompatibility.Refusal> refusals = refused.get(); // first: it waits for plugins/ to settle
        if (json) {
            out.println(RouterFormat.pluginsJson(engine.plugins(), engine.configuration(), refusals));
        } else {
            out.print(RouterFormat.pluginsText(engine.plugins(), engine.configuration(), refusals));
        }
        out.flush();
        return OK;
    }

    private int run(final CliRequest request) {
        final PrintStream lines = request.json() ? err : out;
        try {
            engine.start(request.limits(), request.overrides());
        } catch (final IllegalArgumentException | RouteFileException e) {
            return error(USAGE, message(e));
        } catch (final Exception e) {
            return error(FAILURE, message(e));
        }
        lines.println(RouterFormat.runHeader(engine.configuration(), request.limits()));
        lines.flush();
        final long started = System.nanoTime();
        RouterStatus previous = engine.status();
        long previousAt = started;
        long second = 0;
        try {
            while (true) {
                final long wait = started + (second + 1) * SECOND_NANOS - System.nanoTime();
                if (engine.awaitFinished(Duration.ofNanos(Math.max(0, wait)))) {
                    break;
                }
                second++;
                final long now = System.nanoTime();
                final RouterStatus current = engine.status();
                lines.println(RouterFormat.statusLine(previous, current, second, (now - previousAt) / 1e9));
                lines.flush();
                previous = current;
                previousAt = now;
            }
        } catch (final InterruptedException e) {
            interrupted = true;
            engine.stop();
            awaitStopped();
            Thread.currentThread().interrupt();
        }
        final RouterStatus last = engine.status();
        final RunReport report = new RunReport(last, engine.configuration(), request.limits(),
                bundlesActive.getAsInt(), bundlesTotal.getAsInt(), interrupted);
        if (request.json()) {
            out.println(RouterFormat.summaryJson(report));
        } else {
            out.print(RouterFormat.summaryText(report));
        }
        out.flush();
        if (last.buffersOutstanding() != 0 || last.liveMappings() != 0) {
            err.println("router: warning: the run left " + last.buffersOutstanding() + " buffers outstanding and "
                    + last.liveMappings() + " DMA mappings live (a leak in the DMA strategy or the NIC backend)");
            err.flush();
        }
        if (last.state() == EngineState.FAILED) {
            return error(FAILURE, last.error() == null ? "the engine failed" : last.error());
        }
        if (last.state() == EngineState.RUNNING) {
            return error(FAILURE, "the engine did not stop within " + STOP_GRACE.toSeconds() + " s");
        }
        return OK;
    }

    private void awaitStopped() {
        try {
            engine.awaitFinished(STOP_GRACE);
        } catch (final InterruptedException again) {
            Thread.currentThread().interrupt();
        }
    }

    private int error(final int code, final String message) {
        err.println("router: " + message);
        err.flush();
        return code;
    }

    static String message(final Throwable e) {
        final String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
