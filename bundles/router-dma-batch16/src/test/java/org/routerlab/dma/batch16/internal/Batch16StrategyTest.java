package org.routerlab.dma.batch16.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.routerlab.api.dma.DmaContext;
import org.routerlab.api.dma.DmaStrategy;
import org.routerlab.api.nic.NicPort;
import org.routerlab.api.nic.NicSession;
import org.routerlab.api.nic.PortCounter;
import org.routerlab.api.packet.PacketBatch;
import org.routerlab.api.platform.PlatformOp;
import org.routerlab.nic.emulated.internal.EmulatedNicBackend;

class Batch16StrategyTest {
    private NicSession session;
    private NicPort port;
    private DmaStrategy strategy;

    @BeforeEach
    void attach() throws Exception {
        session = new EmulatedNicBackend().open(Map.of("nic.rx.ring", "128", "nic.tx.ring", "128"));
        port = session.ports().get(0);
        strategy = new Batch16StrategyFactory().create(Map.of());
        strategy.attach(new DmaContext(session.platform(), session.ports()));
    }

    @AfterEach
    void close() {
        session.close();
    }

    @Test
    void shouldFillAnEmptyRingInGroupsOfSixteenWithOneTailWriteEach() {
        assertEquals(128, strategy.refill(port));
        assertEquals(8, port.counters().get(PortCounter.RX_TAIL_WRITES));
        assertEquals(128, session.platform().counters().get(PlatformOp.DMA_MAP));
    }

    @Test
    void shouldWaitForSixteenFreeDescriptorsBeforeRefilling() {
        strategy.refill(port);
        final PacketBatch batch = new PacketBatch(64);
        assertEquals(20, port.rxBurst(batch, 20));
        strategy.onReceive(port, batch);
        assertEquals(16, strategy.refill(port), "20 consumed: one group of 16 posted, 4 wait");
        assertEquals(9, port.counters().get(PortCounter.RX_TAIL_WRITES));
        assertEquals(0, strategy.refill(port), "4 free: nothing until 16 are");
        strategy.release(batch);
        strategy.detach();
        assertEquals(0, session.platform().liveMappings());
        assertEquals(0, strategy.buffersOutstanding());
    }

    @Test
    void shouldTakeTheGroupFromConfiguration() {
        final DmaStrategy four = new Batch16StrategyFactory().create(Map.of("dma.batch", "4"));
        four.attach(new DmaContext(session.platform(), session.ports()));
        four.refill(port);
        assertEquals(32, port.counters().get(PortCounter.RX_TAIL_WRITES));
        four.detach();
        assertThrows(IllegalArgumentException.class, () -> new Batch16StrategyFactory().create(Map.of("dma.batch", "x")));
        assertThrows(IllegalArgumentException.class, () -> new Batch16StrategyFactory().create(Map.of("dma.batch", "0")));
    }
}
