package org.routerlab.nic.afxdp.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What a port's control plane (ARP, ICMP, neighbour resolution) and its AF_XDP socket did, beyond the API's
 * {@link org.routerlab.api.nic.PortCounter}s. Single writer (the forwarding thread), readers anywhere; logged per
 * port when the session closes.
 */
enum ControlCounter {
    ARP_REQUESTS_SENT("arp_requests_sent"),
    ARP_REPLIES_SENT("arp_replies_sent"),
    /** Neighbour entries created or refreshed from ARP. */
    ARP_LEARNED("arp_learned"),
    ICMP_ECHO_REPLIES("icmp_echo_replies"),
    ICMP_TIME_EXCEEDED("icmp_time_exceeded"),
    ICMP_UNREACHABLE("icmp_unreachable"),
    /** ICMP errors not sent because of the rate limit. */
    ICMP_RATE_LIMITED("icmp_rate_limited"),
    /** Frames held while their next hop resolved. */
    HELD("held"),
    /** Held frames sent once the neighbour answered. */
    HELD_SENT("held_sent"),
    /** Frames dropped while resolving: hold queue full, no own frame free, or the neighbour never answered. */
    RESOLVE_DROPPED("resolve_dropped"),
    /** Frames the port sent from its own frames (ARP, ICMP, held). */
    OWN_TX("own_tx"),
    /** Own frames not sent: tx ring full or no own frame free. */
    OWN_TX_DROPPED("own_tx_dropped"),
    /** Transmit kicks (sendto) and how many of them came back EAGAIN (more than the kernel's tx budget queued). */
    TX_KICKS("tx_kicks"),
    TX_KICKS_EAGAIN("tx_kicks_eagain"),
    /** Frames received into the rx ring but never handed to the engine, because a reclaim took them back. */
    RX_DISCARDED_AT_STOP("rx_discarded_at_reclaim"),
    /** Busy polls (io_uring running the device's NAPI in the forwarding thread), with nic.busy.poll. */
    BUSY_POLLS("busy_polls"),
    /** The (first) NAPI id of the device that the port busy-polls (0: busy polling off). */
    BUSY_POLL_NAPI_ID("busy_poll_napi_id"),
    /** XDP_STATISTICS of the socket, as last read. */
    XDP_RX_DROPPED("xdp_rx_dropped"),
    XDP_RX_INVALID_DESCS("xdp_rx_invalid_descs"),
    XDP_TX_INVALID_DESCS("xdp_tx_invalid_descs"),
    XDP_RX_RING_FULL("xdp_rx_ring_full"),
    XDP_RX_FILL_RING_EMPTY("xdp_rx_fill_ring_empty_descs"),
    XDP_TX_RING_EMPTY("xdp_tx_ring_empty_descs");

    private static final ControlCounter[] ALL = values();

    private final String key;

    ControlCounter(final String key) {
        this.key = key;
    }

    String key() {
        return key;
    }

    /** The counter values of one port. */
    static final class Values {
        private final AtomicLongArray values = new AtomicLongArray(ALL.length);

        void add(final ControlCounter c, final long delta) {
            final int i = c.ordinal();
            values.setRelease(i, values.getPlain(i) + delta);
        }

        void set(final ControlCounter c, final long value) {
            values.setRelease(c.ordinal(), value);
        }

        long get(final ControlCounter c) {
            return values.getAcquire(c.ordinal());
        }

        Map<String, Long> snapshot() {
            final Map<String, Long> m = new LinkedHashMap<>();
            for (final ControlCounter c : ALL) {
                m.put(c.key, get(c));
            }
            return m;
        }
    }
}
