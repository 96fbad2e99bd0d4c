package org.routerlab.api.dma;

import org.routerlab.api.nic.NicPort;
import org.routerlab.api.packet.PacketBatch;

/** Takes back every posted-but-unfilled rx descriptor of a port at {@link DmaStrategy#detach()} time. */
public final class RxReclaim {
    /** Receives each reclaimed buffer with the DMA handle it was posted under. */
    @FunctionalInterface
    public interface Sink {
        void accept(int buffer, long dma);
    }

    private RxReclaim() {
    }

    /** Reclaims all of {@code port}'s posted buffers through {@code scratch}; returns how many. Control path. */
    public static long drain(final NicPort port, final PacketBatch scratch, final Sink sink) {
        long total = 0;
        int n;
        do {
            scratch.clear();
            n = port.reclaimRx(scratch, scratch.capacity());
            for (int i = 0; i < n; i++) {
                sink.accept(scratch.buffer(i), scratch.dma(i));
            }
            total += n;
        } while (n > 0);
        scratch.clear();
        return total;
    }
}
