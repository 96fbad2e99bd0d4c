package org.routerlab.shell.internal;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.function.IntConsumer;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.routerlab.api.engine.EngineControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the command of the outer launcher ({@code ./router run|plugins|lookup|routes stats}) inside the framework,
 * where the API types are at hand. Activates only when the launcher has registered, from the system bundle, an
 * {@link IntConsumer} with {@code routerlab.cli.exit=true} (which receives the exit code) and a {@link PrintStream}
 * with {@code routerlab.cli.stdout=true} (the command's standard output), and once the engine is up. The command and its
 * options are framework properties ({@link CliRequest}); it runs on its own thread. Deactivation (Ctrl-C: the
 * launcher stops the framework) stops a run in progress, and the summary of what ran is still printed.
 *
 * <p>{@code lookup} reads {@code System.in}: nothing else in the framework may (the Gogo shell is only in the
 * {@code shell} feature, which the launcher boots only for {@code ./router shell}).
 */
@Component(service = {}, immediate = true)
public final class CliDriver {
    private static final Logger LOG = LoggerFactory.getLogger(CliDriver.class);
    private static final long JOIN_MILLIS = 15_000;
    private static final long SHORT_JOIN_MILLIS = 1_000;
    /** The router home: relative route files are resolved against it. */
    static final String HOME = "routerlab.home";

    @Reference(target = "(" + CliRequest.EXIT + "=true)")
    IntConsumer exit;

    @Reference(target = "(" + CliRequest.STDOUT + "=true)")
    PrintStream stdout;

    @Reference
    EngineControl engine;

    @Reference
    PluginCompatibility compatibility;

    /** The trace stores, for {@code replay} and {@code diff} (the one named chronicle, else any). */
    @Reference(cardinality = org.osgi.service.component.annotations.ReferenceCardinality.MULTIPLE,
            policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC)
    volatile java.util.List<org.routerlab.api.trace.TraceStore> traceStores;

    private CommandRunner runner;
    private Thread thread;
    private String command;

    @Activate
    void activate(final BundleContext context) {
        command = context.getProperty(CliRequest.COMMAND);
        final String home = context.getProperty(HOME);
        runner = new CommandRunner(engine, new ServiceAlgorithms(context),
                Path.of(home == null || home.isBlank() ? "" : home).toAbsolutePath(), System.in, stdout, System.err,
                () -> countBundles(context, true), () -> countBundles(context, false));
        // FileInstall starts plugins/ asynchronously: plugins lists them once each jar is active or refused.
        final Path plugins = Path.of(home == null || home.isBlank() ? "" : home).toAbsolutePath().resolve("plugins");
        runner.refusals(() -> compatibility.refusedOnceSettled(plugins, java.time.Duration.ofSeconds(10)));
        runner.traces(new TraceCommands(engine, this::traceStore, stdout, System.err));
        thread = new Thread(() -> exit.accept(executeOrFail(context)), "routerlab-cli");
        thread.start();
        LOG.debug("command driver started");
    }

    private org.routerlab.api.trace.TraceStore traceStore() {
        final java.util.List<org.routerlab.api.trace.TraceStore> stores = traceStores;
        if (stores == null || stores.isEmpty()) {
            return null;
        }
        return stores.stream().filter(s -> "chronicle".equals(s.name())).findFirst().orElse(stores.get(0));
    }

    /** The launcher waits for an exit code: it gets one whatever happens. */
    private int executeOrFail(final BundleContext context) {
        try {
            return execute(context);
        } catch (final RuntimeException | Error e) {
            LOG.error("command failed", e);
            System.err.println("router: " + CommandRunner.message(e));
            return CommandRunner.FAILURE;
        }
    }

    private int execute(final BundleContext context) {
        final CliRequest request;
        try {
            request = CliRequest.from(context::getProperty);
        } catch (final IllegalArgumentException e) {
            System.err.println("router: " + CommandRunner.message(e));
            return CommandRunner.USAGE;
        }
        return runner.execute(request);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        if (thread.isAlive()) {
            runner.interrupt();
            // A lookup blocked reading a terminal cannot be interrupted: do not hold up Ctrl-C for it.
            thread.join(CliRequest.RUN.equals(command) ? JOIN_MILLIS : SHORT_JOIN_MILLIS);
        }
        LOG.debug("command driver stopped");
    }

    private static int countBundles(final BundleContext context, final boolean activeOnly) {
        int n = 0;
        for (final Bundle bundle : context.getBundles()) {
            if (bundle.getBundleId() != 0 && (!activeOnly || bundle.getState() == Bundle.ACTIVE)) {
                n++;
            }
        }
        return n;
    }
}
