package org.routerlab.api.dma;

import org.osgi.annotation.versioning.ConsumerType;
import org.routerlab.api.nic.NicPort;
import org.routerlab.api.packet.PacketBatch;

/**
 * The policy of buffer and DMA-mapping management: when buffers are allocated, mapped, unmapped, granted to a
 * device, copied or reused. The forwarding engine calls the hooks once per burst, in this order per cycle:
 * <pre>
 *   attach ─┬─► refill(port) ─► [device receives] ─► rxBurst ─► onReceive(port, batch)
 *           │      ─► [validate, look up, rewrite] ─► release(dropped) ─► prepareTransmit(egress, batch)
 *           │      ─► txBurst ─► releaseUnsent(egress, unsent) ─► [device transmits] ─► onTransmitted ────┐
 *           └──────────────────────────────────────────────────────────────────────────────────────────────┘
 *   detach
 * </pre>
 *
 * <p><b>Buffer ownership.</b> Every buffer the strategy allocates is, at any moment, in exactly one of: the
 * strategy's own pool, a port's rx ring (posted), the engine (between {@code onReceive} and transmit or release),
 * a port's tx ring (accepted, until {@code onTransmitted}). The strategy must account for all of them: after
 * {@link #detach()} every buffer it allocated is freed and every mapping it made is unmapped exactly once.
 *
 * <p><b>Hot swap.</b> The engine may replace a running strategy by another, make-before-break. While the old one
 * keeps forwarding, the new one is {@linkplain #prepare prepared} in bounded steps at burst boundaries, then
 * {@linkplain #attach attached}; at one burst boundary it becomes the one asked to {@link #refill}. The rx
 * descriptors the old one posted stay in the ring, ahead of the new one's (rings are FIFO): frames received into
 * them, and frames still in the tx rings, keep flowing to their owner ({@code onReceive}, {@code prepareTransmit},
 * {@code onTransmitted}). On a port that goes quiet, the engine takes back the descriptors the device has not filled
 * and hands each to the strategy that posted it as an empty received frame ({@link #onReceive} then
 * {@link #release}). Once none of its buffers is left in any ring, the old one is {@linkplain #retire retired} in
 * bounded steps and then {@link #detach()}ed. The ports a strategy sees through {@link DmaContext} therefore return
 * nothing from {@link NicPort#reclaimRx} when run by the engine: a strategy must not count on reclaiming there (test
 * harnesses that drive it alone may still hand ports that do).
 *
 * <p><b>Threading.</b> Single-threaded: every method is called on the forwarding thread. Data-path hooks never
 * throw for resource exhaustion; they return counts (a strategy that throws from a hook is treated as broken and
 * may be quarantined by the engine).
 */
@ConsumerType
public interface DmaStrategy {
    /** The plug-in name this instance was created by. */
    String name();

    /**
     * Binds the strategy to a platform and ports; allocate and premap here if the policy premaps. After
     * {@link #prepare} returned {@code true} for the same context, only what is left is done here (a hot swap's
     * forwarding pause); without it, everything.
     */
    void attach(DmaContext context);

    /**
     * Optional staged start, so that a hot swap does not stall forwarding while a policy premaps thousands of
     * buffers: before {@link #attach} the engine may call this repeatedly, each time at a burst boundary, until it
     * returns {@code true}. Each call does what it can (allocate, map) and returns by {@code deadlineNanos} (a
     * {@link System#nanoTime()} value; overrunning it by one buffer's work is fine), returning whether everything is
     * ready. Buffers prepared here count in {@link #buffersOutstanding()} and are released by {@link #detach()} if the
     * swap is abandoned. The default has nothing to prepare.
     *
     * @since 1.2
     */
    default boolean prepare(DmaContext context, long deadlineNanos) {
        return true;
    }

    /**
     * Optional staged stop: once a strategy replaced by a hot swap holds no buffer in any ring, the engine may call
     * this repeatedly at burst boundaries before {@link #detach()}, until it returns {@code true}. Each call frees and
     * unmaps part of the strategy's pool and returns by {@code deadlineNanos}. The default leaves everything to
     * {@code detach}.
     *
     * @since 1.2
     */
    default boolean retire(long deadlineNanos) {
        return true;
    }

    /**
     * Posts buffers to {@code port}'s rx ring (usually up to {@link NicPort#rxFreeSlots()}) and commits them to
     * the device; returns how many were posted. Called every cycle; a policy that refills in groups (ixgbevf's 16)
     * posts nothing until a group is due.
     */
    int refill(NicPort port);

    /**
     * Called once per rx burst with the frames just received on {@code port}, before the engine reads them.
     * After this returns, the CPU may read and write the buffers (e.g. an rx mapping has been unmapped or synced).
     */
    void onReceive(NicPort port, PacketBatch received);

    /**
     * Makes every frame in {@code batch} transmittable by {@code egress}: sets {@link PacketBatch#dma(int)} to a
     * handle the egress device may read (map, grant, or copy into an egress buffer and replace the slot's buffer).
     * A frame that cannot be made transmittable gets {@link PacketBatch#NO_DMA}; the engine then drops it
     * (reason {@code dma-error}) and hands it back through {@link #releaseUnsent}. Returns the number made
     * transmittable.
     */
    int prepareTransmit(NicPort egress, PacketBatch batch);

    /** Frames whose transmission on {@code port} completed: unmap, free or recycle their buffers. */
    void onTransmitted(NicPort port, PacketBatch completed);

    /**
     * Frames the engine dropped after {@link #onReceive} and before {@link #prepareTransmit} (invalid, no route,
     * …): the strategy takes their buffers back. Slots are as {@link #onReceive} left them; {@code port(i)} is the
     * ingress port.
     */
    void release(PacketBatch dropped);

    /**
     * Frames that went through {@link #prepareTransmit} for {@code egress} but were not transmitted: those it
     * marked {@link PacketBatch#NO_DMA}, and those the tx ring refused. The strategy undoes what
     * {@code prepareTransmit} did for the others and takes the buffers back.
     */
    void releaseUnsent(NicPort egress, PacketBatch unsent);

    /**
     * Releases everything: buffers in the strategy's pool are freed, their mappings unmapped. Called on the forwarding
     * thread after the last cycle, or once a strategy replaced by a hot swap has got all its buffers back. Buffers
     * still posted on rx rings may be reclaimed through the ports (outside the engine, e.g. in a test harness);
     * under the engine there are none left by then.
     */
    void detach();

    /** Buffers this strategy currently holds allocated (in any of the places above); 0 after {@link #detach()}. */
    long buffersOutstanding();
}
