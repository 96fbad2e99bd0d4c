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

/**
 * After a {@linkplain SwapRehearsal swap rehearsal}, a run's first swaps deoptimize nothing the loop runs every cycle:
 * not the loop's turn, cycle and forwarding (branches only a swap takes), not the device model's permission checks
 * that another strategy's buffers take. Without the rehearsal ({@code rehearse=off}) this test fails: JFR shows
 * {@code unstable_if} traps in {@code cycle}, {@code OwnerRuns.append} and {@code EmulatedPlatform.deviceMay} at the
 * first swap. Runs in a JVM of its own (see the pom), for the same reason as {@link SwapDeoptimizationTest}.
 */
class RehearsedSwapDeoptimizationTest {
    /**
     * What runs every cycle, whatever the strategy. Not included: code that only a swap runs (its first calls may
     * still be compiled late) and the idle reclaim, which a preempted thread may take for the first time at any time.
     */
    private static final java.util.Set<String> EVERY_CYCLE = java.util.Set.of(
            ForwardingLoop.class.getName() + ".iteration", ForwardingLoop.class.getName() + ".cycle",
            ForwardingLoop.class.getName() + ".forward", ForwardingLoop.class.getName() + ".transmit",
            ForwardingLoop.class.getName() + ".reapCompletions", OwnerRuns.class.getName() + ".append",
            "org.routerlab.nic.emulated.internal.EmulatedPlatform.deviceMay",
            "org.routerlab.nic.emulated.internal.EmulatedPlatform.charge",
            "org.routerlab.nic.emulated.internal.EmulatedPort.rxBurst",
            "org.routerlab.nic.emulated.internal.EmulatedPort.txBurst");

    @TempDir
    Path dir;

    @Test
    void shouldDeoptimizeNothingTheLoopRunsEveryCycleAtTheFirstSwapsAfterARehearsal() throws Exception {
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
        try (Recording recording = new Recording()) {
            recording.enable("jdk.Deoptimization");
            recording.start();
            engine.start(new RunLimits(Duration.ofMinutes(5).toNanos(), 0), Map.of("rehearse", "on"));
            // The run forwards with per-packet alone for a while, as the real runs do before their first swap.
            Thread.sleep(3_000);
            final java.time.Instant swapsBegin = java.time.Instant.now();
            for (final String to : List.of("premapped-reuse", "recycle", "per-packet", "premapped-reuse")) {
                final SwapRecord r = engine.swap("dma", to);
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
                final RecordedMethod m = e.getValue("method");
                final String method = m == null ? "" : m.getType().getName() + "." + m.getName();
                final String reason = e.getString("reason");
                if (e.getStartTime().isAfter(swapsBegin) && e.getStartTime().isBefore(swapsEnd)
                        && EVERY_CYCLE.contains(method)) {
                    deoptimized.add(method + " line " + e.getInt("lineNumber") + " " + reason);
                }
            }
        }
        final RouterStatus s = engine.status();
        assertEquals(EngineState.FINISHED, s.state(), () -> "error: " + s.error());
        assertEquals(List.of(), deoptimized, "code the loop runs every cycle deoptimized by the first swaps");
    }
}
