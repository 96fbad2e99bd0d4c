package org.routerlab.nic.ixgbevf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.routerlab.api.nic.PortCounter;
import org.routerlab.api.nic.PortInfo;
import org.routerlab.api.packet.PacketBatch;
import org.routerlab.api.platform.DmaDirection;

class IxgbevfPortTest {
    private XenPvPlatform platform;
    private SyntheticTraffic source;
    private IxgbevfPort port;

    private IxgbevfPort open(final String profile, final Pacer pacer, final long budget) {
        platform = new XenPvPlatform(XenPvPlatform.Settings.of(profile, 4096, 1), 1);
        source = new SyntheticTraffic(1, 0, 64, 16, 0x02_00_00_00_00_01L, 0x02_00_00_00_00_02L, 0x0A000000, 24,
                List.of(), 0, 0);
        final PortInfo info = new PortInfo(0, "p0", 0x02_00_00_00_00_01L, 0,
                List.of(new PortInfo.InterfaceAddress(0x0A000001, 24)));
        port = new IxgbevfPort(info, platform, source, pacer, new OfferBudget(budget), 512, 1024, 64, 8, 1024);
        return port;
    }

    private IxgbevfPort open() {
        return open("none", new Pacer(Pacer.Mode.ASAP, 0), 0);
    }

    @AfterEach
    void tearDown() {
        source.close();
        platform.close();
    }

    /** Posts {@code n} freshly mapped buffers without committing them. */
    private void post(final int n) {
        for (int i = 0; i < n; i++) {
            final int b = platform.allocate();
            assertTrue(port.postRx(b, platform.map(0, b, 0, 2048, DmaDirection.FROM_DEVICE)));
        }
    }

    private long counter(final PortCounter c) {
        port.publishCounters();
        return port.counters().get(c);
    }

    @Test
    void shouldWriteTheTailOncePerCommitAndKeepOneDescriptorUnused() {
        final IxgbevfPort p = open();
        assertEquals(511, p.rxFreeSlots(), "IXGBE_DESC_UNUSED keeps one slot empty");
        post(16);
        p.commitRx();
        p.commitRx();
        assertEquals(1, counter(PortCounter.RX_TAIL_WRITES), "one write per group, none for an empty commit");
        post(495);
        assertEquals(0, p.rxFreeSlots());
        assertFalse(p.postRx(platform.allocate(), 0));
        p.commitRx();
        assertEquals(2, counter(PortCounter.RX_TAIL_WRITES));
    }

    @Test
    void shouldFillOnlyPublishedDescriptorsAndMissTheRest() {
        final IxgbevfPort p = open();
        post(10);
        final PacketBatch batch = new PacketBatch(64);
        assertEquals(0, p.rxBurst(batch, 64), "posted but not committed: invisible to the device");
        assertEquals(64, counter(PortCounter.RX_MISSED));
        p.commitRx();
        assertEquals(10, p.rxBurst(batch, 64));
        assertEquals(54 + 64, counter(PortCounter.RX_MISSED));
        assertEquals(10, counter(PortCounter.RX_PACKETS));
        assertEquals(128, p.offered());
        assertEquals(p.offered(), counter(PortCounter.RX_PACKETS) + counter(PortCounter.RX_MISSED));
        for (int i = 0; i < 10; i++) {
            assertEquals(64, batch.length(i));
            assertEquals(platform.bufferOffset(batch.buffer(i)), batch.offset(i));
            assertEquals(0, batch.port(i));
        }
    }

    @Test
    void shouldReportTheFrameWhereTheDeviceWroteIt() {
        final IxgbevfPort p = open();
        final int b = platform.allocate();
        p.postRx(b, platform.map(0, b, 2, 2046, DmaDirection.FROM_DEVICE)); // NET_IP_ALIGN
        p.commitRx();
        final PacketBatch batch = new PacketBatch(64);
        assertEquals(1, p.rxBurst(batch, 1));
        assertEquals(platform.bufferOffset(b) + 2, batch.offset(0));
        assertEquals(b, batch.buffer(0));
    }

    @Test
    void shouldTakeAtMostTheNapiWeightPerPoll() {
        final IxgbevfPort p = open();
        post(511);
        p.commitRx();
        final PacketBatch batch = new PacketBatch(256);
        assertEquals(64, p.rxBurst(batch, 256));
        assertEquals(0, counter(PortCounter.RX_MISSED));
    }

    @Test
    void shouldCountADmaFaultAndKeepTheDescriptorPosted() {
        final IxgbevfPort p = open();
        final int b = platform.allocate();
        final long dma = platform.map(0, b, 0, 2048, DmaDirection.FROM_DEVICE);
        platform.unmap(0, dma, 2048, DmaDirection.FROM_DEVICE); // unmapped too early
        p.postRx(b, dma);
        p.commitRx();
        final PacketBatch batch = new PacketBatch(64);
        assertEquals(0, p.rxBurst(batch, 8));
        assertEquals(8, counter(PortCounter.RX_DMA_FAULTS), "every frame faults on the same descriptor");
        assertEquals(0, counter(PortCounter.RX_PACKETS));
        assertEquals(510, p.rxFreeSlots(), "still posted");
        final PacketBatch reclaimed = new PacketBatch(64);
        assertEquals(1, p.reclaimRx(reclaimed, 64));
        assertEquals(b, reclaimed.buffer(0));
        assertEquals(511, p.rxFreeSlots());
    }

