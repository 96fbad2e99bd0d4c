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

    /** Capacity of {@link #newBatch()}: a burst's worth. */
    public static final int BATCH = 64;

    private RxReclaim() {
    }

    /**
     * A scratch batch for {@link #drain}, which repeats until the port has nothing left, so it need not hold a whole
     * ring. Make it where the strategy is made (a field initializer): a hot swap creates a strategy per swap, and a
     * ring-sized batch made at attach was 160 KiB of garbage on the forwarding thread each time.
     *
     * @since 1.3
     */
    public static PacketBatch newBatch() {
        return new PacketBatch(BATCH);
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
