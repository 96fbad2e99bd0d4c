package org.routerlab.shell.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.routerlab.api.engine.EngineControl;
import org.routerlab.api.engine.EngineState;
import org.routerlab.api.engine.PluginInfo;
import org.routerlab.api.engine.PluginKind;
import org.routerlab.api.engine.RouterStatus;
import org.routerlab.api.engine.RouteUpdateResult;
import org.routerlab.api.engine.RunLimits;
import org.routerlab.api.route.NextHop;
import org.routerlab.api.route.RouteFileException;
import org.routerlab.api.route.RouteFileParser;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteUpdate;

/**
 * An engine that finishes after a given number of one-second waits, with a scripted status, and a route table that
 * takes live updates while it runs.
 */
final class FakeEngine implements EngineControl {
    Exception startFailure;
    int secondsToRun;
    RunLimits startedWith;
    Map<String, String> overridesGiven;
    int stops;
    EngineState finalState = EngineState.FINISHED;
    String error;
    long leakedBuffers;
    private int waited;
    private boolean running;
    final List<Duration> waits = new ArrayList<>();
    /** The route table of the current (or last) run. */
    RouteSet table = RouteSet.empty();
    Path replacedWith;
    Map<String, String> configuration = Map.of("nic", "emulated", "dma", "per-packet", "routing", "binary-trie",
            "routes", "routes/default.routes");

    @Override
    public EngineState state() {
        return running ? EngineState.RUNNING : EngineState.IDLE;
    }

    @Override
    public void start(final RunLimits limits, final Map<String, String> overrides) throws Exception {
        if (startFailure != null) {
            throw startFailure;
        }
        startedWith = limits;
        overridesGiven = overrides;
        running = true;
    }

    @Override
    public void stop() {
        stops++;
        running = false;
    }

    @Override
    public boolean awaitFinished(final Duration timeout) {
        waits.add(timeout);
        if (running && waited < secondsToRun) {
            waited++;
            return false;
        }
        running = false;
        return true;
    }

    @Override
    public RouterStatus status() {
        final long rx = waited * 1_000_000L;
        final RouterStatus s = Statuses.status(running ? EngineState.RUNNING : finalState, rx, rx, waited
                * 1_000_000_000L, Map.of(), Map.of("dma_maps", 2 * rx, "dma_unmaps", 2 * rx));
        return new RouterStatus(s.state(), s.nic(), s.dma(), s.routing(), s.packetsRx(), s.packetsTx(), s.bytesRx(),
                s.bytesTx(), s.drops(), s.platform(), s.ports(), s.wallNanos(), s.modeledNanos(), s.routes(),
                leakedBuffers, leakedBuffers, s.packetsOffered(), running ? null : error,
                s.traceRecords());
    }

    @Override
    public List<PluginInfo> plugins() {
        return List.of(new PluginInfo(PluginKind.NIC, "emulated", "emulated VF", "org.routerlab.router-nic-emulated",
                "0.1.0", true));
    }

    /**
     * Applies updates to {@link #table} while running, as the engine does (a fresh set, counts from
     * {@link RouteSet#apply}); build and publish take a scripted 1.5 us and 2 ms.
     */
    @Override
    public RouteUpdateResult updateRoutes(final List<RouteUpdate> updates) {
        if (!running) {
            throw new IllegalStateException("no run in progress: route updates apply to a running router");
        }
        final int[] counts = new int[4];
        table = table.apply(updates, counts);
        return new RouteUpdateResult(counts[0], counts[1], counts[2], counts[3], table.size(), 1_500, 2_000_000);
    }

    @Override
    public org.routerlab.api.engine.SwapRecord swap(final String what, final String value) {
        if (state() != EngineState.RUNNING) {
            throw new IllegalStateException("no run in progress: swaps apply to a running router");
        }
        return new org.routerlab.api.engine.SwapRecord(0, 0, what, "?", value, "command", 0, 0, true, "");
    }

    @Override
    public RouteUpdateResult replaceRoutes(final Path file) throws RouteFileException {
        if (!running) {
            throw new IllegalStateException("no run in progress: route updates apply to a running router");
        }
        replacedWith = file;
        final int before = table.size();
        table = new RouteFileParser(List.of(0x0A000002)).parse(file);
        return new RouteUpdateResult(table.size(), 0, before, 0, table.size(), 3_000, 4_000);
    }

    @Override
    public RouteSet routes() {
        return table;
    }

    @Override
    public NextHop lookup(final int address) {
        final int id = LinearAlgorithm.match(table, address);
        return id < 0 ? null : table.nextHop(id);
    }

    @Override
    public Map<String, String> configuration() {
        return configuration;
    }
}
