package org.routerlab.api.engine;

/**
 * Why the engine dropped a packet. Every received packet is either transmitted or dropped with exactly one of
 * these. Ids are stable (traces), keys are the JSON and status-line names.
 */
public enum DropReason {
    /** Shorter than an Ethernet header plus a minimal IPv4 header. */
    TOO_SHORT(0, "too-short"),
    /** Not IPv4 (ARP, IPv6, …): a router without a control plane for it drops it. */
    NOT_IPV4(1, "not-ipv4"),
    /** IPv4 version ≠ 4, IHL &lt; 5, total length beyond the frame or below the header length. */
    BAD_HEADER(2, "bad-header"),
    BAD_CHECKSUM(3, "bad-checksum"),
    /** TTL ≤ 1 on arrival: forwarding would make it 0 (RFC 1812 5.3.1). */
    TTL_EXCEEDED(4, "ttl-exceeded"),
    NO_ROUTE(5, "no-route"),
    BLACKHOLE(6, "blackhole"),
    UNREACHABLE(7, "unreachable"),
    /** Addressed to the router itself; this engine has no local stack for it. */
    LOCAL(8, "local"),
    /** The next hop's MAC address is not known. */
    NO_NEIGHBOUR(9, "no-neighbour"),
    /** The strategy could not make the frame transmittable (mapping failed). */
    DMA_ERROR(10, "dma-error"),
    /** The egress tx ring was full. */
    TX_FULL(11, "tx-full"),
    /** The next hop id returned by the routing algorithm is out of range (a misbehaving plug-in). */
    BAD_NEXT_HOP(12, "bad-next-hop"),
    /** A plug-in threw on the data path while handling the packet's burst; the plug-in is quarantined. */
    PLUGIN_ERROR(13, "plugin-error");

    private static final DropReason[] BY_ID = values();

    private final int id;
    private final String key;

    DropReason(final int id, final String key) {
        this.id = id;
        this.key = key;
    }

    public int id() { return id; }
    public String key() { return key; }
    public static DropReason byId(final int id) { return BY_ID[id]; }
    public static int count() { return BY_ID.length; }
}
