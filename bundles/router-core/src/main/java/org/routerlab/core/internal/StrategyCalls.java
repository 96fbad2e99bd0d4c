package org.routerlab.core.internal;

import org.routerlab.api.dma.DmaContext;
import org.routerlab.api.dma.DmaStrategy;
import org.routerlab.api.nic.NicPort;
import org.routerlab.api.packet.PacketBatch;

/**
 * The forwarding loop's per-burst calls into DMA strategies, one call site each, made megamorphic before the loop is
 * compiled ({@link #warmUp()}).
 *
 * <p>Why: the JIT compiles a call site that has seen one receiver class as a guarded inline of that class. A hot
 * swap brings a strategy class the compiled loop has never seen: the guard fails, the loop is deoptimized (JFR:
 * {@code jdk.Deoptimization}, reason {@code class_check}, at these calls in {@code forward} and {@code transmit}) and
 * runs interpreted or at C1 until it is recompiled — tens to hundreds of milliseconds during which a wall-paced source
 * overruns the rings. Calls here go once per burst (never per packet), so an indirect call costs nothing measurable,
 * while a site whose profile already holds three classes is compiled as a virtual call that no new class invalidates.
 * The profile of a small static method is shared by every place it is inlined into, so warming these few methods is
 * enough; the strategies' own per-packet loops are unaffected.
 */
final class StrategyCalls {
    private static volatile boolean warm;

    private StrategyCalls() {
    }

    static int refill(final DmaStrategy s, final NicPort port) {
        return s.refill(port);
    }

    static void onReceive(final DmaStrategy s, final NicPort port, final PacketBatch received) {
        s.onReceive(port, received);
    }

    static void release(final DmaStrategy s, final PacketBatch dropped) {
        s.release(dropped);
    }

    static int prepareTransmit(final DmaStrategy s, final NicPort egress, final PacketBatch batch) {
        return s.prepareTransmit(egress, batch);
    }

    static void releaseUnsent(final DmaStrategy s, final NicPort egress, final PacketBatch unsent) {
        s.releaseUnsent(egress, unsent);
    }

    static void onTransmitted(final DmaStrategy s, final NicPort port, final PacketBatch completed) {
        s.onTransmitted(port, completed);
    }

    /**
     * Once per class loader, before the first run's clock starts: calls every method above with three classes of
     * strategy that do nothing, often enough that the methods are profiled (and compiled) with all three. A few
     * milliseconds.
     */
    static void warmUp() {
        if (warm) {
            return;
        }
        final DmaStrategy[] kinds = {new Idle1(), new Idle2(), new Idle3()};
        final PacketBatch empty = new PacketBatch(1);
        int sink = 0;
        for (int i = 0; i < 30_000; i++) {
            final DmaStrategy s = kinds[i % 3];
            sink += refill(s, null);
            onReceive(s, null, empty);
            release(s, empty);
            sink += prepareTransmit(s, null, empty);
            releaseUnsent(s, null, empty);
            onTransmitted(s, null, empty);
        }
        warm = sink == 0;
    }

    /** A strategy that does nothing, for {@link #warmUp()}; three distinct classes of it. */
    private abstract static class Idle implements DmaStrategy {
        @Override public String name() { return "idle"; }
        @Override public void attach(final DmaContext context) { }
        @Override public int refill(final NicPort port) { return 0; }
        @Override public void onReceive(final NicPort port, final PacketBatch received) { }
        @Override public int prepareTransmit(final NicPort egress, final PacketBatch batch) { return 0; }
        @Override public void onTransmitted(final NicPort port, final PacketBatch completed) { }
        @Override public void release(final PacketBatch dropped) { }
        @Override public void releaseUnsent(final NicPort egress, final PacketBatch unsent) { }
        @Override public void detach() { }
        @Override public long buffersOutstanding() { return 0; }
    }

    private static final class Idle1 extends Idle { }

    private static final class Idle2 extends Idle { }

    private static final class Idle3 extends Idle { }
}
