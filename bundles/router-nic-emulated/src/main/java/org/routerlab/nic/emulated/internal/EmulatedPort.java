package org.routerlab.nic.emulated.internal;

import java.lang.foreign.MemorySegment;
import org.routerlab.api.nic.NicPort;
import org.routerlab.api.nic.PortCounter;
import org.routerlab.api.nic.PortCounters;
import org.routerlab.api.nic.PortInfo;
import org.routerlab.api.packet.Ipv4Address;
import org.routerlab.api.packet.MacAddress;
import org.routerlab.api.packet.PacketBatch;
import org.routerlab.api.platform.PlatformOp;

/**
 * One emulated port: an rx descriptor ring the driver posts buffers to and the device fills from the traffic
 * generator, and a tx ring the device drains at once (an ideal wire). The device checks every DMA against the
 * platform's mappings and grants.
 *
 * <pre>
 * rx ring indices (monotonic, slot = index % size):
 *   clean ≤ device ≤ tail ≤ posted
 *   [clean, device)  filled by the device, waiting for rxBurst   (driver's)
 *   [device, tail)   posted and visible to the device            (device's)
 *   [tail, posted)   posted, not yet committed by a tail write    (driver's)
 * tx ring: [txClean, txTail) accepted, completed at once by the ideal wire, returned by reapTxCompletions
 * </pre>
 * Single-threaded (the forwarding thread).
 */
final class EmulatedPort implements NicPort {
    private final PortInfo info;
    private final EmulatedPlatform platform;
    private final MemorySegment memory;
    private final TrafficGenerator generator;
    private final EmulatedNicSession.OfferBudget budget;
    private final PortCounters counters = new PortCounters();
    private final int device;
    private final int subnet;
    private final int subnetLength;

    private final int rxSize;
    private final int rxMask;
    private final int[] rxBuffer;
    private final long[] rxDma;
    private final int[] rxLength;
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
    /** The rx stamp of each frame on the tx ring, handed back with its completion (latency). */
    private final long[] txStamp;
    private long txClean;
    private long txTail;

    /** Offered load in packets per second, 0 for "as fast as the router polls". */
    private final long rate;
    private long startNanos = -1;
    private long offered;

    EmulatedPort(final PortInfo info, final EmulatedPlatform platform, final TrafficGenerator generator,
            final EmulatedNicSession.OfferBudget budget, final int rxSize, final int txSize, final long rate) {
        if (Integer.bitCount(rxSize) != 1 || Integer.bitCount(txSize) != 1) {
            throw new IllegalArgumentException("nic.rx.ring=" + rxSize + " nic.tx.ring=" + txSize
                    + " must be powers of two");
        }
        this.info = info;
        this.platform = platform;
        this.memory = platform.memory();
        this.generator = generator;
        this.budget = budget;
        this.device = info.device();
        this.subnet = info.addresses().isEmpty() ? 0 : info.addresses().get(0).address();
        this.subnetLength = info.addresses().isEmpty() ? 32 : info.addresses().get(0).prefixLength();
        this.rxSize = rxSize;
        this.rxMask = rxSize - 1;
        this.rxBuffer = new int[rxSize];
        this.rxDma = new long[rxSize];
        this.rxLength = new int[rxSize];
        this.txSize = txSize;
        this.txMask = txSize - 1;
        this.txBuffer = new int[txSize];
        this.txOffset = new long[txSize];
        this.txDma = new long[txSize];
        this.txLength = new int[txSize];
        this.txStamp = new long[txSize];
        this.rate = rate;
    }

    @Override public PortInfo info() { return info; }
    @Override public PortCounters counters() { return counters; }
    @Override public int rxRingSize() { return rxSize; }
    @Override public int rxFreeSlots() { return (int) (rxSize - (rxPosted - rxClean)); }
    @Override public int txFreeSlots() { return (int) (txSize - (txTail - txClean)); }
    @Override public int txInFlight() { return (int) (txTail - txClean); }
    /** {@inheritDoc} This ring uses every slot (no descriptor kept empty), so the interface's default is one short. */
    @Override public int rxHeld() { return (int) (rxPosted - rxClean); }

    long offered() { return offered; }

    /** True when nothing the device received is waiting and nothing transmitted is uncompleted. */
    boolean idle() { return rxClean == rxDevice && txClean == txTail; }

