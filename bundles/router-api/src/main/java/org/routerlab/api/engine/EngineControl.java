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

    /**
     * Applies route updates to the running router without stopping the data path: builds the new table off the
     * data path ({@link org.routerlab.api.route.RoutingAlgorithm#update}), publishes it atomically at a burst
     * boundary, and releases the old table once no forwarding thread can still read it. A lookup never sees a
     * half-updated table.
     *
     * @throws IllegalStateException when no run is in progress
     * @throws IllegalArgumentException when an update names a port or gateway the router cannot reach
     */
    RouteUpdateResult updateRoutes(List<org.routerlab.api.route.RouteUpdate> updates) throws Exception;

    /**
     * Replaces the whole route table of the running router with the routes of {@code file} (plus the connected
     * routes of the ports), the same way as {@link #updateRoutes}.
     *
     * @throws org.routerlab.api.route.RouteFileException when the file is unreadable or malformed (nothing changes)
     */
    RouteUpdateResult replaceRoutes(java.nio.file.Path file) throws Exception;

    /** The routes of the current (or last) run's table; empty when there has been no run. */
    org.routerlab.api.route.RouteSet routes();

    /**
     * Looks {@code address} up in the current table, as the data path would, from the calling thread.
     *
     * @return the next hop, or null when no route matches or there is no table
     */
    org.routerlab.api.route.NextHop lookup(int address);

    /**
     * Swaps, in the running router, the DMA strategy ({@code what = "dma"}), the routing algorithm
     * ({@code "routing"}), the route table ({@code "routes"}, value a route file) or the platform's cost profile
     * ({@code "profile"}, backends that model one) to {@code value}, without stopping the data path and without
     * losing packets. A DMA strategy is swapped at a burst boundary on the forwarding thread: the old strategy
     * stops posting, keeps the buffers the NIC and the tx rings still hold until they come back, then detaches; the
     * new one starts at once. A routing algorithm or table is built off the data path and published like a route
     * update. When the new plug-in fails to start the old one keeps forwarding and the returned record says why.
     * Every swap is also in {@link RouterStatus#swaps()} and the trace.
     *
     * @throws IllegalStateException when no run is in progress
     * @throws IllegalArgumentException for an unknown {@code what} or an unknown plug-in name (the message lists
     *         what is available)
     */
    SwapRecord swap(String what, String value) throws Exception;

    /** The effective configuration of the current or last run, or the ConfigAdmin configuration when idle. */
    Map<String, String> configuration();
}
