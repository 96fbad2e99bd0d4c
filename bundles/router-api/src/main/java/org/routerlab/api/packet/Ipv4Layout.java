package org.routerlab.api.packet;

/**
 * Byte offsets of an IPv4 header, relative to the start of the IP header (RFC 791).
 * <pre>
 *    0       4       8              16      19              31
 *   +-------+-------+---------------+-----------------------+
 *   |version|  IHL  |     DSCP/ECN  |     total length      |  0
 *   +-------+-------+---------------+-----+-----------------+
 *   |        identification         |flags| fragment offset |  4
 *   +---------------+---------------+-----+-----------------+
 *   |      TTL      |   protocol    |    header checksum    |  8
 *   +---------------+---------------+-----------------------+
 *   |                    source address                     | 12
 *   +-------------------------------------------------------+
 *   |                  destination address                  | 16
 *   +-------------------------------------------------------+
 * </pre>
 */
public final class Ipv4Layout {
    public static final int VERSION_IHL = 0;
    public static final int TOS = 1;
    public static final int TOTAL_LENGTH = 2;
    public static final int IDENTIFICATION = 4;
    public static final int FLAGS_FRAGMENT = 6;
    public static final int TTL = 8;
    public static final int PROTOCOL = 9;
    public static final int CHECKSUM = 10;
    public static final int SOURCE = 12;
    public static final int DESTINATION = 16;
    public static final int MIN_HEADER_LENGTH = 20;
    public static final int PROTOCOL_ICMP = 1;
    public static final int PROTOCOL_TCP = 6;
    public static final int PROTOCOL_UDP = 17;

    private Ipv4Layout() {
    }
}
