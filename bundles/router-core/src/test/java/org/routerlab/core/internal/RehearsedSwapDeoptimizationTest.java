package org.routerlab.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.routerlab.core.internal.SwapsUnderRecording.Swap;

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
    private static final Set<String> EVERY_CYCLE = Set.of(
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
        final List<String> deoptimized = SwapsUnderRecording.record(dir, Map.of("rehearse", "on"), List.of(
                new Swap("dma", "premapped-reuse"), new Swap("dma", "recycle"), new Swap("dma", "per-packet"),
                new Swap("dma", "premapped-reuse")), "jdk.Deoptimization").stream()
                .filter(e -> EVERY_CYCLE.contains(SwapsUnderRecording.method(e)))
                .map(SwapsUnderRecording::describe)
                .toList();
        assertEquals(List.of(), deoptimized, "code the loop runs every cycle deoptimized by the first swaps");
    }
}
