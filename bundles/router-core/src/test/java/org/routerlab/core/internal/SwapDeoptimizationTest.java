package org.routerlab.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
 * The forwarding loop, compiled while only one strategy class forwarded, is not deoptimized at its calls into the
 * strategy when a swap brings classes it has never run ({@link StrategyCalls}), nor at its lookup when a routing swap
 * brings a table class it has never run ({@link RoutingCalls}). Watched with JFR's
 * {@code jdk.Deoptimization} events. Runs in a JVM of its own (see the pom): another test that had already swapped
 * strategies would have made the call sites polymorphic, and this one would prove nothing.
 */
class SwapDeoptimizationTest {
    @TempDir
    Path dir;

    @Test
    void shouldNotDeoptimizeTheLoopsStrategyCallsWhenANewStrategyClassComesIn() throws Exception {
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
        final List<String> deoptimized = new ArrayList<>();
        final List<String> loaded = new ArrayList<>();
        try (Recording recording = new Recording()) {
            recording.enable("jdk.Deoptimization");
            recording.enable("jdk.ClassLoad").withoutThreshold();
            recording.start();
            engine.start(new RunLimits(Duration.ofMinutes(5).toNanos(), 0), Map.of());
            // Long enough for the loop to be compiled by C2 with per-packet alone (well under a second here).
            Thread.sleep(3_000);
            final java.time.Instant swapsBegin = java.time.Instant.now();
            for (final String to : List.of("premapped-reuse", "recycle", "per-packet", "premapped-reuse")) {
                final SwapRecord r = engine.swap("dma", to);
                assertTrue(r.ok(), r::toString);
                Thread.sleep(300);
            }
            // The same for the routing table's class at the per-burst lookup (RoutingCalls).
            for (final String to : List.of("binary-trie", "linear")) {
                final SwapRecord r = engine.swap("routing", to);
                assertTrue(r.ok(), r::toString);
                Thread.sleep(300);
            }
            final java.time.Instant swapsEnd = java.time.Instant.now();
            engine.stop();
            assertTrue(engine.awaitFinished(Duration.ofSeconds(30)));
            recording.stop();
            final Path file = dir.resolve("deopt.jfr");
            recording.dump(file);
            for (final RecordedEvent e : RecordingFile.readAllEvents(file)) {
                if ("jdk.ClassLoad".equals(e.getEventType().getName())) {
                    if (e.getThread() != null && "routerlab-forwarding".equals(e.getThread().getJavaName())
                            && e.getStartTime().isAfter(swapsBegin) && e.getStartTime().isBefore(swapsEnd)) {
                        loaded.add(e.getClass("loadedClass").getName());
                    }
                    continue;
                }
                final RecordedMethod m = e.getValue("method");
                final String method = m == null ? "" : m.getType().getName() + "." + m.getName();
                final String reason = e.getString("reason");
                if (method.startsWith(ForwardingLoop.class.getName()) && "class_check".equals(reason)) {
                    deoptimized.add(method + " line " + e.getInt("lineNumber") + " " + reason);
                }
            }
        }
        final RouterStatus s = engine.status();
        assertEquals(EngineState.FINISHED, s.state(), () -> "error: " + s.error());
        assertEquals(List.of(), deoptimized, "compiled strategy or lookup calls invalidated by a new strategy or table class");
        // Nor does a swap's step load a class on the forwarding thread (through the framework: hundreds of us).
        assertEquals(List.of(), loaded, "classes loaded by the forwarding thread during the swaps");
    }
}
