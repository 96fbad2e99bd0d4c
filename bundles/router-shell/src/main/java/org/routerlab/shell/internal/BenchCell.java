package org.routerlab.shell.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The measured window of one bench cell, as per-packet ratios over the steady state (the warm-up, premapping at
 * attach and teardown at detach are outside the window).
 *
 * @param forwardedShare transmitted / received packets in the window (drops lower it)
 * @param hypercallsByType hypercalls per received packet, by type (the platform counter keys without
 *        {@code hypercalls_})
 */
record BenchCell(String strategy, int size, String profile, long packets, double forwardedShare,
        double hypercallsPerPacket,
        Map<String, Double> hypercallsByType, double mapsPerPacket, double iotlbPerPacket, double bounceBytesPerPacket,
        double tailWritesPerPacket, long dmaFaults, long rxMissed, double modeledMpps, double wallMpps,
        long buffersLeaked, String error) {

    Map<String, Object> json() {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("strategy", strategy);
        m.put("size", size);
        m.put("profile", profile);
        m.put("packets", packets);
        m.put("forwarded_share", forwardedShare);
        m.put("hypercalls_per_packet", hypercallsPerPacket);
        m.put("hypercalls", hypercallsByType);
        m.put("dma_maps_per_packet", mapsPerPacket);
        m.put("iotlb_invalidations_per_packet", iotlbPerPacket);
        m.put("bounce_bytes_per_packet", bounceBytesPerPacket);
        m.put("tail_writes_per_packet", tailWritesPerPacket);
        m.put("dma_faults", dmaFaults);
        m.put("rx_missed", rxMissed);
        m.put("modeled_mpps", modeledMpps);
        m.put("wall_mpps", wallMpps);
        m.put("buffers_leaked", buffersLeaked);
        if (error != null) {
            m.put("error", error);
        }
        return m;
    }
}
