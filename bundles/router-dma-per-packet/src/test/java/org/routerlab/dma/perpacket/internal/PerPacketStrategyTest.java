package org.routerlab.dma.perpacket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

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
import org.routerlab.api.platform.DmaPlatform;
import org.routerlab.api.platform.PlatformOp;
import org.routerlab.nic.emulated.internal.EmulatedNicBackend;

class PerPacketStrategyTest {
    private NicSession session;
    private DmaPlatform platform;
    private NicPort p0;
    private NicPort p1;
    private DmaStrategy strategy;

    @BeforeEach
    void attach() throws Exception {
        session = new EmulatedNicBackend().open(Map.of("nic.rx.ring", "128", "nic.tx.ring", "128"));
        platform = session.platform();
        p0 = session.ports().get(0);
        p1 = session.ports().get(1);
        strategy = new PerPacketStrategyFactory().create(Map.of());
        strategy.attach(new DmaContext(platform, session.ports()));
    }

    @AfterEach
    void close() {
        session.close();
    }

    private long ops(final PlatformOp op) {
        return platform.counters().get(op);
    }

    @Test
    void shouldAllocateAndMapEveryPostedBufferWithATailWriteEach() {
        assertEquals(128, strategy.refill(p0));
        assertEquals(128, ops(PlatformOp.DMA_MAP));
        assertEquals(128, ops(PlatformOp.BUFFER_ALLOC));
        assertEquals(128, p0.counters().get(PortCounter.RX_TAIL_WRITES), "per-packet: a tail write per buffer");
        assertEquals(0, strategy.refill(p0), "ring full");
        assertEquals(128, strategy.buffersOutstanding());
    }

    @Test
    void shouldMapTwicePerForwardedPacketAndLeaveNothingBehind() {
        strategy.refill(p0);
        final PacketBatch batch = new PacketBatch(64);
        assertEquals(64, p0.rxBurst(batch, 64));
        strategy.onReceive(p0, batch);
        assertEquals(64, ops(PlatformOp.DMA_UNMAP), "rx mappings torn down on receive");
        assertEquals(PacketBatch.NO_DMA, batch.dma(0));

        assertEquals(64, strategy.prepareTransmit(p1, batch));
        assertEquals(128 + 64, ops(PlatformOp.DMA_MAP), "one tx mapping per packet");
        assertNotEquals(PacketBatch.NO_DMA, batch.dma(0));
        assertEquals(64, p1.txBurst(batch));
        assertEquals(64, p1.counters().get(PortCounter.TX_PACKETS), "the egress device could read every frame");
        assertEquals(0, p1.counters().get(PortCounter.TX_DMA_FAULTS));

        final PacketBatch done = new PacketBatch(64);
        assertEquals(64, p1.reapTxCompletions(done, 64));
        strategy.onTransmitted(p1, done);
        assertEquals(64, ops(PlatformOp.BUFFER_FREE));

        strategy.detach();
        assertEquals(0, strategy.buffersOutstanding());
        assertEquals(0, platform.liveMappings());
        assertEquals(ops(PlatformOp.BUFFER_ALLOC), ops(PlatformOp.BUFFER_FREE));
    }

    @Test
    void shouldTakeBackDroppedAndUnsentFrames() {
        strategy.refill(p0);
        final PacketBatch batch = new PacketBatch(64);
        p0.rxBurst(batch, 10);
        strategy.onReceive(p0, batch);
        final PacketBatch dropped = new PacketBatch(64);
        dropped.addFrom(batch, 0);
        strategy.release(dropped);
        batch.removeFirst(1);
        strategy.prepareTransmit(p1, batch);
        strategy.releaseUnsent(p1, batch);
        strategy.detach();
        assertEquals(0, platform.liveMappings());
        assertEquals(0, strategy.buffersOutstanding());
        assertEquals(platform.bufferCount(), platform.freeBuffers());
    }
}
