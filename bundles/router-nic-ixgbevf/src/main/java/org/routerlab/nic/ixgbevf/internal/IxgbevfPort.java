package org.routerlab.nic.ixgbevf.internal;

import org.routerlab.api.nic.NicPort;
import org.routerlab.api.nic.PortCounter;
import org.routerlab.api.nic.PortCounters;
import org.routerlab.api.nic.PortInfo;
import org.routerlab.api.packet.Ipv4Address;
import org.routerlab.api.packet.MacAddress;
import org.routerlab.api.packet.PacketBatch;

/**
 * One 82599 virtual function as the ixgbevf 2.0 driver drives it: one rx and one tx descriptor ring (the driver's
 * single queue pair, {@code MAX_RX_QUEUES 1}), with the device's side emulated: it DMAs arriving frames into posted
 * descriptors through the platform's permission checks, and transmits accepted frames at once (an ideal wire),
 * writing their descriptors back in groups.
 *
 * <pre>
 * rx ring (monotonic indices, slot = index &amp; mask):     clean ≤ device ≤ tail ≤ posted
 *   [clean, device)   filled by the device (DD set), waiting for the NAPI poll   (driver's)
 *   [device, tail)    posted and published by a tail write, the device's to fill  (device's)
 *   [tail, posted)    written by the driver, not yet published                    (driver's)
 *   the driver keeps one slot unused (IXGBE_DESC_UNUSED): at most size - 1 descriptors are posted.
 * tx ring:                                                 clean ≤ done ≤ tail
 *   [clean, done)     transmitted and written back (DD set), waiting for tx clean
 *   [done, tail)      transmitted, write-back pending (WTHRESH: in groups of 8, or when the queue goes quiet)
 * </pre>
 *
 * <p>What the model charges to the clock here: a NAPI poll, each received descriptor (and the forwarding work done
 * on it), each posted descriptor, each tail write, each transmitted and each cleaned descriptor. A frame that finds
 * no free rx descriptor is lost and counted as {@code rx_missed}; one whose DMA the platform refuses is counted as a
 * DMA fault and lost, and its descriptor stays posted (so a strategy that forgot to map keeps faulting, visibly). A
 * tx fault loses the frame but completes its descriptor. The refill policy (how many descriptors per tail write) is
 * the DMA strategy's; the port counts the tail writes it causes.
 * Single-threaded (the forwarding thread); counters are readable anywhere.
 */
final class IxgbevfPort implements NicPort {
    private final PortInfo info;
    /** The platform, its clock and its prices: replaced together by {@link #repoint} (a live profile swap). */
    private XenPvPlatform platform;
    private ModeledClock clock;
    private final TrafficSource source;
    private final Pacer pacer;
    private final boolean rate;
    private final boolean recorded;
    private final OfferBudget budget;
    private final PortCounters counters = new PortCounters();
    private final int device;
    private final int subnet;
    private final int subnetLength;
    private final int napiWeight;
    private final int writeBackThreshold;
    private final int cleanLimit;

    private final int rxSize;
    private final int rxMask;
    private final int[] rxBuffer;
    private final long[] rxDma;
    private final long[] rxOffset;
    private final int[] rxLength;
    private final long[] rxStamp;
    private long rxClean;
    private long rxDevice;
    private long rxTail;
    private long rxPosted;

    private final int txSize;
    private final int txMask;
    private final int[] txBuffer;
    private final long[] txOffset;
    private final long[] txDma;
    private final int[] txLength;
    /** The rx modeled stamp of each frame on the tx ring, handed back with its completion (latency). */
    private final long[] txStamp;
    private long txClean;
    private long txDone;
    private long txTail;
    private long txTailAtLastReap;

    private long offered;
    private long rxTailWrites;

    private long pollPicos;
    private long rxPacketPicos;
    private long rxPostPicos;
    private long tailWritePicos;
    private long txPacketPicos;
    private long txCleanPicos;

