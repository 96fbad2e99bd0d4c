package org.routerlab.api.trace;

import java.util.Map;

/**
 * Where the forwarding thread writes fixed-layout trace records.
 *
 * <p><b>NOTE: single-threaded.</b> A sink belongs to the thread that opened it for writing (one appender per
 * thread); it is not thread-safe. Record methods never block the data path and never throw: a record that cannot be
 * written is dropped and counted in {@link #droppedRecords()}. Records below the sink's level are ignored cheaply.
 */
public interface TraceSink extends AutoCloseable {
    TraceLevel level();

    /**
     * One received burst.
     *
     * @param wallNanos wall-clock nanoseconds since the run started
     * @param modeledNanos modeled-clock nanoseconds since the run started
     * @param port ingress port index
     * @param received frames in the burst
     * @param transmitted frames of this burst accepted for transmission
     * @param dropped frames of this burst dropped
     */
    void burst(long wallNanos, long modeledNanos, int port, int received, int transmitted, int dropped);

    /**
     * One received burst with what the rings held and what the platform did since the previous burst record
     * (schema 2). The default drops the extra fields.
     *
     * @param rxRing rx descriptors of the ingress port holding a buffer after the burst ({@code NicPort.rxHeld})
     * @param txRing tx descriptors of all ports in flight after the burst ({@code NicPort.txInFlight})
     * @param platformDeltas per {@link org.routerlab.api.platform.PlatformOp#id()}, what the platform counted since
     *        the previous burst record (maps, unmaps, bounces, hypercalls by type, IOTLB invalidations, DMA faults,
     *        modeled ns); read during the call only
     */
    default void burst(final long wallNanos, final long modeledNanos, final int port, final int received,
            final int transmitted, final int dropped, final int rxRing, final int txRing,
            final long[] platformDeltas) {
        burst(wallNanos, modeledNanos, port, received, transmitted, dropped);
    }

    /**
     * The packet records of one burst ({@link TraceLevel#PACKET}): one entry per received packet, read during the
     * call only. The sink may keep a subset (its filters).
     */
    default void packets(final long wallNanos, final long modeledNanos, final PacketRecords records) {
    }

    /**
     * Transmissions that completed on {@code port} ({@link TraceLevel#PACKET}), in transmit order.
     *
     * @param latencies per completed frame, modeled nanoseconds from the device's DMA of the frame on receive to
     *        this completion, or -1 where unknown; entries {@code [0, count)}, read during the call only
     */
    default void completions(final long wallNanos, final long modeledNanos, final int port, final long[] latencies,
            final int count) {
    }

    /**
     * A periodic snapshot of the router counters (see {@link org.routerlab.api.engine.RouterCounter}), indexed by
     * counter id; from schema 2 the platform counters follow, indexed by
     * {@code RouterCounter.SIZE + PlatformOp.id()}.
     */
    void counters(long wallNanos, long modeledNanos, long[] values);

    /**
     * A hot swap of a plug-in or of the route table, at a burst boundary (rare; may allocate).
     *
     * @param what what changed: {@code dma}, {@code routing}, {@code routes}, {@code profile}
     * @param from the name in use before
     * @param to the name requested
     * @param pauseNanos wall nanoseconds the forwarding thread spent on the swap instead of forwarding
     * @param packetsLost packets the swap itself lost (0 when it worked as designed)
     * @param outcome {@code ok}, or {@code failed: CAUSE} when the old plug-in kept forwarding
     */
    default void swap(long wallNanos, long modeledNanos, String what, String from, String to, long pauseNanos,
            long packetsLost, String outcome) {
    }

    /** The run footer with the final summary; marks the trace complete. */
    void end(Map<String, String> summary);

    long writtenRecords();

    long droppedRecords();

    /** Flushes and closes. Idempotent. */
    @Override
    void close();
}
