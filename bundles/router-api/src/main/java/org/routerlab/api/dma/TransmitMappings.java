package org.routerlab.api.dma;

import org.routerlab.api.nic.NicPort;
import org.routerlab.api.packet.PacketBatch;
import org.routerlab.api.platform.DmaDirection;
import org.routerlab.api.platform.DmaPlatform;

/**
 * The classic transmit path shared by strategies that map each frame for the egress device: {@code dma_map_single}
 * of the frame ({@code TO_DEVICE}) before transmit and {@code dma_unmap_single} at tx completion, as ixgbevf's
 * {@code ixgbevf_tx_map} / {@code ixgbevf_clean_tx_irq} do. Stateless; call on the forwarding thread.
 */
public final class TransmitMappings {
    private TransmitMappings() {
    }

    /**
     * Maps every frame of {@code batch} for {@code egress}'s device; a frame that cannot be mapped gets
     * {@link PacketBatch#NO_DMA}. Returns how many were mapped.
     */
    public static int map(final DmaPlatform platform, final NicPort egress, final PacketBatch batch) {
        final int device = egress.info().device();
        final int n = batch.size();
        int ready = 0;
        for (int i = 0; i < n; i++) {
            final int buffer = batch.buffer(i);
            final int offset = (int) (batch.offset(i) - platform.bufferOffset(buffer));
            final long dma = platform.map(device, buffer, offset, batch.length(i), DmaDirection.TO_DEVICE);
            if (dma == DmaPlatform.MAP_FAILED) {
                batch.dma(i, PacketBatch.NO_DMA);
            } else {
                batch.dma(i, dma);
                ready++;
            }
        }
        return ready;
    }

    /** Unmaps the transmit mapping of every frame of {@code batch} that has one (on {@code port}'s device). */
    public static void unmap(final DmaPlatform platform, final NicPort port, final PacketBatch batch) {
        final int device = port.info().device();
        final int n = batch.size();
        for (int i = 0; i < n; i++) {
            final long dma = batch.dma(i);
            if (dma != PacketBatch.NO_DMA) {
                platform.unmap(device, dma, batch.length(i), DmaDirection.TO_DEVICE);
                batch.dma(i, PacketBatch.NO_DMA);
            }
        }
    }
}
