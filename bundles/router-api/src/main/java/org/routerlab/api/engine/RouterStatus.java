package org.routerlab.api.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A consistent-enough snapshot of the router for status lines, shells and summaries. Counters are read while the
 * forwarding thread runs, so two fields may be a burst apart; after the run they are exact.
 *
 * @param state engine state
 * @param nic selected NIC backend name
 * @param dma selected DMA strategy name
 * @param routing selected routing algorithm name
 * @param packetsRx frames received from all ports
 * @param packetsTx frames accepted for transmission by all ports
 * @param bytesRx bytes received
 * @param bytesTx bytes transmitted
 * @param drops drop counts keyed by {@link DropReason#key()} (every reason present, zero or not)
 * @param platform platform counters keyed by {@link org.routerlab.api.platform.PlatformOp#key()}
 * @param ports per-port counters keyed by port name, then by {@link org.routerlab.api.nic.PortCounter#key()}
 * @param wallNanos wall-clock time the forwarding thread has run
 * @param modeledNanos modeled-clock time charged by the platform's cost model
 * @param routes number of routes in the active table
 * @param buffersOutstanding buffers the DMA strategy holds (0 after a clean run)
 * @param liveMappings DMA mappings still live on the platform (0 after a clean run)
 * @param packetsOffered packets the traffic source offered (-1 when unknown)
 * @param error why the engine failed, or null
 * @param traceRecords trace records written
 */
public record RouterStatus(EngineState state, String nic, String dma, String routing, long packetsRx,
        long packetsTx, long bytesRx, long bytesTx, Map<String, Long> drops, Map<String, Long> platform,
        Map<String, Map<String, Long>> ports, long wallNanos, long modeledNanos, int routes,
        long buffersOutstanding, long liveMappings, long packetsOffered, String error, long traceRecords) {

    public RouterStatus {
        // Insertion order is kept (reason and counter id order), for readable summaries.
        drops = Collections.unmodifiableMap(new LinkedHashMap<>(drops));
        platform = Collections.unmodifiableMap(new LinkedHashMap<>(platform));
        ports = Collections.unmodifiableMap(new LinkedHashMap<>(ports));
    }

    /** Sum of all drop counters. */
    public long totalDrops() {
        return drops.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Wall-clock millions of received packets per second. */
    public double wallMpps() {
        return wallNanos == 0 ? 0 : packetsRx * 1e3 / wallNanos;
    }

    /** Packets still inside the router (received, neither transmitted nor dropped); 0 after a run. */
    public long inFlight() {
        return packetsRx - packetsTx - totalDrops();
    }

    public static List<String> dropKeys() {
        return java.util.Arrays.stream(DropReason.values()).map(DropReason::key).toList();
    }
}
