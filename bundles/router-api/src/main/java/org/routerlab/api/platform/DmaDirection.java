package org.routerlab.api.platform;

/** The direction of a DMA mapping, as in the Linux DMA API. */
public enum DmaDirection {
    /** The device writes into the buffer (receive): {@code DMA_FROM_DEVICE}. */
    FROM_DEVICE,
    /** The device reads the buffer (transmit): {@code DMA_TO_DEVICE}. */
    TO_DEVICE,
    /** Both: {@code DMA_BIDIRECTIONAL}. Used by strategies that receive and transmit from the same buffer. */
    BIDIRECTIONAL;

    /** Whether a mapping in this direction lets the device write the buffer. */
    public boolean deviceMayWrite() { return this != TO_DEVICE; }

    /** Whether a mapping in this direction lets the device read the buffer. */
    public boolean deviceMayRead() { return this != FROM_DEVICE; }
}
