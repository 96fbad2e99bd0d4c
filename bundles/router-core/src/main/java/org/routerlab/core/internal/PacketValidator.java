package org.routerlab.core.internal;

import org.routerlab.api.engine.DropReason;
import org.routerlab.api.packet.EthernetLayout;
import org.routerlab.api.packet.Ipv4Layout;
import org.routerlab.api.packet.PacketView;

/**
 * Ethernet/IPv4 checks a router makes before forwarding (RFC 1812 5.2.2 and 5.3.1): Ethernet type, version, IHL,
 * total length against the frame, header checksum, TTL. Stateless.
 */
final class PacketValidator {
    /** {@link #validate} result for a packet that may be forwarded. */
    static final int VALID = -1;

    private static final int MIN_LENGTH = EthernetLayout.HEADER_LENGTH + Ipv4Layout.MIN_HEADER_LENGTH;
    private static final int TOO_SHORT = DropReason.TOO_SHORT.id();
    private static final int NOT_IPV4 = DropReason.NOT_IPV4.id();
    private static final int BAD_HEADER = DropReason.BAD_HEADER.id();
    private static final int BAD_CHECKSUM = DropReason.BAD_CHECKSUM.id();

    private PacketValidator() {
    }

    /**
     * Returns {@link #VALID} or the id of the {@link DropReason} for the frame under {@code view}. The TTL is not
     * checked here: a packet addressed to the router itself is not forwarded whatever its TTL.
     */
    static int validate(final PacketView view) {
        final int length = view.length();
        if (length < MIN_LENGTH) {
            return TOO_SHORT;
        }
        if (view.etherType() != EthernetLayout.TYPE_IPV4) {
            return NOT_IPV4;
        }
        if (view.ipVersion() != 4) {
            return BAD_HEADER;
        }
        final int headerLength = view.ipHeaderLength();
        final int ipLength = length - EthernetLayout.HEADER_LENGTH;
        if (headerLength < Ipv4Layout.MIN_HEADER_LENGTH || headerLength > ipLength) {
            return BAD_HEADER;
        }
        final int totalLength = view.ipTotalLength();
        if (totalLength < headerLength || totalLength > ipLength) {
            return BAD_HEADER;
        }
        if (!view.ipChecksumValid()) {
            return BAD_CHECKSUM;
        }
        return VALID;
    }
}
