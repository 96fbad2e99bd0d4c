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
 * @param swaps the hot swaps of this run, in order (also the refused ones)
 * @param platformName the platform and cost profile the ports DMA through, e.g. {@code ixgbevf/paper}
 */
public record RouterStatus(EngineState state, String nic, String dma, String routing, long packetsRx,
        long packetsTx, long bytesRx, long bytesTx, Map<String, Long> drops, Map<String, Long> platform,
        Map<String, Map<String, Long>> ports, long wallNanos, long modeledNanos, int routes,
        long buffersOutstanding, long liveMappings, long packetsOffered, String error, long traceRecords,
        List<SwapRecord> swaps, String platformName) {

    /** The status without swaps or platform name (API 1.1 signature). */
    public RouterStatus(final EngineState state, final String nic, final String dma, final String routing,
            final long packetsRx, final long packetsTx, final long bytesRx, final long bytesTx,
            final Map<String, Long> drops, final Map<String, Long> platform,
            final Map<String, Map<String, Long>> ports, final long wallNanos, final long modeledNanos,
            final int routes, final long buffersOutstanding, final long liveMappings, final long packetsOffered,
            final String error, final long traceRecords) {
        this(state, nic, dma, routing, packetsRx, packetsTx, bytesRx, bytesTx, drops, platform, ports, wallNanos,
                modeledNanos, routes, buffersOutstanding, liveMappings, packetsOffered, error, traceRecords,
                List.of(), null);
    }

    public RouterStatus {
        swaps = List.copyOf(swaps);
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
