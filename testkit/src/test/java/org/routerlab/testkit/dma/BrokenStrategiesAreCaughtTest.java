package org.routerlab.testkit.dma;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.routerlab.api.dma.DmaContext;
import org.routerlab.api.dma.DmaStrategy;
import org.routerlab.api.dma.DmaStrategyFactory;
import org.routerlab.api.dma.RxReclaim;
import org.routerlab.api.nic.NicPort;
import org.routerlab.api.packet.PacketBatch;
import org.routerlab.api.platform.DmaDirection;
import org.routerlab.api.platform.DmaPlatform;

/** The harness must fail strategies that break the rules, or it proves nothing. */
class BrokenStrategiesAreCaughtTest {
    /** A per-packet strategy with switchable mistakes. */
    private static final class Faulty implements DmaStrategy {
        final boolean unmapEarly;
        final boolean forgetTxMapping;
        final boolean leakOnRelease;
        DmaPlatform platform;
        NicPort[] ports;
        long outstanding;

        Faulty(final boolean unmapEarly, final boolean forgetTxMapping, final boolean leakOnRelease) {
            this.unmapEarly = unmapEarly;
            this.forgetTxMapping = forgetTxMapping;
            this.leakOnRelease = leakOnRelease;
        }

        @Override public String name() { return "faulty"; }

        @Override
        public void attach(final DmaContext context) {
            platform = context.platform();
            ports = context.ports().toArray(new NicPort[0]);
        }

        @Override
        public int refill(final NicPort port) {
            int posted = 0;
            final int device = port.info().device();
            for (int free = port.rxFreeSlots(); posted < free; posted++) {
                final int b = platform.allocate();
                if (b == DmaPlatform.NO_BUFFER) {
                    break;
                }
                final long h = platform.map(device, b, 0, platform.bufferSize(), DmaDirection.FROM_DEVICE);
                if (unmapEarly) {
                    platform.unmap(device, h, platform.bufferSize(), DmaDirection.FROM_DEVICE);
                }
                port.postRx(b, h);
                outstanding++;
            }
            port.commitRx();
            return posted;
        }

        @Override
        public void onReceive(final NicPort port, final PacketBatch received) {
            if (!unmapEarly) {
                for (int i = 0; i < received.size(); i++) {
                    platform.unmap(port.info().device(), received.dma(i), platform.bufferSize(), DmaDirection.FROM_DEVICE);
                }
            }
        }

        @Override
        public int prepareTransmit(final NicPort egress, final PacketBatch batch) {
            for (int i = 0; i < batch.size(); i++) {
                batch.dma(i, forgetTxMapping ? platform.bufferOffset(batch.buffer(i))
                        : platform.map(egress.info().device(), batch.buffer(i), 0, batch.length(i), DmaDirection.TO_DEVICE));
            }
            return batch.size();
        }

        @Override
        public void onTransmitted(final NicPort port, final PacketBatch completed) {
            for (int i = 0; i < completed.size(); i++) {
                if (!forgetTxMapping) {
                    platform.unmap(port.info().device(), completed.dma(i), completed.length(i), DmaDirection.TO_DEVICE);
                }
                platform.free(completed.buffer(i));
                outstanding--;
            }
        }

        @Override
        public void release(final PacketBatch dropped) {
            if (!leakOnRelease) {
                for (int i = 0; i < dropped.size(); i++) {
                    platform.free(dropped.buffer(i));
                    outstanding--;
                }
            }
        }

        @Override
        public void releaseUnsent(final NicPort egress, final PacketBatch unsent) {
            for (int i = 0; i < unsent.size(); i++) {
                if (!forgetTxMapping && unsent.dma(i) != PacketBatch.NO_DMA) {
                    platform.unmap(egress.info().device(), unsent.dma(i), unsent.length(i), DmaDirection.TO_DEVICE);
                }
                platform.free(unsent.buffer(i));
                outstanding--;
            }
        }

        @Override
        public void detach() {
            final PacketBatch scratch = new PacketBatch(256);
            for (final NicPort port : ports) {
                outstanding -= RxReclaim.drain(port, scratch, (b, dma) -> {
                    if (!unmapEarly) {
                        platform.unmap(port.info().device(), dma, platform.bufferSize(), DmaDirection.FROM_DEVICE);
                    }
                    platform.free(b);
                });
            }
        }

        @Override public long buffersOutstanding() { return outstanding; }
    }

    private static DmaStrategyFactory factory(final Faulty prototype) {
        return new DmaStrategyFactory() {
            @Override public String name() { return "faulty"; }
            @Override public DmaStrategy create(final Map<String, String> config) {
                return new Faulty(prototype.unmapEarly, prototype.forgetTxMapping, prototype.leakOnRelease);
            }
        };
    }

    @Test
    void shouldPassTheCorrectVariant() throws Exception {
        StrategyHarness.run(factory(new Faulty(false, false, false)), Map.of(),
                StrategyHarness.Scenario.forwarding().dropping(4).stalling(20, 12));
    }

    @Test
    void shouldCatchAStrategyThatUnmapsRxBuffersTooEarly() {
        final AssertionError e = assertThrows(AssertionError.class, () -> StrategyHarness.run(
                factory(new Faulty(true, false, false)), Map.of(), StrategyHarness.Scenario.forwarding()));
        assertTrue(e.getMessage().contains("DMA faults"), e.getMessage());
    }

    @Test
    void shouldCatchAStrategyThatForgetsTheTransmitMapping() {
        final AssertionError e = assertThrows(AssertionError.class, () -> StrategyHarness.run(
                factory(new Faulty(false, true, false)), Map.of(), StrategyHarness.Scenario.forwarding()));
        assertTrue(e.getMessage().contains("DMA faults"), e.getMessage());
    }

    @Test
    void shouldCatchAStrategyThatLeaksDroppedBuffers() {
        final AssertionError e = assertThrows(AssertionError.class, () -> StrategyHarness.run(
                factory(new Faulty(false, false, true)), Map.of(), StrategyHarness.Scenario.forwarding().dropping(3)));
        assertTrue(e.getMessage().contains("leaked") || e.getMessage().contains("outstanding"), e.getMessage());
    }
}