    /**
     * @param napiWeight most frames one NAPI poll (rxBurst) takes: ixgbevf's 64
     * @param writeBackThreshold tx descriptors written back together (TXDCTL.WTHRESH: 8)
     * @param cleanLimit most tx descriptors one clean takes ({@code tx_ring->work_limit} = ring size)
     */
    IxgbevfPort(final PortInfo info, final XenPvPlatform platform, final TrafficSource source, final Pacer pacer,
            final OfferBudget budget, final int rxSize, final int txSize, final int napiWeight,
            final int writeBackThreshold, final int cleanLimit) {
        checkRing("nic.rx.ring", rxSize);
        checkRing("nic.tx.ring", txSize);
        if (napiWeight < 1 || napiWeight > 4096) {
            throw new IllegalArgumentException("nic.napi.weight=" + napiWeight + " must be in 1..4096");
        }
        if (writeBackThreshold < 1 || writeBackThreshold > 64) {
            throw new IllegalArgumentException("nic.tx.wthresh=" + writeBackThreshold + " must be in 1..64");
        }
        if (cleanLimit < 1) {
            throw new IllegalArgumentException("nic.tx.clean.limit=" + cleanLimit + " must be positive");
        }
        this.info = info;
        this.source = source;
        this.pacer = pacer;
        this.rate = pacer.mode() == Pacer.Mode.RATE;
        this.recorded = pacer.mode() == Pacer.Mode.RECORDED;
        this.budget = budget;
        this.device = info.device();
        this.subnet = info.addresses().isEmpty() ? 0 : info.addresses().get(0).address();
        this.subnetLength = info.addresses().isEmpty() ? 32 : info.addresses().get(0).prefixLength();
        this.napiWeight = napiWeight;
        this.writeBackThreshold = writeBackThreshold;
        this.cleanLimit = cleanLimit;
        this.rxSize = rxSize;
        this.rxMask = rxSize - 1;
        this.rxBuffer = new int[rxSize];
        this.rxDma = new long[rxSize];
        this.rxOffset = new long[rxSize];
        this.rxLength = new int[rxSize];
        this.rxStamp = new long[rxSize];
        this.txSize = txSize;
        this.txMask = txSize - 1;
        this.txBuffer = new int[txSize];
        this.txOffset = new long[txSize];
        this.txDma = new long[txSize];
        this.txLength = new int[txSize];
        this.txStamp = new long[txSize];
        use(platform);
    }

    /**
     * A live profile swap: from now on this VF DMAs through {@code next}, charges its clock at its prices. Only while
     * the rings are empty (no descriptor posted, nothing in flight); called only by the commit of a profile change
     * ({@link IxgbevfSession#preparePlatformChange}), on the forwarding thread.
     */
    void repoint(final XenPvPlatform next) {
        if (rxPosted != rxClean || txTail != txClean) {
            throw new IllegalStateException("port " + info.name() + " still holds " + rxHeld() + " rx and "
                    + txInFlight() + " tx descriptors");
        }
        publishCounters();
        use(next);
    }

    /** The platform this VF DMAs through (tests). */
    XenPvPlatform model() {
        return platform;
    }

    private void use(final XenPvPlatform next) {
        this.platform = next;
        this.clock = next.clock();
        final CostProfile costs = next.costs();
        this.pollPicos = costs.picos(CostParameter.RX_POLL);
        this.rxPacketPicos = costs.picos(CostParameter.RX_PACKET) + costs.picos(CostParameter.FORWARD_PACKET);
        this.rxPostPicos = costs.picos(CostParameter.RX_POST);
        this.tailWritePicos = costs.picos(CostParameter.TAIL_WRITE);
        this.txPacketPicos = costs.picos(CostParameter.TX_PACKET);
        this.txCleanPicos = costs.picos(CostParameter.TX_CLEAN);
    }

