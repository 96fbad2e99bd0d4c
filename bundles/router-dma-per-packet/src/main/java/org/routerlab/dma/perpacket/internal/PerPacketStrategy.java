package org.routerlab.dma.perpacket.internal;

import java.util.List;
import org.routerlab.api.dma.DmaContext;
import org.routerlab.api.dma.DmaStrategy;
import org.routerlab.api.nic.NicPort;
import org.routerlab.api.packet.PacketBatch;
import org.routerlab.api.platform.DmaDirection;
import org.routerlab.api.platform.DmaPlatform;

/**
 * The classic driver policy, as in a Linux driver without page recycling: every rx buffer is freshly allocated
 * and mapped {@code FROM_DEVICE} (whole buffer, like ixgbevf's {@code rx_buf_len}) when it is posted and unmapped
 * when its frame is received; every transmitted frame is mapped {@code TO_DEVICE} for the egress device before
 * transmit and unmapped and freed at tx completion. Two mappings per forwarded packet, nothing reused.
 * {@inheritDoc}
 */
final class PerPacketStrategy implements DmaStrategy {
    static final String NAME = "per-packet";

    private DmaPlatform platform;
    private NicPort[] ports;
    private int bufferSize;
    private PacketBatch reclaimed;
    private long outstanding;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void attach(final DmaContext context) {
        this.platform = context.platform();
        final List<NicPort> list = context.ports();
        this.ports = list.toArray(new NicPort[0]);
        this.bufferSize = platform.bufferSize();
        int maxRing = 1;
        for (final NicPort p : ports) {
            maxRing = Math.max(maxRing, p.rxRingSize());
        }
        this.reclaimed = new PacketBatch(Math.min(maxRing, 4096));
    }

    @Override
    public int refill(final NicPort port) {
        final DmaPlatform p = platform;
        final int device = port.info().device();
        final int free = port.rxFreeSlots();
        int posted = 0;
        for (; posted < free; posted++) {
            final int buffer = p.allocate();
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
        if (posted > 0) {
            port.commitRx();
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
        final DmaPlatform p = platform;
        final int device = egress.info().device();
        final int n = batch.size();
        int ready = 0;
        for (int i = 0; i < n; i++) {
            final int buffer = batch.buffer(i);
            final int offset = (int) (batch.offset(i) - p.bufferOffset(buffer));
            final long dma = p.map(device, buffer, offset, batch.length(i), DmaDirection.TO_DEVICE);
            if (dma == DmaPlatform.MAP_FAILED) {
                batch.dma(i, PacketBatch.NO_DMA);
            } else {
                batch.dma(i, dma);
                ready++;
            }
        }
        return ready;
    }

    @Override
    public void onTransmitted(final NicPort port, final PacketBatch completed) {
        final DmaPlatform p = platform;
        final int device = port.info().device();
        final int n = completed.size();
        for (int i = 0; i < n; i++) {
            p.unmap(device, completed.dma(i), completed.length(i), DmaDirection.TO_DEVICE);
            p.free(completed.buffer(i));
        }
        outstanding -= n;
    }

    @Override
    public void release(final PacketBatch dropped) {
        final DmaPlatform p = platform;
        final int n = dropped.size();
        for (int i = 0; i < n; i++) {
            p.free(dropped.buffer(i));
        }
        outstanding -= n;
    }

    @Override
    public void releaseUnsent(final NicPort egress, final PacketBatch unsent) {
        final DmaPlatform p = platform;
        final int device = egress.info().device();
        final int n = unsent.size();
        for (int i = 0; i < n; i++) {
            final long dma = unsent.dma(i);
            if (dma != PacketBatch.NO_DMA) {
                p.unmap(device, dma, unsent.length(i), DmaDirection.TO_DEVICE);
            }
            p.free(unsent.buffer(i));
        }
        outstanding -= n;
    }

    @Override
    public void detach() {
        final DmaPlatform p = platform;
        for (final NicPort port : ports) {
            final int device = port.info().device();
            int n;
            do {
                reclaimed.clear();
                n = port.reclaimRx(reclaimed, reclaimed.capacity());
                for (int i = 0; i < n; i++) {
                    p.unmap(device, reclaimed.dma(i), bufferSize, DmaDirection.FROM_DEVICE);
                    p.free(reclaimed.buffer(i));
                }
                outstanding -= n;
            } while (n > 0);
        }
    }

    @Override
    public long buffersOutstanding() {
        return outstanding;
    }
}
