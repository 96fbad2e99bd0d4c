package org.routerlab.api.packet;

/**
 * Byte offsets of an Ethernet II header (no VLAN tag).
 * <pre>
 *   0                   6                   12      14
 *   +-------------------+-------------------+-------+
 *   | destination MAC   | source MAC        | type  |
 *   +-------------------+-------------------+-------+
 * </pre>
 * Multi-byte fields are in network byte order (big-endian).
 */
public final class EthernetLayout {
    public static final int DESTINATION = 0;
    public static final int SOURCE = 6;
    public static final int ETHER_TYPE = 12;
    public static final int HEADER_LENGTH = 14;
    /** Minimum frame without FCS (60 bytes); 64 on the wire with FCS. */
    public static final int MIN_FRAME = 60;
    /** Maximum untagged frame without FCS for a 1500-byte MTU. */
    public static final int MAX_FRAME = 1514;
    public static final int TYPE_IPV4 = 0x0800;
    public static final int TYPE_ARP = 0x0806;
    public static final int TYPE_IPV6 = 0x86DD;

    private EthernetLayout() {
    }
}