    private static void checkRing(final String key, final int size) {
        if (Integer.bitCount(size) != 1 || size < 64 || size > 4096) {
            throw new IllegalArgumentException(key + "=" + size + " must be a power of two in 64..4096 "
                    + "(IXGBEVF_MIN/MAX_RXD/TXD)");
        }
    }

    @Override public PortInfo info() { return info; }
    @Override public PortCounters counters() { return counters; }
    @Override public int rxRingSize() { return rxSize; }
    @Override public int rxFreeSlots() { return (int) (rxSize - 1 - (rxPosted - rxClean)); }
    @Override public int txFreeSlots() { return (int) (txSize - 1 - (txTail - txClean)); }
    @Override public int txInFlight() { return (int) (txTail - txClean); }

    /** Frames the traffic source offered to this port (received, missed or faulted). */
    long offered() { return offered; }

    /** {@inheritDoc} Posted (committed or not) and filled-but-not-received descriptors. */
    @Override public int rxHeld() { return (int) (rxPosted - rxClean); }

    /** True when nothing received is waiting and every transmitted frame has been cleaned. */
    boolean idle() { return rxClean == rxDevice && txClean == txTail; }

    /** Whether the source has nothing more to offer. */
    boolean sourceExhausted() { return source.available() == 0; }

    // ---- rx

    @Override
    public boolean postRx(final int buffer, final long dma) {
        if (rxPosted - rxClean >= rxSize - 1) {
            return false;
        }
        final int slot = (int) (rxPosted & rxMask);
        rxBuffer[slot] = buffer;
        rxDma[slot] = dma;
        rxPosted++;
        clock.charge(rxPostPicos);
        return true;
    }

    @Override
    public void commitRx() {
        if (rxTail != rxPosted) {
            rxTail = rxPosted;
            rxTailWrites++; // published with the next poll
            clock.charge(tailWritePicos);
        }
    }

    @Override
    public int rxBurst(final PacketBatch batch, final int max) {
        clock.charge(pollPicos);
        final int quota = Math.min(max, napiWeight);
        final long arrived = receiveFromWire(quota);
        final int limit = Math.min(quota, batch.remaining());
        final int index = info.index();
        int n = 0;
        long clean = rxClean;
        final long filled = rxDevice;
        while (n < limit && clean != filled) {
            final int slot = (int) (clean & rxMask);
            final int i = batch.add(rxBuffer[slot], rxOffset[slot], rxLength[slot], rxDma[slot], index);
            batch.stamp(i, rxStamp[slot]);
            clean++;
            n++;
        }
        rxClean = clean;
        clock.charge(rxPacketPicos * n);
        if (n == 0 && arrived == 0) {
            clock.idlePoll(pacer.nextArrival(clock.now(), offered, source));
        } else {
            clock.busyPoll();
        }
        publishCounters();
        return n;
    }

    /** Publishes what is counted per operation rather than per burst, and the clock. */
    void publishCounters() {
        if (rxTailWrites != 0) {
            counters.add(PortCounter.RX_TAIL_WRITES, rxTailWrites);
            rxTailWrites = 0;
        }
        clock.publish();
    }

    /** The device side: frames due now are DMA'd into published descriptors, or missed. Returns frames offered. */
    private long receiveFromWire(final int quota) {
        final long now = clock.now();
        final long due = budget.take(pacer.due(now, offered, source, quota));
        if (due == 0) {
            return 0;
        }
        final boolean rate = this.rate;
        final boolean recorded = this.recorded;
        final XenPvPlatform platform = this.platform;
        final TrafficSource source = this.source;
        long received = 0;
        long bytes = 0;
        long faults = 0;
        long i = 0;
        for (; i < due; i++) {
            if (rxDevice == rxTail) {
                break;
            }
            final int slot = (int) (rxDevice & rxMask);
            final int length = source.length();
            final long stamp = rate ? pacer.arrivalOf(offered + i) : recorded ? source.recordedTime(0) : now;
            final long at = platform.deviceWrite(device, rxDma[slot], source.memory(), source.offset(), length);
            if (at >= 0) {
                rxOffset[slot] = at;
                rxLength[slot] = length;
                rxStamp[slot] = stamp;
                rxDevice++;
                received++;
                bytes += length;
            } else {
                faults++; // the frame is lost; the descriptor stays posted
            }
            source.advance();
        }
        if (i < due) {
            final long missed = due - i;
            source.skip(missed);
            counters.add(PortCounter.RX_MISSED, missed);
        }
        offered += due;
        if (received != 0) {
            counters.add(PortCounter.RX_PACKETS, received);
            counters.add(PortCounter.RX_BYTES, bytes);
        }
        if (faults != 0) {
            counters.add(PortCounter.RX_DMA_FAULTS, faults);
        }
        return due;
    }

