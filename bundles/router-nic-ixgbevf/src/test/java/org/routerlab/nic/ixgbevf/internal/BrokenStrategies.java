package org.routerlab.nic.ixgbevf.internal;

import java.util.Map;
import org.routerlab.api.dma.DmaContext;
import org.routerlab.api.dma.DmaStrategy;
import org.routerlab.api.dma.DmaStrategyFactory;
import org.routerlab.api.dma.RxReclaim;
import org.routerlab.api.nic.NicPort;
import org.routerlab.api.packet.PacketBatch;
import org.routerlab.api.platform.DmaDirection;
import org.routerlab.api.platform.DmaPlatform;

/**
 * Strategies with one classic bug each, built on a correct per-packet policy, for the fault model to catch. Each
 * keeps its own books straight (no double unmap, no leak), so that the only symptom is what the device sees.
 */
final class BrokenStrategies {
    enum Bug {
        /** Posts rx buffers without mapping them (the handle is the buffer's address as if mapped directly). */
        RX_NOT_MAPPED("broken-rx-not-mapped"),
        /** Maps each rx buffer and unmaps it again before posting it. */
        RX_UNMAPPED_EARLY("broken-rx-unmapped-early"),
        /** Transmits with the rx handle: never maps for the egress device. */
        TX_NOT_MAPPED("broken-tx-not-mapped"),
        /** Maps for transmit and unmaps before the device reads the frame. */
        TX_UNMAPPED_EARLY("broken-tx-unmapped-early");

        final String strategyName;

        Bug(final String strategyName) {
            this.strategyName = strategyName;
        }
    }

    private BrokenStrategies() {
    }

    static DmaStrategyFactory factory(final Bug bug) {
        return new DmaStrategyFactory() {
            @Override
            public String name() {
                return bug.strategyName;
            }

            @Override
            public DmaStrategy create(final Map<String, String> config) {
                return new Broken(bug);
            }
        };
    }

    private static final class Broken implements DmaStrategy {
        private final Bug bug;
        private DmaPlatform platform;
        private NicPort[] ports;
        private int bufferSize;
        private PacketBatch scratch;
        private long outstanding;

        Broken(final Bug bug) {
            this.bug = bug;
        }

        @Override
        public String name() {
            return bug.strategyName;
        }

        @Override
        public void attach(final DmaContext context) {
            platform = context.platform();
            ports = context.ports().toArray(new NicPort[0]);
            bufferSize = platform.bufferSize();
            scratch = new PacketBatch(4096);
        }

        private boolean rxMapped() {
            return bug != Bug.RX_NOT_MAPPED && bug != Bug.RX_UNMAPPED_EARLY;
        }

        @Override
        public int refill(final NicPort port) {
            final int device = port.info().device();
            final int free = port.rxFreeSlots();
            int posted = 0;
            for (; posted < free; posted++) {
                final int b = platform.allocate();
                if (b == DmaPlatform.NO_BUFFER) {
                    break;
                }
                long dma;
                if (bug == Bug.RX_NOT_MAPPED) {
                    dma = (long) XenPvPlatform.GUEST_MFN_BASE << 12 | platform.bufferOffset(b);
                } else {
                    dma = platform.map(device, b, 0, bufferSize, DmaDirection.FROM_DEVICE);
                    if (bug == Bug.RX_UNMAPPED_EARLY) {
                        platform.unmap(device, dma, bufferSize, DmaDirection.FROM_DEVICE);
                    }
                }
                port.postRx(b, dma);
                outstanding++;
            }
            if (posted > 0) {
                port.commitRx();
            }
            return posted;
        }

        @Override
        public void onReceive(final NicPort port, final PacketBatch received) {
            if (!rxMapped()) {
                return;
            }
            final int device = port.info().device();
            for (int i = 0; i < received.size(); i++) {
                platform.unmap(device, received.dma(i), bufferSize, DmaDirection.FROM_DEVICE);
                if (bug != Bug.TX_NOT_MAPPED) {
                    received.dma(i, PacketBatch.NO_DMA);
                }
            }
        }

        @Override
        public int prepareTransmit(final NicPort egress, final PacketBatch batch) {
            final int device = egress.info().device();
            for (int i = 0; i < batch.size(); i++) {
                if (bug == Bug.TX_NOT_MAPPED) {
                    continue; // keeps the (unmapped) rx handle
                }
                final int b = batch.buffer(i);
                final int offset = (int) (batch.offset(i) - platform.bufferOffset(b));
                final long dma = platform.map(device, b, offset, batch.length(i), DmaDirection.TO_DEVICE);
                if (bug == Bug.TX_UNMAPPED_EARLY && dma != DmaPlatform.MAP_FAILED) {
                    platform.unmap(device, dma, batch.length(i), DmaDirection.TO_DEVICE);
                }
                batch.dma(i, dma == DmaPlatform.MAP_FAILED ? PacketBatch.NO_DMA : dma);
            }
            return batch.size();
        }

        private boolean txMapped() {
            return bug != Bug.TX_NOT_MAPPED && bug != Bug.TX_UNMAPPED_EARLY;
        }

        @Override
        public void onTransmitted(final NicPort port, final PacketBatch completed) {
            final int device = port.info().device();
            for (int i = 0; i < completed.size(); i++) {
                if (txMapped()) {
                    platform.unmap(device, completed.dma(i), completed.length(i), DmaDirection.TO_DEVICE);
                }
                platform.free(completed.buffer(i));
            }
            outstanding -= completed.size();
        }

        @Override
        public void release(final PacketBatch dropped) {
            for (int i = 0; i < dropped.size(); i++) {
                platform.free(dropped.buffer(i));
            }
            outstanding -= dropped.size();
        }

        @Override
        public void releaseUnsent(final NicPort egress, final PacketBatch unsent) {
            final int device = egress.info().device();
            for (int i = 0; i < unsent.size(); i++) {
                if (txMapped() && unsent.dma(i) != PacketBatch.NO_DMA) {
                    platform.unmap(device, unsent.dma(i), unsent.length(i), DmaDirection.TO_DEVICE);
                }
                platform.free(unsent.buffer(i));
            }
            outstanding -= unsent.size();
        }

        @Override
        public void detach() {
            for (final NicPort port : ports) {
                final int device = port.info().device();
                RxReclaim.drain(port, scratch, (buffer, dma) -> {
                    if (rxMapped()) {
                        platform.unmap(device, dma, bufferSize, DmaDirection.FROM_DEVICE);
                    }
                    platform.free(buffer);
                    outstanding--;
                });
            }
        }

        @Override
        public long buffersOutstanding() {
            return outstanding;
        }
    }
}
