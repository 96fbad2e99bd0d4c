package org.routerlab.nic.emulated.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.routerlab.api.engine.ConfigKeys;
import org.routerlab.api.nic.PortInfo;
import org.routerlab.api.packet.Ipv4Address;

/** The emulated backend's settings, parsed and checked from the router configuration. */
record EmulatedNicConfig(List<PortSpec> ports, int packetSize, int flows, long rate, long seed, long packets,
        double badShare, double unroutedShare, int buffers, int bufferSize, int rxRing, int txRing, String routes) {

    /** A port as given in {@code ports=NAME=ADDR/LEN,…}. */
    record PortSpec(String name, PortInfo.InterfaceAddress address) {
    }

    static final String DEFAULT_PORTS = "p0=10.0.0.1/24,p1=10.1.0.1/24";

    static EmulatedNicConfig from(final Map<String, String> config) {
        final List<PortSpec> ports = parsePorts(config.getOrDefault(ConfigKeys.PORTS, DEFAULT_PORTS));
        final int rxRing = intValue(config, "nic.rx.ring", 512, 64, 4096);
        final int txRing = intValue(config, "nic.tx.ring", 1024, 64, 4096);
        final int defaultBuffers = Integer.highestOneBit(ports.size() * (rxRing + txRing) * 2) * 2;
        return new EmulatedNicConfig(ports,
                intValue(config, ConfigKeys.PACKET_SIZE, 64, 60, 1514),
                intValue(config, ConfigKeys.FLOWS, 1024, 1, 1 << 20),
                longValue(config, ConfigKeys.RATE, 0, 0, 1_000_000_000L),
                longValue(config, ConfigKeys.SEED, 1, Long.MIN_VALUE, Long.MAX_VALUE),
                longValue(config, ConfigKeys.TRAFFIC_PACKETS, 0, 0, Long.MAX_VALUE),
                doubleValue(config, "traffic.bad", 0),
                doubleValue(config, "traffic.unrouted", 0),
                intValue(config, "nic.buffers", defaultBuffers, 64, 1 << 22),
                intValue(config, "nic.buffer.size", 2048, 256, 16384),
                rxRing, txRing,
                config.getOrDefault(ConfigKeys.ROUTES, ""));
    }

    static List<PortSpec> parsePorts(final String text) {
        final List<PortSpec> ports = new ArrayList<>();
        for (final String item : text.split(",")) {
            final String s = item.strip();
            final int eq = s.indexOf('=');
            final int slash = s.indexOf('/');
            if (eq <= 0 || slash < eq) {
                throw new IllegalArgumentException("ports=" + text + ": '" + s + "' is not NAME=ADDR/LEN");
            }
            final String name = s.substring(0, eq);
            final int address;
            final int length;
            try {
                address = Ipv4Address.parse(s.substring(eq + 1, slash));
                length = Integer.parseInt(s.substring(slash + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("ports=" + text + ": '" + s + "': " + e.getMessage());
            }
            if (length < 1 || length > 30) {
                throw new IllegalArgumentException("ports=" + text + ": prefix length of '" + s + "' must be 1..30");
            }
            for (final PortSpec p : ports) {
                if (p.name().equals(name)) {
                    throw new IllegalArgumentException("ports=" + text + ": port " + name + " named twice");
                }
            }
            ports.add(new PortSpec(name, new PortInfo.InterfaceAddress(address, length)));
        }
        if (ports.isEmpty() || ports.size() > 64) {
            throw new IllegalArgumentException("ports=" + text + ": 1..64 ports");
        }
        return ports;
    }

    private static int intValue(final Map<String, String> c, final String key, final int def, final int min,
            final int max) {
        return (int) longValue(c, key, def, min, max);
    }

    private static long longValue(final Map<String, String> c, final String key, final long def, final long min,
            final long max) {
        final String v = c.get(key);
        if (v == null || v.isBlank()) {
            return def;
        }
        final long value;
        try {
            value = Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "=" + v + " is not a whole number");
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + "=" + v + " must be in " + min + ".." + max);
        }
        return value;
    }

    private static double doubleValue(final Map<String, String> c, final String key, final double def) {
        final String v = c.get(key);
        if (v == null || v.isBlank()) {
            return def;
        }
        try {
            final double d = Double.parseDouble(v.strip());
            if (d < 0 || d > 1) {
                throw new IllegalArgumentException(key + "=" + v + " must be a fraction in 0..1");
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "=" + v + " is not a number");
        }
    }
}
