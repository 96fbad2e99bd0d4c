package org.routerlab.api.engine;

/**
 * The engine's counters with stable ids (trace counter snapshots are arrays indexed by these ids). The drop
 * counters follow at {@link #DROPS_BASE} + {@link DropReason#id()}.
 */
public enum RouterCounter {
    PACKETS_RX(0, "packets_rx"),
    PACKETS_TX(1, "packets_tx"),
    BYTES_RX(2, "bytes_rx"),
    BYTES_TX(3, "bytes_tx"),
    BURSTS(4, "bursts"),
    CYCLES(5, "cycles"),
    /** Sum of all drop reasons. */
    DROPS(6, "drops");

    /** Index of the first drop-reason counter in a counter array. */
    public static final int DROPS_BASE = 8;
    /** Length of a counter array. */
    public static final int SIZE = DROPS_BASE + DropReason.count();

    private final int id;
    private final String key;

    RouterCounter(final int id, final String key) {
        this.id = id;
        this.key = key;
    }

    public int id() { return id; }
    public String key() { return key; }
}
