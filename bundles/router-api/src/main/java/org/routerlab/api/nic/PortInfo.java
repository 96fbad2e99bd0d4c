package org.routerlab.api.nic;

import java.util.List;

/**
 * The identity of a port.
 *
 * @param index position in {@link NicSession#ports()}, used as the port number in batches and next hops
 * @param name interface name ({@code p0}, {@code veth-r1}, …)
 * @param mac the port's MAC address (48 bits in the low bits)
 * @param device the DMA device id of this port on the platform
 * @param addresses the port's IPv4 addresses with their prefix lengths
 */
public record PortInfo(int index, String name, long mac, int device, List<InterfaceAddress> addresses) {
    public PortInfo {
        addresses = List.copyOf(addresses);
    }

    /** An IPv4 address and prefix length assigned to a port; the connected route is {@code address/length}. */
    public record InterfaceAddress(int address, int prefixLength) {
        public InterfaceAddress {
            if (prefixLength < 0 || prefixLength > 32) {
                throw new IllegalArgumentException("prefixLength=" + prefixLength);
            }
        }
    }
}
