package org.routerlab.api.nic;

/** Per-port counters with stable ids (used in traces) and JSON keys. */
public enum PortCounter {
    RX_PACKETS(0, "rx_packets"),
    RX_BYTES(1, "rx_bytes"),
    TX_PACKETS(2, "tx_packets"),
    TX_BYTES(3, "tx_bytes"),
    /** Frames the device could not receive because no rx descriptor was posted (the loss slow refill causes). */
    RX_MISSED(4, "rx_missed"),
    /** Frames the device dropped because its DMA hit memory it had no permission on. */
    RX_DMA_FAULTS(5, "rx_dma_faults"),
    TX_DMA_FAULTS(6, "tx_dma_faults"),
    /** Tail (doorbell) register writes: one per rx refill group and per tx burst. */
    RX_TAIL_WRITES(7, "rx_tail_writes"),
    TX_TAIL_WRITES(8, "tx_tail_writes"),
    /** Packets txBurst refused because the tx ring was full. */
    TX_RING_FULL(9, "tx_ring_full");

    private static final PortCounter[] BY_ID = values();

    private final int id;
    private final String key;

    PortCounter(final int id, final String key) {
        this.id = id;
        this.key = key;
    }

    public int id() { return id; }
    public String key() { return key; }
    public static PortCounter byId(final int id) { return BY_ID[id]; }
    public static int count() { return BY_ID.length; }
}
