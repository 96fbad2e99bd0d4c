package org.routerlab.launcher;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;

/**
 * Runs an {@link Invocation} in an {@link OsgiRuntime}. For every command but {@code shell} it registers, from the
 * system bundle, the exit-code {@link IntConsumer} and the standard-output {@link PrintStream} the command driver of
 * router-shell waits for, then waits for the exit code; for {@code shell} it waits until the shell stops the
 * framework. A shutdown hook (Ctrl-C) stops the framework, which stops the engine, so a run always ends cleanly.
 *
 * <p>With {@code --json}, and for {@code lookup} and {@code routes stats}, {@code System.out} is pointed at stderr for
 * the life of the framework, so that nothing but the command's output (written to the registered stream, the real
 * stdout) reaches standard output. {@code lookup} reads {@code System.in} inside the framework; nothing else reads
 * it, since only the {@code shell} feature has a console.
 */
public final class FelixSession implements Session {
    /** How long the driver may take to come up (framework started, configuration delivered, engine active). */
    static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(
            Long.getLong("routerlab.startup.timeout", 60));
    /** FileInstall and ConfigAdmin settle asynchronously; wait for this much quiet before running a command. */
    static final Duration QUIET = Duration.ofMillis(300);
    static final Duration QUIET_MAX = Duration.ofSeconds(5);

    private static final String ENGINE = "org.routerlab.api.engine.EngineControl";

    @Override
    public int execute(final Invocation invocation) throws LaunchException {
        final PrintStream stdout = System.out;
        if (invocation.exclusiveStdout()) {
            System.setOut(System.err);
        }
        final OsgiRuntime runtime = OsgiRuntime.start(invocation.home(), invocation.features(), invocation.etc(),
                invocation.properties());
        final Thread hook = new Thread(runtime::close, "routerlab-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return invocation.interactive() ? shell(runtime) : command(runtime, stdout);
        } finally {
            runtime.close();
            System.setOut(stdout);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (final IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running.
            }
        }
    }

    private static int shell(final OsgiRuntime runtime) throws LaunchException {
        try {
            runtime.awaitStop(Duration.ZERO);
            return 0;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LaunchException(LaunchException.FAILURE, "interrupted", e);
        }
    }

    private static int command(final OsgiRuntime runtime, final PrintStream stdout) throws LaunchException {
        final BundleContext context = runtime.context();
        final CompletableFuture<Integer> exit = new CompletableFuture<>();
        try {
            runtime.awaitQuiet(QUIET, QUIET_MAX);
            context.registerService(PrintStream.class, stdout, flag(CliProperties.STDOUT));
            final ServiceRegistration<IntConsumer> registration = context.registerService(IntConsumer.class,
                    exit::complete, flag(CliProperties.EXIT));
            awaitDriver(runtime, registration, exit);
            while (true) {
                try {
                    return exit.get(200, TimeUnit.MILLISECONDS);
                } catch (final TimeoutException e) {
                    if (runtime.isStopped()) {
                        throw new LaunchException(LaunchException.FAILURE, "the framework stopped before the "
                                + "command finished");
                    }
                }
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LaunchException(LaunchException.FAILURE, "interrupted", e);
        } catch (final ExecutionException e) {
            throw new LaunchException(LaunchException.FAILURE, FeatureSet.oneLine(e.getCause()), e);
        }
    }

    /** Waits until the driver uses the exit-code service (it has activated); explains why when it does not. */
    private static void awaitDriver(final OsgiRuntime runtime, final ServiceRegistration<IntConsumer> registration,
            final CompletableFuture<Integer> exit) throws InterruptedException, LaunchException {
        final long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (!exit.isDone() && registration.getReference().getUsingBundles() == null) {
            if (System.nanoTime() - deadline >= 0) {
                throw new LaunchException(LaunchException.FAILURE, diagnose(runtime));
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    private static String diagnose(final OsgiRuntime runtime) {
        final StringBuilder why = new StringBuilder("the router did not come up within ")
                .append(STARTUP_TIMEOUT.toSeconds()).append(" s: ");
        final ServiceReference<?> engine = runtime.context().getServiceReference(ENGINE);
        if (engine == null) {
            why.append("no engine service (router-core activates once it has the configuration ")
                    .append("routerlab.router from ").append(runtime.etc().resolve("routerlab.router.cfg"))
                    .append("; see the errors above)");
        } else {
            why.append("the command driver of router-shell did not activate");
        }
        final List<String> inactive = runtime.inactiveBundles();
        if (!inactive.isEmpty()) {
            why.append("; bundles not active: ").append(String.join(", ", inactive));
        }
        return why.toString();
    }

    private static Dictionary<String, Object> flag(final String property) {
        final Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(property, Boolean.TRUE);
        return properties;
    }
}
