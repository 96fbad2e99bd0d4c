package org.routerlab.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.routerlab.core.internal.SwapsUnderRecording.Swap;

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
        final List<RecordedEvent> events = SwapsUnderRecording.record(dir, Map.of(), List.of(
                new Swap("dma", "premapped-reuse"), new Swap("dma", "recycle"), new Swap("dma", "per-packet"),
                new Swap("dma", "premapped-reuse"),
                // The same for the routing table's class at the per-burst lookup (RoutingCalls).
                new Swap("routing", "binary-trie"), new Swap("routing", "linear")),
                "jdk.Deoptimization", "jdk.ClassLoad");
        final List<String> deoptimized = new ArrayList<>();
        final List<String> loaded = new ArrayList<>();
        for (final RecordedEvent e : events) {
            if ("jdk.ClassLoad".equals(e.getEventType().getName())) {
                if (e.getThread() != null && "routerlab-forwarding".equals(e.getThread().getJavaName())) {
                    loaded.add(e.getClass("loadedClass").getName());
                }
            } else if (SwapsUnderRecording.method(e).startsWith(ForwardingLoop.class.getName())
                    && "class_check".equals(e.getString("reason"))) {
                deoptimized.add(SwapsUnderRecording.describe(e));
            }
        }
        assertEquals(List.of(), deoptimized, "compiled strategy or lookup calls invalidated by a new strategy or table class");
        // Nor does a swap's step load a class on the forwarding thread (through the framework: hundreds of us).
        assertEquals(List.of(), loaded, "classes loaded by the forwarding thread during the swaps");
    }
}
