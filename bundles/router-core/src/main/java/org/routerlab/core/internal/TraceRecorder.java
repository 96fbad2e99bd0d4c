package org.routerlab.core.internal;

import org.routerlab.api.engine.DropReason;
import org.routerlab.api.engine.RouterCounter;
import org.routerlab.api.nic.NicPort;
import org.routerlab.api.nic.NicSession;
import org.routerlab.api.packet.PacketBatch;
import org.routerlab.api.packet.PacketView;
import org.routerlab.api.platform.PlatformCounters;
import org.routerlab.api.platform.PlatformOp;
import org.routerlab.api.trace.PacketRecords;
import org.routerlab.api.trace.TraceLevel;
import org.routerlab.api.trace.TraceSink;

/**
 * What the forwarding loop records beyond its counters, for a sink at {@link TraceLevel#BURST} or
 * {@link TraceLevel#PACKET}: per burst, ring occupancy and the platform's counter deltas; per packet, one
 * {@link PacketRecords} entry (filled on arrival, before any rewrite, given its verdict as the burst goes on) and,
 * at tx completion, the modeled latency from the device's rx DMA ({@link PacketBatch#stamp}) to the completion.
 *
 * <p><b>NOTE: forwarding thread only.</b> Everything is allocated here, once per run; nothing per packet or burst.
 * Record index = rx slot index of the burst.
 */
final class TraceRecorder {
    /** Length of a counter snapshot: the router counters, then the platform counters. */
    static final int SNAPSHOT_SIZE = RouterCounter.SIZE + PlatformOp.count();

    private final TraceSink sink;
    private final NicSession session;
    private final NicPort[] ports;
    final boolean packets;
    private final PacketRecords records;
    /** Per egress port: the record index of each frame queued on its tx batch, in queue order. */
    private final int[][] queued;
    private final int[] queuedCount;
    private final long[] latencies;
    private final long[] platformNow = new long[PlatformOp.count()];
    private final long[] platformBefore = new long[PlatformOp.count()];
    private final long[] platformDelta = new long[PlatformOp.count()];
    private final long[] snapshot = new long[SNAPSHOT_SIZE];
    private PlatformCounters platformCounters;
    private long dmaErrorsBefore;
    private long txFullBefore;

    /**
     * @param burst the rx burst size
     * @param completionCapacity the largest completion batch
     * @param snapLength frame bytes kept per packet record
     */
    TraceRecorder(final TraceSink sink, final NicSession session, final NicPort[] ports, final int burst,
            final int completionCapacity, final int snapLength) {
        this.sink = sink;
        this.session = session;
        this.ports = ports;
        this.packets = sink.level().includes(TraceLevel.PACKET);
        this.records = new PacketRecords(burst, packets ? snapLength : 0);
        this.queued = new int[ports.length][burst];
        this.queuedCount = new int[ports.length];
        this.latencies = new long[completionCapacity];
        this.platformCounters = session.platform().counters();
        read(platformCounters, platformBefore);
    }

    // ---- per packet (only when packets is true)

    /** Packet {@code i} of the burst arrived; {@code view} wraps it, not yet rewritten. */
    void arrival(final int i, final PacketView view, final long stamp, final int ingress, final int validation) {
        if (i == 0) {
            for (int q = 0; q < queuedCount.length; q++) {
                queuedCount[q] = 0;
            }
        }
        records.fill(i, view, stamp, ingress, validation == PacketValidator.VALID
                || validation == DropReason.BAD_CHECKSUM.id() || validation == DropReason.TTL_EXCEEDED.id()
                || validation == DropReason.LOCAL.id());
    }

    /** Packet {@code i} was dropped with reason id {@code reason} (after lookup: next hop {@code nextHop}). */
    void drop(final int i, final int reason, final int nextHop) {
        records.outcome(i, 1 + reason, PacketRecords.NO_PORT, nextHop);
    }

    /** Packet {@code i} was queued for {@code egress} as frame {@code txIndex} of its tx batch. */
    void forwarded(final int i, final int egress, final int nextHop, final int txIndex) {
        records.outcome(i, PacketRecords.FORWARDED, egress, nextHop);
        if (txIndex >= 0 && txIndex < queued[egress].length) {
            queued[egress][txIndex] = i;
            queuedCount[egress] = txIndex + 1;
        }
    }

