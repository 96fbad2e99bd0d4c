package org.routerlab.dma.perpacket;

import java.util.List;
import org.routerlab.api.dma.DmaContext;
import org.routerlab.api.dma.DmaStrategy;
import org.routerlab.api.dma.RxReclaim;
import org.routerlab.api.dma.TransmitMappings;
import org.routerlab.api.nic.NicPort;
import org.routerlab.api.packet.PacketBatch;
import org.routerlab.api.platform.DmaDirection;
import org.routerlab.api.platform.DmaPlatform;

/**
 * The classic driver policy, as in a Linux driver without page recycling: every rx buffer is freshly allocated
 * and mapped {@code FROM_DEVICE} (whole buffer, like ixgbevf's {@code rx_buf_len}) when it is posted and unmapped
 * when its frame is received; every transmitted frame is mapped {@code TO_DEVICE} for the egress device before
 * transmit and unmapped and freed at tx completion. Two mappings per forwarded packet, nothing reused.
 *
 * <p>The refill group is the one knob: {@code per-packet} replaces each consumed buffer at once, with its own
 * tail write (group 1); ixgbevf 2.0 ({@code batch-16}) waits until 16 descriptors are free and posts them with
 * one tail write per group of 16 ({@code IXGBEVF_RX_BUFFER_WRITE}), 1/16 of the tail writes. Exported so the {@code batch-16} bundle reuses
 * it rather than copying it.
 */
public final class ClassicDriverStrategy implements DmaStrategy {
    private final String name;
    private final int refillGroup;

    private DmaPlatform platform;
    private NicPort[] ports;
    private int bufferSize;
    /** Made with the strategy, off the forwarding thread (which also loads {@code RxReclaim} here, not at detach). */
    private final PacketBatch reclaimed = RxReclaim.newBatch();
    private long outstanding;
    /** Device of the port being drained at detach. */
    private int drainDevice;
    /**
     * Linked here, on the thread that creates the strategy: a lambda first evaluated in {@link #detach()} would
     * bootstrap its call site there, milliseconds on the forwarding thread at the end of a hot swap.
     */
    private final RxReclaim.Sink unmapReclaimed = this::unmapReclaimed;

    /**
     * @param name the plug-in name this instance reports
     * @param refillGroup descriptors posted per tail write; refill waits until that many are free (1 = post all)
     */
    public ClassicDriverStrategy(final String name, final int refillGroup) {
        if (refillGroup < 1 || refillGroup > 4096) {
            throw new IllegalArgumentException("dma.batch=" + refillGroup + " must be in 1..4096");
        }
        this.name = name;
        this.refillGroup = refillGroup;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void attach(final DmaContext context) {
        this.platform = context.platform();
        final List<NicPort> list = context.ports();
        this.ports = list.toArray(new NicPort[0]);
        this.bufferSize = platform.bufferSize();
    }

    @Override
    public int refill(final NicPort port) {
        final int group = refillGroup;
        int free = port.rxFreeSlots();
        if (group > 1) {
            free -= free % group;
        }
        int posted = 0;
        while (posted < free) {
            final int chunk = group;
            final int n = post(port, chunk);
            posted += n;
            if (n > 0) {
                port.commitRx();
            }
            if (n < chunk) {
                break;
            }
        }
        return posted;
    }

    /** Allocates, maps and posts up to {@code count} buffers; returns how many. */
    private int post(final NicPort port, final int count) {
        final DmaPlatform p = platform;
        final int device = port.info().device();
        int posted = 0;
        for (; posted < count; posted++) {
            final int buffer = p.allocate(device);
            if (buffer == DmaPlatform.NO_BUFFER) {
                break;
            }
            final long dma = p.map(device, buffer, 0, bufferSize, DmaDirection.FROM_DEVICE);
            if (dma == DmaPlatform.MAP_FAILED) {
                p.free(buffer);
                break;
            }
            port.postRx(buffer, dma);
            outstanding++;
        }
        return posted;
    }

    @Override
    public void onReceive(final NicPort port, final PacketBatch received) {
        final DmaPlatform p = platform;
        final int device = port.info().device();
        final int n = received.size();
        for (int i = 0; i < n; i++) {
            p.unmap(device, received.dma(i), bufferSize, DmaDirection.FROM_DEVICE);
            received.dma(i, PacketBatch.NO_DMA);
        }
    }

    @Override
    public int prepareTransmit(final NicPort egress, final PacketBatch batch) {
        return TransmitMappings.map(platform, egress, batch);
    }

    @Override
    public void onTransmitted(final NicPort port, final PacketBatch completed) {
        TransmitMappings.unmap(platform, port, completed);
        freeAll(completed);
    }

    @Override
    public void release(final PacketBatch dropped) {
        freeAll(dropped);
    }

    @Override
    public void releaseUnsent(final NicPort egress, final PacketBatch unsent) {
        TransmitMappings.unmap(platform, egress, unsent);
        freeAll(unsent);
    }

    private void freeAll(final PacketBatch batch) {
        final DmaPlatform p = platform;
        final int n = batch.size();
        for (int i = 0; i < n; i++) {
            p.free(batch.buffer(i));
        }
        outstanding -= n;
    }

    @Override
    public void detach() {
        for (final NicPort port : ports) {
            drainDevice = port.info().device();
            outstanding -= RxReclaim.drain(port, reclaimed, unmapReclaimed);
        }
    }

    private void unmapReclaimed(final int buffer, final long dma) {
        platform.unmap(drainDevice, dma, bufferSize, DmaDirection.FROM_DEVICE);
        platform.free(buffer);
    }

    @Override
    public long buffersOutstanding() {
        return outstanding;
    }
}
