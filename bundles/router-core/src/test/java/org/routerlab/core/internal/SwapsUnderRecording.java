package org.routerlab.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingFile;
import org.routerlab.api.engine.EngineState;
import org.routerlab.api.engine.RouterStatus;
import org.routerlab.api.engine.RunLimits;
import org.routerlab.api.engine.SwapRecord;
import org.routerlab.dma.perpacket.internal.PerPacketStrategyFactory;
import org.routerlab.dma.premapped.internal.PremappedReuseFactory;
import org.routerlab.dma.recycle.internal.RecycleStrategyFactory;
import org.routerlab.nic.emulated.internal.EmulatedNicBackend;
import org.routerlab.route.trie.internal.BinaryTrieAlgorithm;

/**
 * For the tests that watch what the JIT does at a run's first swaps: an engine on the emulated NIC (per-packet,
 * premapped-reuse and recycle; linear and binary-trie routing) forwards with per-packet alone for 3 s, as real runs
 * do before their first swap, then swaps as asked, 300 ms apart, under a JFR recording.
 */
final class SwapsUnderRecording {
    private SwapsUnderRecording() {
    }

    /** A swap to make: {@code what} ({@code dma} or {@code routing}) to {@code to}. */
    record Swap(String what, String to) {
    }

    /**
     * Runs the swaps and returns the recorded events of {@code eventTypes} that happened while they did (from the
     * first swap to the last one's 300 ms). Asserts that every swap succeeded and the run finished cleanly.
     */
    static List<RecordedEvent> record(final Path dir, final Map<String, String> overrides, final List<Swap> swaps,
            final String... eventTypes) throws Exception {
        final Path routes = dir.resolve("test.routes");
        Files.writeString(routes, """
                172.16.0.0/12 via 10.0.0.2
                172.16.5.0/24 via 10.1.0.2 dev p1
                198.51.100.0/24 via 10.1.0.2
                """);
        final RouterEngine engine = new RouterEngine();
        engine.home(dir);
        engine.addNic(new EmulatedNicBackend(), null);
        engine.addStrategy(new PerPacketStrategyFactory(), null);
        engine.addStrategy(new PremappedReuseFactory(), null);
        engine.addStrategy(new RecycleStrategyFactory(), null);
        engine.addAlgorithm(new LinearRouting(), null);
        engine.addAlgorithm(new BinaryTrieAlgorithm(), null);
        final Map<String, Object> config = new HashMap<>();
        config.put("nic", "emulated");
        config.put("dma", "per-packet");
        config.put("routing", "linear");
        config.put("routes", routes.toString());
        config.put("ports", "p0=10.0.0.1/24,p1=10.1.0.1/24");
        config.put("traffic.bad", "0.05");
        config.put("service.pid", "routerlab.router");
        engine.activate(null, config);
        final List<RecordedEvent> during = new ArrayList<>();
        try (Recording recording = new Recording()) {
            for (final String type : eventTypes) {
                recording.enable(type).withoutThreshold();
            }
            recording.start();
            engine.start(new RunLimits(Duration.ofMinutes(5).toNanos(), 0), overrides);
            // Long enough for the loop to be compiled by C2 with per-packet alone (well under a second here).
            Thread.sleep(3_000);
            final Instant swapsBegin = Instant.now();
            for (final Swap swap : swaps) {
                final SwapRecord r = engine.swap(swap.what(), swap.to());
                assertTrue(r.ok(), r::toString);
                Thread.sleep(300);
            }
            final Instant swapsEnd = Instant.now();
            engine.stop();
            assertTrue(engine.awaitFinished(Duration.ofSeconds(30)));
            recording.stop();
            final Path file = dir.resolve("swaps.jfr");
            recording.dump(file);
            for (final RecordedEvent e : RecordingFile.readAllEvents(file)) {
                if (e.getStartTime().isAfter(swapsBegin) && e.getStartTime().isBefore(swapsEnd)) {
                    during.add(e);
                }
            }
        }
        final RouterStatus s = engine.status();
        assertEquals(EngineState.FINISHED, s.state(), () -> "error: " + s.error());
        return during;
    }

    /** {@code Class.method} of a {@code jdk.Deoptimization} event ("" when it has none). */
    static String method(final RecordedEvent e) {
        final RecordedMethod m = e.getValue("method");
        return m == null ? "" : m.getType().getName() + "." + m.getName();
    }

    /** How a deoptimization is reported when a test fails. */
    static String describe(final RecordedEvent e) {
        return method(e) + " line " + e.getInt("lineNumber") + " " + e.getString("reason");
    }
}
