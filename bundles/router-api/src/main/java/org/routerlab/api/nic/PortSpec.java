package org.routerlab.api.nic;

import java.util.ArrayList;
import java.util.List;
import org.routerlab.api.packet.Ipv4Address;

/**
 * A port as configured with {@code ports=NAME=ADDR/LEN,NAME=ADDR/LEN,…} (the emulated backends and AF_XDP alike).
 *
 * @param name interface name
 * @param address the port's address and prefix length (its connected route)
 */
public record PortSpec(String name, PortInfo.InterfaceAddress address) {
    /**
     * Parses the {@code ports} setting: 1..64 ports, distinct names, prefix lengths 1..30.
     *
     * @throws IllegalArgumentException naming the setting and the item that is wrong
     */
    public static List<PortSpec> parseList(final String text) {
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
}
