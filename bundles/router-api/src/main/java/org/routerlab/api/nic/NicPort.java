package org.routerlab.api.nic;

import org.routerlab.api.engine.DropReason;
import org.routerlab.api.packet.PacketBatch;

/**
 * One port (one rx queue and one tx queue) of an opened backend, in the shape of DPDK's burst API and of an
 * ixgbevf descriptor ring pair.
 *
 * <p><b>Receive.</b> The device receives into buffers that were {@link #postRx posted} to its rx ring (by the DMA
 * strategy at refill time) under a DMA handle that lets the device write them. {@link #rxBurst} hands completed
 * descriptors to the caller; the caller then owns those buffers. Frames that find no posted descriptor are counted
 * as {@link PortCounter#RX_MISSED}.
 *
 * <p><b>Transmit.</b> {@link #txBurst} takes frames whose {@link PacketBatch#dma(int)} is a handle under which this
 * port's device may read the buffer. The port owns accepted buffers until they come back from
 * {@link #reapTxCompletions}; the caller keeps the rest.
 *
 * <p><b>Threading and errors.</b> Called only from the forwarding thread. Data-path methods return counts and never
 * throw; problems are counted in {@link #counters()}.
 */
public interface NicPort {
    PortInfo info();

    /**
     * Appends up to {@code max} received frames to {@code batch} (never beyond its capacity) and returns how many.
     * Each slot carries the buffer, its offset and length, the rx DMA handle and this port's index.
     */
    int rxBurst(PacketBatch batch, int max);

    /** Number of rx descriptors that are free for posting. */
    int rxFreeSlots();

    /** Size of the rx descriptor ring. */
    int rxRingSize();

    /**
     * Writes one rx descriptor for {@code buffer} mapped under {@code dma}. The device does not see it until
     * {@link #commitRx()}. Returns false when the ring is full.
     */
    boolean postRx(int buffer, long dma);

    /** Publishes posted descriptors to the device with one tail register write (counted), if any were posted. */
    void commitRx();

    /**
     * Transmits slots {@code [0, batch.size())} in order until the tx ring is full and returns how many were
     * accepted (a prefix of the batch). One tail write per call.
     */
    int txBurst(PacketBatch batch);

    /** Number of free tx descriptors. */
    int txFreeSlots();

    /**
     * Appends to {@code completed} up to {@code max} frames whose transmission finished (buffer, offset, length and
     * the tx DMA handle they were sent with); ownership of those buffers returns to the caller.
     */
    int reapTxCompletions(PacketBatch completed, int max);

    /**
     * Takes back up to {@code max} rx descriptors that were posted but not yet filled (ring teardown, or a DMA
     * strategy handing its ring over) and appends them to {@code out} with their buffer and DMA handle; the caller
     * owns those buffers again. Returns how many.
     */
    int reclaimRx(PacketBatch out, int max);

    /**
     * Number of rx descriptors that hold a buffer: posted (committed or not) or filled but not yet handed out by
     * {@link #rxBurst}. Rings are FIFO, so these are exactly the next {@code rxHeld()} frames {@link #rxBurst} will
     * return (the engine relies on this to hand a ring from one DMA strategy to the next without loss). The default
     * follows the ixgbevf convention of one descriptor kept empty; a backend whose ring uses every slot overrides it.
     */
    default int rxHeld() { return rxRingSize() - 1 - rxFreeSlots(); }

    /** Number of frames accepted by {@link #txBurst} whose completion has not been reaped yet. */
    int txInFlight();

    /**
     * The MAC address of the neighbour {@code ipv4} on this port's link, or -1 when it is not (yet) known.
     * Called on the control plane for gateways and on the data path for directly connected destinations.
     */
    long neighbourMac(int ipv4);

    PortCounters counters();

    /**
     * The exception path ("punt"): the engine hands the port each frame it received but will not forward, just
     * before releasing it, so that a backend attached to real hosts can act as their router — answer ARP
     * ({@code NOT_IPV4}), answer ICMP echo to its own addresses ({@code LOCAL}), send ICMP time-exceeded
     * ({@code TTL_EXCEEDED}) or destination-unreachable ({@code NO_ROUTE}, {@code UNREACHABLE}), or resolve a
     * neighbour and hold a copy of the frame until it is known ({@code NO_NEIGHBOUR}; called on the <em>egress</em>
     * port with {@code nextHopAddress} the gateway or the destination; the frame is not rewritten yet).
     * Every other call is made on the ingress port with {@code nextHopAddress} 0.
     *
     * <p>The frame stays the engine's: the port may read it and copy what it needs into its own buffers, but must
     * not keep or modify it. Called on the forwarding thread; must not block or throw. The engine counts the frame
     * as dropped with {@code reason} whatever the port does. Emulated backends ignore it (the default).
     */
    default void punt(final PacketBatch batch, final int slot, final DropReason reason, final int nextHopAddress) {
    }
}
