package org.routerlab.nic.afxdp.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/** What the backend needs to know about a network interface, from {@code if_nametoindex} and {@code ioctl}s. */
final class Interfaces {
    private static final int ETHTOOL_GDRVINFO = 0x3;
    private static final int ETHTOOL_GCHANNELS = 0x3c;

    /** @param virtual true for software devices (veth, bridge, …): no device behind them in sysfs */
    record Link(String name, int ifindex, long mac, boolean up, int mtu, boolean virtual, int rxQueues) {
    }

    private Interfaces() {
    }

    /**
     * @throws IllegalArgumentException when there is no such interface in this network namespace, or it is down
     */
    static Link lookup(final String name) throws NativeException {
        if (name.length() > 15) {
            throw new IllegalArgumentException("ports: interface name '" + name + "' is longer than 15 characters");
        }
        final int ifindex = Native.ifNameToIndex(name);
        if (ifindex == 0) {
            throw new IllegalArgumentException("ports: no interface '" + name + "' in this network namespace ("
                    + "ip -br link lists them; run the router inside the namespace, e.g. ip netns exec NS ./router run …)");
        }
        final int fd = Native.socket(Native.AF_INET, Native.SOCK_DGRAM | Native.SOCK_CLOEXEC, 0, "socket(AF_INET)");
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment ifreq = arena.allocate(40, 8);
            final byte[] n = name.getBytes(StandardCharsets.US_ASCII);
            MemorySegment.copy(n, 0, ifreq, JAVA_BYTE, 0, n.length);
            Native.ioctl(fd, Native.SIOCGIFHWADDR, ifreq, "ioctl(SIOCGIFHWADDR, " + name + ")");
            long mac = 0;
            for (int i = 0; i < 6; i++) {
                mac = (mac << 8) | (ifreq.get(JAVA_BYTE, 18 + i) & 0xFF);
            }
            Native.ioctl(fd, Native.SIOCGIFFLAGS, ifreq, "ioctl(SIOCGIFFLAGS, " + name + ")");
            final boolean up = (ifreq.get(JAVA_SHORT, 16) & Native.IFF_UP) != 0;
            Native.ioctl(fd, Native.SIOCGIFMTU, ifreq, "ioctl(SIOCGIFMTU, " + name + ")");
            final int mtu = ifreq.get(JAVA_INT, 16);
            // ethtool: a device without a bus (veth, bridge, tun) is virtual; the channel count is the rx queues.
            final MemorySegment info = arena.allocate(196, 8);
            info.set(JAVA_INT, 0, ETHTOOL_GDRVINFO);
            ifreq.set(ADDRESS, 16, info);
            boolean virtual = false;
            try {
                Native.ioctl(fd, Native.SIOCETHTOOL, ifreq, "ioctl(ETHTOOL_GDRVINFO, " + name + ")");
                virtual = info.get(JAVA_BYTE, 4 + 32 + 32 + 32) == 0;
            } catch (NativeException e) {
                virtual = false;
            }
            final MemorySegment channels = arena.allocate(36, 8);
            channels.set(JAVA_INT, 0, ETHTOOL_GCHANNELS);
            ifreq.set(ADDRESS, 16, channels);
            int queues = 1;
            try {
                Native.ioctl(fd, Native.SIOCETHTOOL, ifreq, "ioctl(ETHTOOL_GCHANNELS, " + name + ")");
                queues = channels.get(JAVA_INT, 20) + channels.get(JAVA_INT, 32);
            } catch (NativeException e) {
                queues = 1;
            }
            return new Link(name, ifindex, mac, up, mtu, virtual, Math.max(1, queues));
        } finally {
            Native.close(fd);
        }
    }
}
