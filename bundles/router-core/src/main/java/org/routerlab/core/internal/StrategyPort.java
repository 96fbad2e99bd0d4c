package org.routerlab.core.internal;

import org.routerlab.api.engine.DropReason;
import org.routerlab.api.nic.NicPort;
import org.routerlab.api.nic.PortCounters;
import org.routerlab.api.nic.PortInfo;
import org.routerlab.api.packet.PacketBatch;

/**
 * The view of a port the engine gives DMA strategies: everything passes through, except that a strategy cannot take
 * rx descriptors back ({@link #reclaimRx} returns 0). Once strategies can be swapped, a ring may hold the buffers of
 * two strategies at once, and a strategy that drained the ring at {@code detach} would take its successor's
 * buffers. The engine reclaims descriptors itself and hands each back to its owner as an empty received frame
 * ({@code onReceive}, then {@code release}). While a platform change quiesces the rings, the engine also caps how many
 * rx descriptors the strategy is offered ({@link #capRx}): {@link #rxFreeSlots()} then counts only up to the cap. The
 * JIT inlines the delegation: one class at every call site.
 */
final class StrategyPort implements NicPort {
    private final NicPort port;
    /** Descriptors the strategy may keep posted ({@link Integer#MAX_VALUE}: the ring's own limit). Forwarding thread. */
    private int rxCap = Integer.MAX_VALUE;

    StrategyPort(final NicPort port) {
        this.port = port;
    }

    NicPort port() {
        return port;
    }

    @Override public PortInfo info() { return port.info(); }
    @Override public int rxBurst(final PacketBatch batch, final int max) { return port.rxBurst(batch, max); }
    @Override public int rxFreeSlots() {
        final int free = port.rxFreeSlots();
        final int cap = rxCap;
        return cap == Integer.MAX_VALUE ? free : Math.max(0, Math.min(free, cap - port.rxHeld()));
    }

    /** From now on {@link #rxFreeSlots()} offers at most {@code cap} descriptors posted in all. */
    void capRx(final int cap) {
        this.rxCap = cap;
    }
    @Override public int rxRingSize() { return port.rxRingSize(); }
    @Override public boolean postRx(final int buffer, final long dma) { return port.postRx(buffer, dma); }
    @Override public void commitRx() { port.commitRx(); }
    @Override public int txBurst(final PacketBatch batch) { return port.txBurst(batch); }
    @Override public int txFreeSlots() { return port.txFreeSlots(); }
    @Override public int reapTxCompletions(final PacketBatch completed, final int max) {
        return port.reapTxCompletions(completed, max);
    }
    @Override public int reclaimRx(final PacketBatch out, final int max) { return 0; }
    @Override public int rxHeld() { return port.rxHeld(); }
    @Override public int txInFlight() { return port.txInFlight(); }
    @Override public long neighbourMac(final int ipv4) { return port.neighbourMac(ipv4); }
    @Override public PortCounters counters() { return port.counters(); }
    @Override public void punt(final PacketBatch batch, final int slot, final DropReason reason, final int nextHop) {
        port.punt(batch, slot, reason, nextHop);
    }
}
