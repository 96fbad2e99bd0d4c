package org.routerlab.shell.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.routerlab.api.engine.EngineControl;
import org.routerlab.api.engine.EngineState;
import org.routerlab.api.engine.PluginInfo;
import org.routerlab.api.engine.PluginKind;
import org.routerlab.api.engine.RouterStatus;
import org.routerlab.api.engine.RunLimits;

/** An engine that finishes after a given number of one-second waits, with a scripted status. */
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

    @Override
    public org.routerlab.api.engine.RouteUpdateResult updateRoutes(
            final java.util.List<org.routerlab.api.route.RouteUpdate> updates) {
        throw new IllegalStateException("no run in progress: route updates apply to a running router");
    }

    @Override
    public org.routerlab.api.engine.RouteUpdateResult replaceRoutes(final java.nio.file.Path file) {
        throw new IllegalStateException("no run in progress: route updates apply to a running router");
    }

    @Override
    public org.routerlab.api.route.RouteSet routes() {
        return org.routerlab.api.route.RouteSet.empty();
    }

    @Override
    public org.routerlab.api.route.NextHop lookup(final int address) {
        return null;
    }

    @Override
    public Map<String, String> configuration() {
        return Map.of("nic", "emulated", "dma", "per-packet", "routing", "binary-trie", "routes",
                "routes/default.routes");
    }
}
