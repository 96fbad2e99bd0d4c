package org.routerlab.shell.internal;

import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.routerlab.api.engine.EngineControl;
import org.routerlab.api.engine.RunLimits;

/**
 * Gogo commands in scope {@code router}: {@code status}, {@code counters}, {@code plugins}, and {@code start} /
 * {@code stop} to run the engine from the shell. Registered by service properties only, so the bundle needs no Gogo
 * package and resolves without the shell feature. Uses only {@link EngineControl}; formats with
 * {@link RouterFormat}, like the command line.
 */
@Component(service = RouterCommands.class, property = {
    "osgi.command.scope=router",
    "osgi.command.function=status",
    "osgi.command.function=counters",
    "osgi.command.function=plugins",
    "osgi.command.function=start",
    "osgi.command.function=stop",
    "osgi.command.function=swap",
    "osgi.command.function=swaps"
})
public final class RouterCommands {
    @Reference
    EngineControl engine;

    @Reference
    PluginCompatibility compatibility;

    /** Overrides given on the command line ({@code ./router shell --set ...}), applied by {@link #start()}. */
    private Map<String, String> overrides = Map.of();

    @Activate
    void activate(final BundleContext context) {
        overrides = CliRequest.overrides(context.getProperty(CliRequest.SET));
    }

    /** router:status — state, plug-ins, totals and rates. */
    public String status() {
        return RouterFormat.statusText(engine.status());
    }

    /** router:counters — every engine, drop, platform and port counter. */
    public String counters() {
        return RouterFormat.countersText(engine.status());
    }

    /** router:plugins — the NIC backends, DMA strategies, routing algorithms and trace stores registered. */
    public String plugins() {
        return RouterFormat.pluginsText(engine.plugins(), engine.configuration(), compatibility.refused());
    }

    /** router:start — forwards until router:stop. */
    public String start() throws Exception {
        return start(0);
    }

    /** router:start SECONDS — forwards for that long. */
    public String start(final double seconds) throws Exception {
        if (!(seconds >= 0)) {
            throw new IllegalArgumentException("seconds=" + seconds + " (expected >= 0)");
        }
        final RunLimits limits = new RunLimits(Math.round(seconds * 1e9), 0);
        engine.start(limits, overrides);
        return RouterFormat.runHeader(engine.configuration(), limits);
    }

    /**
     * router:swap WHAT VALUE — hot-swaps the running router's DMA strategy ({@code dma}), routing algorithm
     * ({@code routing}), route table ({@code routes FILE}) or cost profile ({@code profile}) without stopping it,
     * e.g. {@code router:swap dma premapped-reuse}. Prints what happened, with the forwarding pause and loss.
     */
    public String swap(final String what, final String value) throws Exception {
        return RouterFormat.swapLine(engine.swap(what, value));
    }

    /** router:swaps — every swap of the current (or last) run. */
    public String swaps() {
        final var list = engine.status().swaps();
        if (list.isEmpty()) {
            return "no swaps";
        }
        final StringBuilder out = new StringBuilder(RouterFormat.swapSummary(list)).append('\n');
        list.forEach(r -> out.append(RouterFormat.swapLine(r)).append('\n'));
        return out.toString();
    }

    /** router:stop — ends the run; router:status then shows the final counters. */
    public String stop() {
        engine.stop();
        return "stopping";
    }
}
