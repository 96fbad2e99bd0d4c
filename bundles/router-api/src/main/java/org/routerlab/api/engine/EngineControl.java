package org.routerlab.api.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The forwarding engine as a control-plane service (registered by {@code router-core}). The engine's plug-ins and
 * settings come from its ConfigAdmin configuration ({@value #PID}); this service starts and stops runs and reports.
 * Thread-safe; never called from the forwarding thread.
 */
@ProviderType
public interface EngineControl {
    /** The configuration PID of the router ({@code etc/routerlab.router.cfg}). */
    String PID = "routerlab.router";

    EngineState state();

    /**
     * Starts forwarding with the ConfigAdmin configuration overlaid with {@code overrides} (for this run only):
     * opens the NIC backend, builds the route table, attaches the DMA strategy and trace, and starts the
     * forwarding thread. On any failure nothing stays open.
     *
     * @throws IllegalStateException when a run is in progress
     * @throws IllegalArgumentException for invalid configuration or an unknown plug-in name (the message names
     *         key and value, and lists what is available)
     * @throws org.routerlab.api.route.RouteFileException when the route file is unreadable or malformed
     * @throws Exception when a plug-in fails to open (its message is reported as is)
     */
    void start(RunLimits limits, Map<String, String> overrides) throws Exception;

    /** Asks the forwarding thread to stop after its current cycle; returns at once. */
    void stop();

    /** Waits for the run to end; true when it has. */
    boolean awaitFinished(Duration timeout) throws InterruptedException;

    RouterStatus status();

    /** The plug-ins currently registered, all kinds. */
    List<PluginInfo> plugins();

    /** The effective configuration of the current or last run, or the ConfigAdmin configuration when idle. */
    Map<String, String> configuration();
}
