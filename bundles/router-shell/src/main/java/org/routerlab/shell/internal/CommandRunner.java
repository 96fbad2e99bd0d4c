package org.routerlab.shell.internal;

import java.io.PrintStream;
import java.time.Duration;
import java.util.function.IntSupplier;
import org.routerlab.api.engine.EngineControl;
import org.routerlab.api.engine.EngineState;
import org.routerlab.api.engine.RouterStatus;
import org.routerlab.api.route.RouteFileException;

/**
 * Runs one command-line command against the engine and returns its exit code: 0 done, 2 usage or configuration
 * error (bad setting, unknown plug-in, unreadable route file), 1 runtime failure. Errors are one line on
 * {@code err}, prefixed {@code router: }.
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

    private final EngineControl engine;
    private final PrintStream out;
    private final PrintStream err;
    private final IntSupplier bundlesActive;
    private final IntSupplier bundlesTotal;
    private volatile boolean interrupted;

    CommandRunner(final EngineControl engine, final PrintStream out, final PrintStream err,
            final IntSupplier bundlesActive, final IntSupplier bundlesTotal) {
        this.engine = engine;
        this.out = out;
        this.err = err;
        this.bundlesActive = bundlesActive;
        this.bundlesTotal = bundlesTotal;
    }

    int execute(final CliRequest request) {
        try {
            return switch (request.command()) {
                case "plugins" -> plugins(request.json());
                case "run" -> run(request);
                default -> error(USAGE, "unknown command '" + request.command() + "'");
            };
        } catch (final RuntimeException e) {
            return error(FAILURE, message(e));
        }
    }

    /** Asks a run in progress to stop; {@link #execute} then prints the summary of what ran and returns. */
    void interrupt() {
        interrupted = true;
        engine.stop();
    }

    private int plugins(final boolean json) {
        if (json) {
            out.println(RouterFormat.pluginsJson(engine.plugins(), engine.configuration()));
        } else {
            out.print(RouterFormat.pluginsText(engine.plugins(), engine.configuration()));
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
