package org.routerlab.core.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.routerlab.api.dma.DmaStrategyFactory;
import org.routerlab.api.engine.EngineState;
import org.routerlab.api.engine.RouterStatus;
import org.routerlab.api.engine.RunLimits;
import org.routerlab.api.nic.NicBackend;
import org.routerlab.dma.perpacket.internal.PerPacketStrategyFactory;
import org.routerlab.route.trie.internal.BinaryTrieAlgorithm;

/**
 * (A copy of router-nic-ixgbevf's harness, with the ports as a parameter.) Drives the real forwarding engine without a framework, the way router-core's own RouterEngineTest does (its
 * package-private activation and binding methods are why this class lives in the engine's package): the NIC backend
 * under test, the per-packet strategy, the binary trie, and any extra strategies a test brings.
 */
public final class EngineHarness {
    private final RouterEngine engine = new RouterEngine();

    public EngineHarness(final Path home, final Path routes, final String ports, final NicBackend nic,
            final DmaStrategyFactory... extra) {
        engine.home(home);
        engine.addNic(nic, null);
        engine.addStrategy(new PerPacketStrategyFactory(), null);
        for (final DmaStrategyFactory f : extra) {
            engine.addStrategy(f, null);
        }
        engine.addAlgorithm(new BinaryTrieAlgorithm(), null);
        final Map<String, Object> config = new HashMap<>();
        config.put("nic", nic.name());
        config.put("dma", "per-packet");
        config.put("routing", "binary-trie");
        if (routes != null) {
            config.put("routes", routes.toString());
        }
        config.put("ports", ports);
        config.put("seed", "7");
        config.put("service.pid", "routerlab.router");
        engine.activate(null, config);
    }

    /** Runs until {@code packets} have been offered and handled; the final status (which must be FINISHED). */
    public RouterStatus runPackets(final long packets, final Map<String, String> overrides) throws Exception {
        return run(new RunLimits(Duration.ofSeconds(60).toNanos(), packets), overrides);
    }

    public RouterStatus run(final RunLimits limits, final Map<String, String> overrides) throws Exception {
        engine.start(limits, overrides);
        if (!engine.awaitFinished(Duration.ofSeconds(120))) {
            engine.stop();
            throw new AssertionError("run did not finish");
        }
        final RouterStatus status = engine.status();
        if (status.state() != EngineState.FINISHED) {
            throw new AssertionError("run " + status.state() + ": " + status.error());
        }
        return status;
    }

    /** Starts a run and returns at once (for tests that watch a running engine). */
    public void start(final RunLimits limits, final Map<String, String> overrides) throws Exception {
        engine.start(limits, overrides);
    }

    public RouterStatus status() {
        return engine.status();
    }

    /** A live swap ({@code dma}, {@code routing}, …) of the running engine. */
    public org.routerlab.api.engine.SwapRecord swap(final String what, final String value) throws Exception {
        return engine.swap(what, value);
    }

    public void stop() throws InterruptedException {
        engine.stop();
        engine.awaitFinished(Duration.ofSeconds(30));
    }
}
