package org.routerlab.nic.emulated.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.routerlab.api.nic.NicPort;
import org.routerlab.api.nic.PortCounter;
import org.routerlab.api.packet.PacketBatch;
import org.routerlab.api.packet.PacketView;
import org.routerlab.api.platform.DmaDirection;
import org.routerlab.api.platform.DmaPlatform;

class EmulatedPortTest {
    private EmulatedNicSession session;
    private DmaPlatform platform;
    private NicPort port;

    @BeforeEach
    void open() throws Exception {
        final Map<String, String> config = new HashMap<>();
        config.put("ports", "p0=10.0.0.1/24,p1=10.1.0.1/24");
        config.put("nic.rx.ring", "64");
        config.put("nic.tx.ring", "64");
        session = (EmulatedNicSession) new EmulatedNicBackend().open(config);
        platform = session.platform();
        port = session.ports().get(0);
    }

    @AfterEach
    void close() {
        session.close();
    }

    private int postMapped(final int count, final DmaDirection direction) {
        for (int i = 0; i < count; i++) {
            final int b = platform.allocate();
            port.postRx(b, platform.map(port.info().device(), b, 0, platform.bufferSize(), direction));
        }
        port.commitRx();
        return count;
    }

    @Test
    void shouldMissEveryFrameWhenNothingIsPosted() {
        final PacketBatch batch = new PacketBatch(32);
        assertEquals(0, port.rxBurst(batch, 32));
        assertEquals(32, port.counters().get(PortCounter.RX_MISSED));
    }

    @Test
    void shouldReceiveValidFramesIntoPostedBuffers() {
        postMapped(64, DmaDirection.FROM_DEVICE);
        assertEquals(1, port.counters().get(PortCounter.RX_TAIL_WRITES), "one tail write per commit");
        final PacketBatch batch = new PacketBatch(32);
        assertEquals(32, port.rxBurst(batch, 32));
        final PacketView view = new PacketView();
        for (int i = 0; i < 32; i++) {
            view.wrap(platform.memory(), batch.offset(i), batch.length(i));
            assertEquals(64, batch.length(i));
            assertEquals(0x0800, view.etherType());
            assertTrue(view.ipChecksumValid());
            assertEquals(port.info().mac(), view.destinationMac());
            assertEquals(0, batch.port(i));
        }
        assertEquals(32, port.rxFreeSlots(), "32 received descriptors are free again");
    }

    @Test
    void shouldFaultAndDropWhenTheBufferIsNotMappedForDeviceWrites() {
        postMapped(4, DmaDirection.TO_DEVICE);
        final PacketBatch batch = new PacketBatch(8);
        assertEquals(0, port.rxBurst(batch, 8));
        assertEquals(8, port.counters().get(PortCounter.RX_DMA_FAULTS));
        assertEquals(8, platform.counters().get(org.routerlab.api.platform.PlatformOp.DMA_FAULT));
    }

    @Test
    void shouldTransmitOnlyWhatTheDeviceMayReadAndCompleteEverything() {
        final PacketBatch out = new PacketBatch(64);
        final int mapped = platform.allocate();
        out.add(mapped, platform.bufferOffset(mapped), 60,
                platform.map(0, mapped, 0, 60, DmaDirection.TO_DEVICE), 0);
        final int unmapped = platform.allocate();
        out.add(unmapped, platform.bufferOffset(unmapped), 60, PacketBatch.NO_DMA, 0);
        assertEquals(2, port.txBurst(out));
        assertEquals(1, port.counters().get(PortCounter.TX_PACKETS));
        assertEquals(1, port.counters().get(PortCounter.TX_DMA_FAULTS));
        assertEquals(2, port.txInFlight());
        final PacketBatch done = new PacketBatch(64);
        assertEquals(2, port.reapTxCompletions(done, 64));
        assertEquals(mapped, done.buffer(0));
        assertEquals(0, port.txInFlight());
    }

    @Test
    void shouldRefuseFramesBeyondAFullTxRing() {
        final PacketBatch out = new PacketBatch(100);
        for (int i = 0; i < 100; i++) {
            final int b = platform.allocate();
            out.add(b, platform.bufferOffset(b), 60, platform.map(0, b, 0, 60, DmaDirection.TO_DEVICE), 0);
        }
        assertEquals(64, port.txBurst(out));
        assertEquals(36, port.counters().get(PortCounter.TX_RING_FULL));
    }

    @Test
    void shouldGiveBackPostedButUnfilledDescriptors() {
        postMapped(10, DmaDirection.FROM_DEVICE);
        port.rxBurst(new PacketBatch(4), 4);
        final PacketBatch back = new PacketBatch(64);
        assertEquals(6, port.reclaimRx(back, 64));
        assertEquals(64, port.rxFreeSlots());
    }

    @Test
    void shouldStopOfferingAtThePacketBudget() throws Exception {
        session.close();
        session = (EmulatedNicSession) new EmulatedNicBackend().open(Map.of("traffic.packets", "100",
                "nic.rx.ring", "256"));
        platform = session.platform();
        port = session.ports().get(0);
        postMapped(256, DmaDirection.FROM_DEVICE);
        final PacketBatch batch = new PacketBatch(64);
        int received = 0;
        for (int i = 0; i < 10; i++) {
            batch.clear();
            received += port.rxBurst(batch, 64);
        }
        assertEquals(100, received);
        assertEquals(100, session.packetsOffered());
    }
}
