package org.routerlab.nic.emulated.internal;

import static org.routerlab.api.engine.ConfigValues.fraction;
import static org.routerlab.api.engine.ConfigValues.intValue;
import static org.routerlab.api.engine.ConfigValues.longValue;

import java.util.List;
import java.util.Map;
import org.routerlab.api.engine.ConfigKeys;
import org.routerlab.api.nic.PortSpec;

/** The emulated backend's settings, parsed and checked from the router configuration. */
record EmulatedNicConfig(List<PortSpec> ports, int packetSize, int flows, long rate, long seed, long packets,
        double badShare, double unroutedShare, int buffers, int bufferSize, int rxRing, int txRing, String routes) {

    /** A port as given in {@code ports=NAME=ADDR/LEN,…}. */

    static final String DEFAULT_PORTS = "p0=10.0.0.1/24,p1=10.1.0.1/24";

    static EmulatedNicConfig from(final Map<String, String> config) {
        final List<PortSpec> ports = PortSpec.parseList(config.getOrDefault(ConfigKeys.PORTS, DEFAULT_PORTS));
        final int rxRing = intValue(config, "nic.rx.ring", 512, 64, 4096);
        final int txRing = intValue(config, "nic.tx.ring", 1024, 64, 4096);
        final int defaultBuffers = Integer.highestOneBit(ports.size() * (rxRing + txRing) * 2) * 2;
        return new EmulatedNicConfig(ports,
                intValue(config, ConfigKeys.PACKET_SIZE, 64, 60, 1514),
                intValue(config, ConfigKeys.FLOWS, 1024, 1, 1 << 20),
                longValue(config, ConfigKeys.RATE, 0, 0, 1_000_000_000L),
                longValue(config, ConfigKeys.SEED, 1, Long.MIN_VALUE, Long.MAX_VALUE),
                longValue(config, ConfigKeys.TRAFFIC_PACKETS, 0, 0, Long.MAX_VALUE),
                fraction(config, "traffic.bad", 0),
                fraction(config, "traffic.unrouted", 0),
                intValue(config, "nic.buffers", defaultBuffers, 64, 1 << 22),
                intValue(config, "nic.buffer.size", 2048, 256, 16384),
                rxRing, txRing,
                config.getOrDefault(ConfigKeys.ROUTES, ""));
    }




}