    @Override
    public int reclaimRx(final PacketBatch out, final int max) {
        // Only descriptors the device has not filled: take them back from the newest end.
        final int limit = Math.min(max, out.remaining());
        int n = 0;
        while (n < limit && rxPosted != rxDevice) {
            rxPosted--;
            final int slot = (int) (rxPosted & rxMask);
            final int buffer = rxBuffer[slot];
            out.add(buffer, platform.bufferOffset(buffer), 0, rxDma[slot], info.index());
            n++;
        }
        if (rxTail > rxPosted) {
            rxTail = rxPosted;
        }
        return n;
    }

    // ---- tx

    @Override
    public int txBurst(final PacketBatch batch) {
        final int size = batch.size();
        final int n = Math.min(size, txFreeSlots());
        long tail = txTail;
        long sent = 0;
        long bytes = 0;
        long faults = 0;
        for (int i = 0; i < n; i++) {
            final int slot = (int) (tail & txMask);
            final long dma = batch.dma(i);
            final int length = batch.length(i);
            txBuffer[slot] = batch.buffer(i);
            txOffset[slot] = batch.offset(i);
            txDma[slot] = dma;
            txLength[slot] = length;
            txStamp[slot] = batch.stamp(i);
            tail++;
            if (platform.deviceRead(device, dma, length)) {
                sent++;
                bytes += length;
            } else {
                faults++;
            }
        }
        txTail = tail;
        // The device writes descriptors back in groups of WTHRESH.
        txDone += (txTail - txDone) / writeBackThreshold * writeBackThreshold;
        if (n < size) {
            counters.add(PortCounter.TX_RING_FULL, size - n);
        }
        if (n > 0) {
            counters.add(PortCounter.TX_TAIL_WRITES, 1);
            clock.charge(tailWritePicos + txPacketPicos * n);
            counters.add(PortCounter.TX_PACKETS, sent);
            counters.add(PortCounter.TX_BYTES, bytes);
            if (faults != 0) {
                counters.add(PortCounter.TX_DMA_FAULTS, faults);
            }
        }
        return n;
    }

    @Override
    public int reapTxCompletions(final PacketBatch completed, final int max) {
        if (txTail == txTailAtLastReap) {
            // Nothing new since the last clean: the queue went quiet and the device writes back what is left.
            txDone = txTail;
        }
        txTailAtLastReap = txTail;
        final int limit = Math.min(Math.min(max, completed.remaining()), cleanLimit);
        final int index = info.index();
        int n = 0;
        long clean = txClean;
        final long done = txDone;
        while (n < limit && clean != done) {
            final int slot = (int) (clean & txMask);
            completed.stamp(completed.add(txBuffer[slot], txOffset[slot], txLength[slot], txDma[slot], index),
                    txStamp[slot]);
            clean++;
            n++;
        }
        txClean = clean;
        if (n > 0) {
            clock.charge(txCleanPicos * n);
        }
        publishCounters();
        return n;
    }

    @Override
    public long neighbourMac(final int ipv4) {
        if (Ipv4Address.contains(subnet, subnetLength, ipv4) && ipv4 != subnet) {
            return MacAddress.locallyAdministered(ipv4);
        }
        return -1;
    }
}