    @Override
    public boolean postRx(final int buffer, final long dma) {
        if (rxPosted - rxClean == rxSize) {
            return false;
        }
        final int slot = (int) (rxPosted & rxMask);
        rxBuffer[slot] = buffer;
        rxDma[slot] = dma;
        rxPosted++;
        return true;
    }

    @Override
    public void commitRx() {
        if (rxTail != rxPosted) {
            rxTail = rxPosted;
            counters.add(PortCounter.RX_TAIL_WRITES, 1);
            platform.charge(platform.costs().tailWritePs);
        }
    }

    @Override
    public int rxBurst(final PacketBatch batch, final int max) {
        receiveFromWire(max);
        final int limit = Math.min(max, batch.remaining());
        int n = 0;
        long clean = rxClean;
        final long filled = rxDevice;
        // Modeled time at receive: this platform has no idle time, so its timeline is the charged time.
        final long stamp = clean != filled ? platform.counters().get(PlatformOp.MODELED_NANOS) : 0;
        while (n < limit && clean != filled) {
            final int slot = (int) (clean & rxMask);
            final int buffer = rxBuffer[slot];
            batch.stamp(batch.add(buffer, platform.bufferOffset(buffer), rxLength[slot], rxDma[slot], info.index()),
                    stamp);
            clean++;
            n++;
        }
        rxClean = clean;
        return n;
    }

    /** The device side: frames arriving now are DMA'd into posted descriptors, or missed. */
    private void receiveFromWire(final int pollBurst) {
        int arrivals;
        if (rate == 0) {
            arrivals = pollBurst;
        } else {
            final long now = System.nanoTime();
            if (startNanos < 0) {
                startNanos = now;
            }
            final long due = (now - startNanos) * rate / 1_000_000_000L - offered;
            arrivals = (int) Math.min(due, rxSize * 2L);
        }
        arrivals = budget.take(arrivals);
        if (arrivals <= 0) {
            return;
        }
        final int size = generator.frameSize();
        long received = 0;
        long bytes = 0;
        for (int i = 0; i < arrivals; i++) {
            if (rxDevice == rxTail) {
                counters.add(PortCounter.RX_MISSED, arrivals - i);
                break;
            }
            final int slot = (int) (rxDevice & rxMask);
            final long dma = rxDma[slot];
            if (!platform.deviceMayWrite(device, dma, size)) {
                // IOMMU-style fault: the write is blocked, the frame is lost and the descriptor stays posted.
                counters.add(PortCounter.RX_DMA_FAULTS, 1);
                continue;
            }
            rxLength[slot] = generator.next(memory, platform.addressOf(dma));
            rxDevice++;
            received++;
            bytes += size;
        }
        offered += arrivals;
        counters.add(PortCounter.RX_PACKETS, received);
        counters.add(PortCounter.RX_BYTES, bytes);
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

    @Override
    public int txBurst(final PacketBatch batch) {
        final int n = Math.min(batch.size(), txFreeSlots());
        long tail = txTail;
        long sent = 0;
        long bytes = 0;
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
            if (platform.deviceMayRead(device, dma, length)) {
                sent++;
                bytes += length;
            } else {
                counters.add(PortCounter.TX_DMA_FAULTS, 1);
            }
        }
        txTail = tail;
        if (n < batch.size()) {
            counters.add(PortCounter.TX_RING_FULL, batch.size() - n);
        }
        if (n > 0) {
            counters.add(PortCounter.TX_TAIL_WRITES, 1);
            platform.charge(platform.costs().tailWritePs);
        }
        counters.add(PortCounter.TX_PACKETS, sent);
        counters.add(PortCounter.TX_BYTES, bytes);
        return n;
    }

    @Override
    public int reapTxCompletions(final PacketBatch completed, final int max) {
        final int limit = Math.min(max, completed.remaining());
        int n = 0;
        long clean = txClean;
        while (n < limit && clean != txTail) {
            final int slot = (int) (clean & txMask);
            completed.stamp(completed.add(txBuffer[slot], txOffset[slot], txLength[slot], txDma[slot], info.index()),
                    txStamp[slot]);
            clean++;
            n++;
        }
        txClean = clean;
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