    @Test
    void shouldReclaimPostedButUnfilledDescriptorsOnly() {
        final IxgbevfPort p = open();
        post(20);
        p.commitRx();
        post(5);
        final PacketBatch batch = new PacketBatch(64);
        assertEquals(8, p.rxBurst(batch, 8));
        final PacketBatch reclaimed = new PacketBatch(64);
        assertEquals(17, p.reclaimRx(reclaimed, 64), "12 published + 5 unpublished");
        assertEquals(0, p.rxHeld());
    }

    @Test
    void shouldWriteTxDescriptorsBackInGroupsOfEightOrWhenQuiet() {
        final IxgbevfPort p = open();
        final PacketBatch tx = new PacketBatch(64);
        for (int i = 0; i < 13; i++) {
            final int b = platform.allocate();
            tx.add(b, platform.bufferOffset(b), 64, platform.map(0, b, 0, 64, DmaDirection.TO_DEVICE), 0);
        }
        assertEquals(13, p.txBurst(tx));
        assertEquals(1, counter(PortCounter.TX_TAIL_WRITES));
        assertEquals(13, counter(PortCounter.TX_PACKETS));
        final PacketBatch done = new PacketBatch(64);
        assertEquals(8, p.reapTxCompletions(done, 64), "one WTHRESH group");
        assertEquals(5, p.txInFlight());
        done.clear();
        assertEquals(5, p.reapTxCompletions(done, 64), "quiet since the last clean: the rest is written back");
        assertEquals(0, p.txInFlight());
        assertTrue(p.idle());
    }

    @Test
    void shouldRefuseWhatTheTxRingCannotHoldAndFaultAnUnmappedFrame() {
        final IxgbevfPort p = open();
        final PacketBatch tx = new PacketBatch(64);
        final int b = platform.allocate();
        for (int i = 0; i < 64; i++) {
            tx.add(b, platform.bufferOffset(b), 64, 0x1234_5678L, 0); // no mapping behind this address
        }
        int accepted = 0;
        for (int round = 0; round < 17; round++) {
            accepted += p.txBurst(tx);
        }
        assertEquals(1023, accepted, "ring of 1024, one slot unused");
        assertEquals(17 * 64 - 1023, counter(PortCounter.TX_RING_FULL));
        assertEquals(1023, counter(PortCounter.TX_DMA_FAULTS));
        assertEquals(0, counter(PortCounter.TX_PACKETS));
    }

    @Test
    void shouldChargeThePollAndEveryReceivedPacket() {
        final IxgbevfPort p = open();
        post(64);
        p.commitRx();
        final long before = platform.clock().busyPicos();
        final PacketBatch batch = new PacketBatch(64);
        assertEquals(64, p.rxBurst(batch, 64));
        final CostProfile c = platform.costs();
        assertEquals(c.picos(CostParameter.RX_POLL) + 64 * (c.picos(CostParameter.RX_PACKET)
                + c.picos(CostParameter.FORWARD_PACKET)), platform.clock().busyPicos() - before);
    }

    @Test
    void shouldPaceArrivalsAtARateOnTheModeledTimelineAndStampThem() {
        final IxgbevfPort p = open("none", new Pacer(Pacer.Mode.RATE, 10_000_000), 0); // one frame per 100 ns
        post(511);
        p.commitRx(); // allocating, mapping and posting took modeled time: frames arrived meanwhile
        final long t0 = platform.clock().now() + platform.costs().picos(CostParameter.RX_POLL) / 1000;
        final PacketBatch batch = new PacketBatch(64);
        final int first = p.rxBurst(batch, 64);
        assertEquals(Math.min(64, t0 / 100 + 1), first);
        for (int i = 0; i < first; i++) {
            assertEquals(100L * i, batch.stamp(i), "stamped with its arrival time, not the poll's");
        }
        assertEquals(t0 / 100 + 1, p.offered(), "the rest are waiting in the ring");
        assertEquals(0, p.counters().get(PortCounter.RX_MISSED));
    }

    @Test
    void shouldLetTheTimelineJumpWhenThePortIsIdle() {
        final IxgbevfPort p = open("none", new Pacer(Pacer.Mode.RATE, 1_000), 0); // one frame per ms
        post(511);
        p.commitRx();
        final PacketBatch batch = new PacketBatch(64);
        assertEquals(1, p.rxBurst(batch, 64));
        batch.clear();
        assertEquals(0, p.rxBurst(batch, 64), "idle: the timeline jumps to the next arrival");
        assertEquals(1_000_000, platform.clock().now());
        assertEquals(1, p.rxBurst(batch, 64));
        assertTrue(platform.clock().busyNanos() < 100_000, "idle time is not busy time");
    }

    @Test
    void shouldStopOfferingAtTheBudget() {
        final IxgbevfPort p = open("none", new Pacer(Pacer.Mode.ASAP, 0), 100);
        post(511);
        p.commitRx();
        final PacketBatch batch = new PacketBatch(64);
        int received = 0;
        for (int i = 0; i < 5; i++) {
            batch.clear();
            received += p.rxBurst(batch, 64);
        }
        assertEquals(100, received);
        assertEquals(100, p.offered());
    }
}