    /** Before the loop transmits port {@code q}'s batch: the burst's DMA-error and tx-full drops so far. */
    void beforeTransmit(final long dmaErrors, final long txFull) {
        dmaErrorsBefore = dmaErrors;
        txFullBefore = txFull;
    }

    /**
     * After port {@code q}'s batch was transmitted: frames the strategy could not map (DMA errors) and frames the
     * ring did not take (tx full, the tail of the rest) get their verdicts. {@code unsent} still holds, in its
     * slots, the frames handed back (DMA errors first, then tx full), which identifies the DMA errors.
     */
    void afterTransmit(final int q, final long dmaErrors, final long txFull, final PacketBatch unsent,
            final PacketBatch rx) {
        final int errors = (int) (dmaErrors - dmaErrorsBefore);
        final int full = (int) (txFull - txFullBefore);
        if (errors == 0 && full == 0) {
            return;
        }
        final int[] order = queued[q];
        final int count = queuedCount[q];
        final int dmaError = 1 + DropReason.DMA_ERROR.id();
        final int txFullVerdict = 1 + DropReason.TX_FULL.id();
        for (int k = 0; k < errors; k++) {
            final int buffer = unsent.buffer(k);
            for (int j = 0; j < count; j++) {
                if (rx.buffer(order[j]) == buffer) {
                    records.verdict(order[j], dmaError);
                    break;
                }
            }
        }
        int left = full;
        for (int j = count - 1; j >= 0 && left > 0; j--) {
            if (records.verdict(order[j]) == PacketRecords.FORWARDED) {
                records.verdict(order[j], txFullVerdict);
                left--;
            }
        }
    }

    /** Transmissions completed on {@code port}: slots {@code [0, n)} of {@code completed}, stamped on receive. */
    void completed(final long wallNanos, final int port, final PacketBatch completed, final int n) {
        final long now = session.modeledTime();
        final long[] latencies = this.latencies;
        final int count = Math.min(n, latencies.length);
        for (int k = 0; k < count; k++) {
            final long stamp = completed.stamp(k);
            latencies[k] = stamp > 0 && now >= stamp ? now - stamp : -1;
        }
        sink.completions(wallNanos, session.modeledNanos(), port, latencies, count);
    }

    // ---- per burst

    /** The burst's records: its packet block (packet level) and the burst record. */
    void burst(final long wallNanos, final int ingress, final int received, final int transmitted,
            final int dropped) {
        final long modeled = session.modeledNanos();
        if (packets) {
            records.size(received);
            sink.packets(wallNanos, modeled, records);
        }
        int txRing = 0;
        for (final NicPort p : ports) {
            txRing += p.txInFlight();
        }
        sink.burst(wallNanos, modeled, ingress, received, transmitted, dropped, ports[ingress].rxHeld(), txRing,
                platformDeltas());
    }

    /** The router counters followed by the platform counters (indexed RouterCounter.SIZE + PlatformOp id). */
    void counters(final long wallNanos, final EngineCounters counters) {
        counters.copyTo(snapshot);
        final PlatformCounters platform = session.platform().counters();
        for (final PlatformOp op : PlatformOp.values()) {
            snapshot[RouterCounter.SIZE + op.id()] = platform.get(op);
        }
        sink.counters(wallNanos, session.modeledNanos(), snapshot);
    }

    private long[] platformDeltas() {
        PlatformCounters platform = session.platform().counters();
        if (platform != platformCounters) {
            // A profile swap replaced the platform: its counters start from zero.
            platformCounters = platform;
            java.util.Arrays.fill(platformBefore, 0);
        }
        read(platform, platformNow);
        final long[] now = platformNow;
        final long[] before = platformBefore;
        final long[] delta = platformDelta;
        for (int k = 0; k < now.length; k++) {
            delta[k] = now[k] - before[k];
            before[k] = now[k];
        }
        return delta;
    }

    private static void read(final PlatformCounters platform, final long[] into) {
        for (int k = 0; k < into.length; k++) {
            into[k] = platform.get(PlatformOp.byId(k));
        }
    }
}
